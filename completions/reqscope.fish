# fish completion for reqscope. Install as
# .../fish/vendor_completions.d/reqscope.fish.
# The options below must match `reqscope --help' and
# `reqscope <command> --help'; a test checks them. The comment before each
# line gives the option's spelling as --help prints it.

set -l commands trace dns tls jwt cors bench ratelimit lab demo

# Completes a request body: @FILE, or @- for stdin.
function __reqscope_data
    set -l token (commandline -ct)
    set -l path (string replace -r -- '^(--data=|-d)?@?' '' $token)
    printf '@-\tstandard input\n'
    for candidate in (__fish_complete_path $path)
        printf '@%s\n' $candidate
    end
end

complete -c reqscope -f

# Commands
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a trace -d 'Trace one request end to end, phase by phase'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a dns -d 'Look up a name, or walk the DNS from the root'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a tls -d "Inspect a server's TLS: chain, expiry, versions"
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a jwt -d 'Decode, verify and sign JSON Web Tokens'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a cors -d 'Would a browser allow this cross-origin call? Why?'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a bench -d 'Latency under load: p50/p99 per phase, errors'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a ratelimit -d 'Read rate-limit headers; --probe finds the limit'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a lab -d 'Run the local teaching and test server until Ctrl-C'
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -a demo -d 'A guided tour of the lab, offline: traces, TLS, a DNS walk, a JWT'

# Global options, before or after the command
# --json
complete -c reqscope -l json -d 'Print exactly one JSON document on stdout'
# --color WHEN
complete -c reqscope -l color -x -a 'auto always never' \
    -d 'Colour output (auto honours NO_COLOR)'
# --explain
complete -c reqscope -l explain -d 'Explain each step in plain words'
# --timeout DURATION
complete -c reqscope -l timeout -x -a '250ms 1s 5s 10s 30s 1m' \
    -d 'Give up on network work after this long (default 30s)'
# -v, --verbose
complete -c reqscope -s v -l verbose -d 'Show request and response headers'
# --show-secrets
complete -c reqscope -l show-secrets \
    -d 'Show Authorization, Proxy-Authorization, Cookie and Set-Cookie values unredacted'
# -h, --help
complete -c reqscope -s h -l help -d 'Print help and exit'
# --version
complete -c reqscope -n "not __fish_seen_subcommand_from $commands" \
    -l version -d 'Print the version and exit'

# reqscope trace URL
set -l trace "__fish_seen_subcommand_from trace"
complete -c reqscope -n $trace -a 'http:// https://' -d URL
# -X, --request METHOD
complete -c reqscope -n $trace -s X -l request -x \
    -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' \
    -d 'Request method (default GET, or POST with -d)'
# -H, --header HEADER
complete -c reqscope -n $trace -s H -l header -x \
    -d "Add a request header 'Name: value' (repeatable)"
# -d, --data DATA
complete -c reqscope -n $trace -s d -l data -x -a '(__reqscope_data)' \
    -d 'Send this request body; @FILE reads a file, @- stdin'
# -L, --location (not with --origin)
complete -c reqscope -n "$trace; and not __fish_seen_argument -l origin" -s L -l location \
    -d 'Follow redirects, each hop measured on its own'
# --max-redirs N
complete -c reqscope -n $trace -l max-redirs -x \
    -d 'Stop after this many redirects (default 20)'
# -4, --ipv4
complete -c reqscope -n $trace -s 4 -l ipv4 \
    -d 'Resolve and connect over IPv4 only'
# -6, --ipv6
complete -c reqscope -n $trace -s 6 -l ipv6 \
    -d 'Resolve and connect over IPv6 only'
# --resolve HOST:PORT:ADDR
complete -c reqscope -n $trace -l resolve -x \
    -d 'Use ADDR for HOST:PORT instead of DNS (repeatable)'
# --connect-to HOST1:PORT1:HOST2:PORT2
complete -c reqscope -n $trace -l connect-to -x \
    -d 'Connect to HOST2:PORT2 when the URL names HOST1:PORT1'
# --dns-server IP[:PORT]
complete -c reqscope -n $trace -l dns-server -x \
    -d "Ask this DNS server, not resolv.conf's (repeatable)"
# --dns-trace
complete -c reqscope -n $trace -l dns-trace \
    -d 'Resolve by walking the DNS from the root'
# --dns-root IP[:PORT]
complete -c reqscope -n $trace -l dns-root -x \
    -d 'With --dns-trace: start at this root server (repeatable)'
# -k, --insecure
complete -c reqscope -n $trace -s k -l insecure \
    -d 'Continue when the certificate does not verify'
# --cacert FILE
complete -c reqscope -n $trace -l cacert -r -F \
    -d 'Trust the CA certificates in this PEM file'
# --http1.1
complete -c reqscope -n $trace -l http1.1 -d 'Use HTTP/1.1 only'
# --http2
complete -c reqscope -n $trace -l http2 \
    -d 'Use HTTP/2 (ALPN on https, upgrade on http)'
# --expect-status CODE
complete -c reqscope -n $trace -l expect-status -x \
    -d 'Exit 1 unless the final status is CODE'
# --max-total-ms MS
complete -c reqscope -n $trace -l max-total-ms -x \
    -d 'Exit 1 when the whole trace takes longer'
# --max-ttfb-ms MS
complete -c reqscope -n $trace -l max-ttfb-ms -x \
    -d "Exit 1 when the final hop's time to first byte is longer"
# --repeat N
complete -c reqscope -n $trace -l repeat -x \
    -d 'Run the trace N times and show per-phase statistics'
# --interval DURATION
complete -c reqscope -n $trace -l interval -x -a '100ms 500ms 1s 5s' \
    -d 'With --repeat, wait this long between runs'
# --reuse
complete -c reqscope -n $trace -l reuse \
    -d 'With --repeat, keep the connection and DNS answer between runs'
# --origin ORIGIN (not with -L)
complete -c reqscope -n "$trace; and not __fish_seen_argument -s L -l location" \
    -l origin -x -a 'http:// https:// null' \
    -d 'Call as a page of ORIGIN would: CORS checks'
# --credentials
complete -c reqscope -n "$trace; and not __fish_seen_argument -s L -l location" \
    -l credentials \
    -d 'With --origin: include credentials'

# reqscope cors URL --origin ORIGIN
set -l cors "__fish_seen_subcommand_from cors"
complete -c reqscope -n $cors -a 'http:// https://' -d URL
# --origin ORIGIN
complete -c reqscope -n $cors -l origin -x -a 'http:// https:// null' \
    -d "The calling page's origin, scheme://host[:port] (required)"
# -X, --method, --request METHOD
complete -c reqscope -n $cors -s X -l method -l request -x \
    -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' \
    -d 'Request method (default GET, or POST with -d)'
# -H, --header HEADER
complete -c reqscope -n $cors -s H -l header -x \
    -d "Add a request header 'Name: value' (repeatable)"
# -d, --data DATA
complete -c reqscope -n $cors -s d -l data -x -a '(__reqscope_data)' \
    -d 'Request body; @FILE reads a file, @- stdin'
# --credentials
complete -c reqscope -n $cors -l credentials \
    -d 'Send as fetch does with credentials: "include"'
# --content-type TYPE
complete -c reqscope -n $cors -l content-type -x \
    -a 'application/json text/plain application/x-www-form-urlencoded multipart/form-data' \
    -d "The request's Content-Type"
# --scan
complete -c reqscope -n $cors -l scan \
    -d 'Probe for misconfigurations (at most 8 requests)'
# -4, --ipv4
complete -c reqscope -n $cors -s 4 -l ipv4 \
    -d 'Resolve and connect over IPv4 only'
# -6, --ipv6
complete -c reqscope -n $cors -s 6 -l ipv6 \
    -d 'Resolve and connect over IPv6 only'
# --resolve HOST:PORT:ADDR
complete -c reqscope -n $cors -l resolve -x \
    -d 'Use ADDR for HOST:PORT instead of DNS (repeatable)'
# --connect-to HOST1:PORT1:HOST2:PORT2
complete -c reqscope -n $cors -l connect-to -x \
    -d 'Connect to HOST2:PORT2 when the URL names HOST1:PORT1'
# -k, --insecure
complete -c reqscope -n $cors -s k -l insecure \
    -d 'Continue when the certificate does not verify'
# --cacert FILE
complete -c reqscope -n $cors -l cacert -r -F \
    -d 'Trust the CA certificates in this PEM file'
# --http1.1
complete -c reqscope -n $cors -l http1.1 -d 'Use HTTP/1.1 only'
# --http2
complete -c reqscope -n $cors -l http2 \
    -d 'Use HTTP/2 (ALPN on https, upgrade on http)'

# reqscope bench URL
set -l bench "__fish_seen_subcommand_from bench"
complete -c reqscope -n $bench -a 'http:// https://' -d URL
# -n, --requests N
complete -c reqscope -n $bench -s n -l requests -x -d 'Send this many requests'
# -d, --duration DURATION (the body is --data only)
complete -c reqscope -n $bench -s d -l duration -x -a '10s 30s 1m 5m' \
    -d 'Send for this long (default 10s)'
# -c, --connections N
complete -c reqscope -n $bench -s c -l connections -x \
    -d 'Keep-alive connections (default 10)'
# -t, --threads N
complete -c reqscope -n $bench -s t -l threads -x \
    -d 'Worker threads sharing the connections (default 1)'
# --rate R
complete -c reqscope -n $bench -l rate -x \
    -d 'Open loop: this many requests per second in all'
# --warmup N|DURATION
complete -c reqscope -n $bench -l warmup -x -a '100 1000 2s 5s' \
    -d 'Unmeasured requests (N) or time (2s) first'
# -X, --request METHOD
complete -c reqscope -n $bench -s X -l request -x \
    -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' \
    -d 'Request method (default GET, or POST with --data)'
# -H, --header HEADER
complete -c reqscope -n $bench -s H -l header -x \
    -d "Add a request header 'Name: value' (repeatable)"
# --data DATA
complete -c reqscope -n $bench -l data -x -a '(__reqscope_data)' \
    -d 'Request body; @FILE reads a file, @- stdin'
# -4, --ipv4
complete -c reqscope -n $bench -s 4 -l ipv4 \
    -d 'Resolve and connect over IPv4 only'
# -6, --ipv6
complete -c reqscope -n $bench -s 6 -l ipv6 \
    -d 'Resolve and connect over IPv6 only'
# --resolve HOST:PORT:ADDR
complete -c reqscope -n $bench -l resolve -x \
    -d 'Use ADDR for HOST:PORT instead of DNS (repeatable)'
# --connect-to HOST1:PORT1:HOST2:PORT2
complete -c reqscope -n $bench -l connect-to -x \
    -d 'Connect to HOST2:PORT2 when the URL names HOST1:PORT1'
# -k, --insecure
complete -c reqscope -n $bench -s k -l insecure \
    -d 'Continue when the certificate does not verify'
# --cacert FILE
complete -c reqscope -n $bench -l cacert -r -F \
    -d 'Trust the CA certificates in this PEM file'
# --http1.1
complete -c reqscope -n $bench -l http1.1 -d 'Use HTTP/1.1 only'
# --http2
complete -c reqscope -n $bench -l http2 \
    -d 'Use HTTP/2 (ALPN on https, prior knowledge on http)'
# --streams-per-conn N
complete -c reqscope -n $bench -l streams-per-conn -x \
    -d 'With --http2: streams per connection (default 1)'
# --max-p50-ms MS
complete -c reqscope -n $bench -l max-p50-ms -x \
    -d 'Exit 1 when p50 latency is above MS'
# --max-p99-ms MS
complete -c reqscope -n $bench -l max-p99-ms -x \
    -d 'Exit 1 when p99 latency is above MS'
# --max-error-rate RATE
complete -c reqscope -n $bench -l max-error-rate -x -a '0.01 1% 5%' \
    -d 'Exit 1 above this error rate (0.01, 1%)'
# --min-rps R
complete -c reqscope -n $bench -l min-rps -x \
    -d 'Exit 1 below this many requests per second'
# --compare FILE
complete -c reqscope -n $bench -l compare -r -F \
    -d 'Show changes from an earlier --json result'
# --max-requests N
complete -c reqscope -n $bench -l max-requests -x \
    -d 'Refuse or stop beyond N (default 1000000)'
# --force
complete -c reqscope -n $bench -l force \
    -d 'Allow more than --max-requests or 10000 connections'

# reqscope ratelimit URL
set -l ratelimit "__fish_seen_subcommand_from ratelimit"
complete -c reqscope -n $ratelimit -a 'http:// https://' -d URL
# -X, --request METHOD
complete -c reqscope -n $ratelimit -s X -l request -x \
    -a 'GET HEAD POST PUT PATCH DELETE OPTIONS' \
    -d 'Request method (default GET, or POST with -d)'
# -H, --header HEADER
complete -c reqscope -n $ratelimit -s H -l header -x \
    -d "Add a request header 'Name: value' (repeatable)"
# -d, --data DATA
complete -c reqscope -n $ratelimit -s d -l data -x -a '(__reqscope_data)' \
    -d 'Request body; @FILE reads a file, @- stdin'
# -4, --ipv4
complete -c reqscope -n $ratelimit -s 4 -l ipv4 \
    -d 'Resolve and connect over IPv4 only'
# -6, --ipv6
complete -c reqscope -n $ratelimit -s 6 -l ipv6 \
    -d 'Resolve and connect over IPv6 only'
# --resolve HOST:PORT:ADDR
complete -c reqscope -n $ratelimit -l resolve -x \
    -d 'Use ADDR for HOST:PORT instead of DNS (repeatable)'
# --connect-to HOST1:PORT1:HOST2:PORT2
complete -c reqscope -n $ratelimit -l connect-to -x \
    -d 'Connect to HOST2:PORT2 when the URL names HOST1:PORT1'
# -k, --insecure
complete -c reqscope -n $ratelimit -s k -l insecure \
    -d 'Continue when the certificate does not verify'
# --cacert FILE
complete -c reqscope -n $ratelimit -l cacert -r -F \
    -d 'Trust the CA certificates in this PEM file'
# --http1.1
complete -c reqscope -n $ratelimit -l http1.1 -d 'Use HTTP/1.1 only'
# --http2
complete -c reqscope -n $ratelimit -l http2 \
    -d 'Use HTTP/2 (ALPN on https, upgrade on http)'
# --probe
complete -c reqscope -n $ratelimit -l probe \
    -d 'Send bursts to find limit, window and algorithm'
# -c, --concurrency N
complete -c reqscope -n $ratelimit -s c -l concurrency -x \
    -d 'With --probe: requests in flight at once (default 1)'
# --max-requests N
complete -c reqscope -n $ratelimit -l max-requests -x \
    -d 'With --probe: send at most N requests (default 200)'
# --max-time DURATION
complete -c reqscope -n $ratelimit -l max-time -x -a '30s 1m 5m 15m' \
    -d 'With --probe: stop after this long (default 5m)'
# --expect-limit N
complete -c reqscope -n $ratelimit -l expect-limit -x \
    -d 'Exit 1 unless the limit found is N'
# --tolerance T
complete -c reqscope -n $ratelimit -l tolerance -x -a '1 2 5% 10%' \
    -d 'With --expect-limit: slack, e.g. 2 or 10%'

# reqscope dns NAME
set -l dns "__fish_seen_subcommand_from dns"
complete -c reqscope -n $dns -a '(__fish_print_hostnames)' -d 'Domain name'
# -t, --type TYPE
complete -c reqscope -n $dns -s t -l type -x \
    -a 'A AAAA CNAME MX TXT NS SOA CAA SRV PTR' \
    -d 'Record type (repeatable; one with --trace)'
# -s, --server IP[:PORT]
complete -c reqscope -n $dns -s s -l server -x \
    -d "Ask this server, not resolv.conf's (repeatable)"
# -x, --reverse ADDRESS
complete -c reqscope -n $dns -s x -l reverse -x \
    -d 'Reverse lookup: the PTR record of ADDRESS'
# --tcp
complete -c reqscope -n $dns -l tcp -d 'Query over TCP instead of UDP'
# --trace
complete -c reqscope -n $dns -l trace -d 'Walk from the root, each referral shown'
# --root IP[:PORT]
complete -c reqscope -n $dns -l root -x \
    -d 'With --trace: start at this server (repeatable)'

# reqscope tls HOST[:PORT]
set -l tls "__fish_seen_subcommand_from tls"
complete -c reqscope -n $tls -a '(__fish_print_hostnames)' -d 'Host'
# --servername NAME
complete -c reqscope -n $tls -l servername -x -a '(__fish_print_hostnames)' \
    -d 'Send this SNI name and verify against it'
# --cacert FILE
complete -c reqscope -n $tls -l cacert -r -F \
    -d 'Trust only the CA certificates in this PEM file'
# -k, --insecure
complete -c reqscope -n $tls -s k -l insecure \
    -d 'Trust problems (issuer, host name) are warnings, not errors'
# -4, --ipv4
complete -c reqscope -n $tls -s 4 -l ipv4 \
    -d 'Resolve and connect over IPv4 only'
# -6, --ipv6
complete -c reqscope -n $tls -s 6 -l ipv6 \
    -d 'Resolve and connect over IPv6 only'
# --versions
complete -c reqscope -n $tls -l versions \
    -d 'Probe TLS 1.0, 1.1, 1.2 and 1.3 one by one'
# --warn-days N
complete -c reqscope -n $tls -l warn-days -x \
    -d 'Fail if a certificate expires within N days (default 14)'

# reqscope jwt decode|verify|sign
set -l jwt_commands decode verify sign
set -l jwt_algs HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA
complete -c reqscope \
    -n "__fish_seen_subcommand_from jwt; and not __fish_seen_subcommand_from $jwt_commands" \
    -a decode -d "Show a token's header and claims (no checks)"
complete -c reqscope \
    -n "__fish_seen_subcommand_from jwt; and not __fish_seen_subcommand_from $jwt_commands" \
    -a verify -d "Check a token's signature and claims"
complete -c reqscope \
    -n "__fish_seen_subcommand_from jwt; and not __fish_seen_subcommand_from $jwt_commands" \
    -a sign -d 'Make a signed test token; prints only the token'
set -l jwt_decode "__fish_seen_subcommand_from jwt; and __fish_seen_subcommand_from decode"
set -l jwt_verify "__fish_seen_subcommand_from jwt; and __fish_seen_subcommand_from verify"
set -l jwt_sign "__fish_seen_subcommand_from jwt; and __fish_seen_subcommand_from sign"
set -l jwt_keyed "__fish_seen_subcommand_from jwt; and __fish_seen_subcommand_from verify sign"

# Completes a verify --alg value: a comma-separated list of algorithms.
function __reqscope_jwt_algs
    set -l token (commandline -ct)
    set -l done (string match -r -- '^(?:--alg=)?(.*,)' $token)[2]
    for alg in HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA
        printf '%s%s\n' "$done" $alg
    end
end

# jwt decode
# --now TIME
complete -c reqscope -n $jwt_decode -l now -x \
    -d 'Describe times as of TIME (Unix or RFC 3339)'
# jwt verify and sign: the key sources
# --key FILE
complete -c reqscope -n $jwt_verify -l key -r -F \
    -d 'Key file: PEM key or certificate, JWK or JWKS'
complete -c reqscope -n $jwt_sign -l key -r -F \
    -d 'Private key file: PEM, JWK or JWKS (with --kid)'
# --jwks FILE|URL
complete -c reqscope -n $jwt_verify -l jwks -r -F \
    -d "The issuer's JWKS: a file or an http(s) URL"
# --secret S
complete -c reqscope -n $jwt_keyed -l secret -x \
    -d 'HMAC secret (visible to ps; prefer the next two)'
# --secret-file FILE
complete -c reqscope -n $jwt_keyed -l secret-file -r -F \
    -d 'HMAC secret from FILE (a final newline dropped)'
# --secret-env VAR
complete -c reqscope -n $jwt_keyed -l secret-env -x -a '(set --names --export)' \
    -d 'Read the HMAC secret from an environment variable'
# jwt verify
# --alg ALG
complete -c reqscope -n $jwt_verify -l alg -x -a '(__reqscope_jwt_algs)' \
    -d 'Allow only this algorithm; repeat for several'
# --iss ISSUER
complete -c reqscope -n $jwt_verify -l iss -x -d 'Require this issuer (iss)'
# --aud AUDIENCE
complete -c reqscope -n $jwt_verify -l aud -x \
    -d 'Require aud to include this; repeatable'
# --sub SUBJECT
complete -c reqscope -n $jwt_verify -l sub -x -d 'Require this subject (sub)'
# --now TIME
complete -c reqscope -n $jwt_verify -l now -x \
    -d 'Check times as of TIME: Unix seconds or RFC 3339'
# --leeway DURATION
complete -c reqscope -n $jwt_verify -l leeway -x -a '30 60 2m' \
    -d 'Allow clock skew for exp/nbf/iat: 60, 2m (0)'
# --require CLAIM
complete -c reqscope -n $jwt_verify -l require -x -a 'exp nbf iat iss aud sub jti' \
    -d 'Fail unless the token has this claim'
# jwt sign
# --alg ALG
complete -c reqscope -n $jwt_sign -l alg -x -a "$jwt_algs" \
    -d 'The algorithm: HS256 ... EdDSA'
# --kid KID
complete -c reqscope -n $jwt_sign -l kid -x \
    -d "The header's kid (default: the JWK's kid)"
# --claim NAME=VALUE
complete -c reqscope -n $jwt_sign -l claim -x \
    -d 'A claim NAME=VALUE (JSON, else a string); repeat'
# --claims FILE
complete -c reqscope -n $jwt_sign -l claims -r -F \
    -d 'Start from the JSON object of claims in FILE'
# --exp DURATION
complete -c reqscope -n $jwt_sign -l exp -x -a '30s 5m 15m 1h 30d' \
    -d 'Expire this long from now (15m, 1h)'
# --nbf DURATION
complete -c reqscope -n $jwt_sign -l nbf -x -a '30s 5m 1d' \
    -d 'Not valid until this long from now'
# --iss ISSUER
complete -c reqscope -n $jwt_sign -l iss -x -d 'The issuer claim (iss)'
# --aud AUDIENCE
complete -c reqscope -n $jwt_sign -l aud -x \
    -d 'The audience claim (aud); repeat for an array'
# --sub SUBJECT
complete -c reqscope -n $jwt_sign -l sub -x -d 'The subject claim (sub)'
# --now TIME
complete -c reqscope -n $jwt_sign -l now -x \
    -d 'Sign as of TIME (Unix seconds or RFC 3339)'

# reqscope lab
set -l lab "__fish_seen_subcommand_from lab"
# --port PORT
complete -c reqscope -n $lab -l port -x \
    -d 'Listen on this port; 0 picks a free one (default 0)'
# --bind ADDR
complete -c reqscope -n $lab -l bind -x -a '127.0.0.1 ::1' \
    -d 'Listen on this IP address (default 127.0.0.1)'
# --https
complete -c reqscope -n $lab -l https \
    -d 'Serve HTTPS with a certificate generated at start-up'
# --cert FILE
complete -c reqscope -n $lab -l cert -r -F \
    -d 'With --https, serve this PEM certificate'
# --key FILE
complete -c reqscope -n $lab -l key -r -F \
    -d 'With --https, the PEM private key of --cert'
# --dns
complete -c reqscope -n $lab -l dns \
    -d 'Also serve a DNS hierarchy on 127.53.1.x for dns --trace'

# reqscope demo has only the global options.
