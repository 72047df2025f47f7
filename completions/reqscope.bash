# bash completion for reqscope                             -*- shell-script -*-
#
# Installed as .../bash-completion/completions/reqscope, or source it from
# ~/.bashrc. The option lists below must match `reqscope --help' and
# `reqscope <command> --help'; a test checks them.

_reqscope()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n = || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
    fi

    local commands="trace dns tls jwt cors bench ratelimit lab demo"
    local global_opts="--json --color --explain --timeout -v --verbose
        --show-secrets -h --help"
    local top_opts="--version"
    local trace_opts="-X --request -H --header -d --data -L --location
        --max-redirs -4 --ipv4 -6 --ipv6 --resolve --connect-to
        --dns-server --dns-trace --dns-root -k --insecure --cacert --http1.1
        --http2 --expect-status --max-total-ms --max-ttfb-ms --repeat --interval
        --reuse --origin --credentials"
    local dns_opts="-t --type -s --server -x --reverse --tcp --trace --root"
    local dns_types="A AAAA CNAME MX TXT NS SOA CAA SRV PTR"
    local tls_opts="--servername --cacert -k --insecure -4 --ipv4 -6 --ipv6
        --versions --warn-days"
    local cors_opts="--origin -X --method --request -H --header -d --data
        --credentials --content-type --scan -4 --ipv4 -6 --ipv6 --resolve
        --connect-to -k --insecure --cacert --http1.1 --http2"
    local bench_opts="-n --requests -d --duration -c --connections -t --threads
        --rate --warmup -X --request -H --header --data -4 --ipv4 -6 --ipv6
        --resolve --connect-to -k --insecure --cacert --http1.1 --http2
        --streams-per-conn --max-p50-ms --max-p99-ms --max-error-rate --min-rps
        --compare --max-requests --force"
    local ratelimit_opts="-X --request -H --header -d --data -4 --ipv4 -6 --ipv6
        --resolve --connect-to -k --insecure --cacert --http1.1 --http2 --probe
        -c --concurrency --max-requests --max-time --expect-limit --tolerance"
    local lab_opts="--port --bind --https --cert --key --dns"
    local demo_opts=""
    local jwt_commands="decode verify sign"
    local jwt_decode_opts="--now"
    local jwt_verify_opts="--key --jwks --secret --secret-file --secret-env
        --alg --iss --aud --sub --now --leeway --require"
    local jwt_sign_opts="--alg --key --secret --secret-file --secret-env --kid
        --claim --claims --exp --nbf --iss --aud --sub --now"
    local jwt_algs="HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512
        ES256 ES384 ES512 EdDSA"

    # Find the command, skipping global options and their values.
    local command="" i word skip=""
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ -n $skip ]]; then
            skip=""
            continue
        fi
        case $word in
            --color | --timeout) skip=1 ;;
            trace | dns | tls | jwt | cors | bench | ratelimit | lab | demo)
                command=$word
                break
                ;;
        esac
    done
    # jwt has subcommands: find which, after it, skipping global options too.
    local subcommand=""
    if [[ $command == jwt ]]; then
        skip=""
        for ((i++; i < cword; i++)); do
            word=${words[i]}
            if [[ -n $skip ]]; then
                skip=""
                continue
            fi
            case $word in
                --color | --timeout) skip=1 ;;
                decode | verify | sign)
                    subcommand=$word
                    break
                    ;;
            esac
        done
    fi

    # Without bash-completion, '=' splits words: "--color=al" arrives as
    # "--color" "=" "al".
    if [[ $prev == "=" && $cword -ge 2 ]]; then
        prev=${words[cword-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # bench spells some options as other commands do not: -d is the
    # duration (the body is --data only) and -t the number of threads.
    if [[ $command == bench ]]; then
        case $prev in
            -d | --duration)
                COMPREPLY=($(compgen -W "10s 30s 1m 5m" -- "$cur"))
                return
                ;;
            --warmup)
                # A number of requests, or a duration with its unit.
                COMPREPLY=($(compgen -W "100 1000 2s 5s" -- "$cur"))
                return
                ;;
            --max-error-rate)
                COMPREPLY=($(compgen -W "0.01 1% 5%" -- "$cur"))
                return
                ;;
            --compare)
                if declare -F _filedir >/dev/null 2>&1; then
                    _filedir json
                else
                    compopt -o filenames 2>/dev/null
                    COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return
                ;;
            -n | --requests | -c | --connections | -t | --threads | --rate | \
                --streams-per-conn | --max-p50-ms | --max-p99-ms | --min-rps | \
                --max-requests)
                return
                ;;
        esac
    fi

    # ratelimit's probe options, and its expectation.
    if [[ $command == ratelimit ]]; then
        case $prev in
            --max-time)
                COMPREPLY=($(compgen -W "30s 1m 5m 15m" -- "$cur"))
                return
                ;;
            --tolerance)
                # A count of requests, or a share of --expect-limit.
                COMPREPLY=($(compgen -W "1 2 5% 10%" -- "$cur"))
                return
                ;;
            -c | --concurrency | --max-requests | --expect-limit)
                return
                ;;
        esac
    fi

    case $prev in
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --cacert | --cert | --key | --secret-file | --claims)
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir
            else
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return
            ;;
        -d | --data)
            # A body is literal text, @FILE or @- (stdin): complete @FILE.
            local path=${cur#@} f quoted
            COMPREPLY=()
            compopt -o nospace 2>/dev/null
            while IFS= read -r f; do
                printf -v quoted '%q' "$f"
                if [[ -d $f ]]; then
                    COMPREPLY+=("@$quoted/")
                else
                    COMPREPLY+=("@$quoted ")
                fi
            done < <(compgen -f -- "$path")
            [[ -z $path || $path == - ]] && COMPREPLY+=("@- ")
            return
            ;;
        --jwks)
            # A JWKS file, or the issuer's URL: offer the schemes once an h
            # is typed.
            if [[ $cur == h* ]]; then
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
                [[ ${#COMPREPLY[@]} -gt 0 ]] && return
            fi
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir
            else
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            return
            ;;
        --alg)
            # verify takes a comma-separated list: complete the last name.
            local done_part=""
            [[ $cur == *,* ]] && done_part=${cur%,*},
            COMPREPLY=($(compgen -P "$done_part" -W "$jwt_algs" -- "${cur##*,}"))
            return
            ;;
        --secret-env)
            COMPREPLY=($(compgen -e -- "$cur"))
            return
            ;;
        --require)
            COMPREPLY=($(compgen -W "exp nbf iat iss aud sub jti" -- "$cur"))
            return
            ;;
        --exp | --nbf)
            COMPREPLY=($(compgen -W "30s 5m 15m 1h 30d" -- "$cur"))
            return
            ;;
        --leeway)
            COMPREPLY=($(compgen -W "30 60 2m" -- "$cur"))
            return
            ;;
        -X | --request | --method)
            COMPREPLY=($(compgen -W "GET HEAD POST PUT PATCH DELETE OPTIONS" \
                -- "$cur"))
            return
            ;;
        --origin)
            # scheme://host[:port], or null: offer the schemes until one is
            # typed.
            if [[ $cur != *://* ]]; then
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
                [[ null == "$cur"* ]] && COMPREPLY+=("null ")
            fi
            return
            ;;
        --content-type)
            COMPREPLY=($(compgen -W "application/json text/plain
                application/x-www-form-urlencoded multipart/form-data" \
                -- "$cur"))
            return
            ;;
        -t | --type)
            # Record types; any other is written TYPEnnn.
            COMPREPLY=($(compgen -W "$dns_types" -- "${cur^^}"))
            return
            ;;
        --timeout | --interval)
            COMPREPLY=($(compgen -W "250ms 1s 5s 10s 30s 1m" -- "$cur"))
            return
            ;;
        --servername)
            # The name to send as SNI and verify: offer the host names bash
            # knows (from /etc/hosts).
            COMPREPLY=($(compgen -A hostname -- "$cur"))
            return
            ;;
        --bind)
            # An IP address, not a host name.
            COMPREPLY=($(compgen -W "127.0.0.1 ::1" -- "$cur"))
            return
            ;;
        -H | --header | --max-redirs | --resolve | --connect-to | \
            --dns-server | --dns-root | --expect-status | --max-total-ms | --max-ttfb-ms | \
            --repeat | --port | -s | --server | -x | --reverse | --root | \
            --warn-days | --secret | --kid | --claim | --iss | --aud | --sub | --now)
            return
            ;;
    esac

    local opts
    case $command in
        trace) opts="$trace_opts $global_opts" ;;
        cors) opts="$cors_opts $global_opts" ;;
        bench) opts="$bench_opts $global_opts" ;;
        ratelimit) opts="$ratelimit_opts $global_opts" ;;
        dns) opts="$dns_opts $global_opts" ;;
        tls) opts="$tls_opts $global_opts" ;;
        jwt)
            case $subcommand in
                decode) opts="$jwt_decode_opts $global_opts" ;;
                verify) opts="$jwt_verify_opts $global_opts" ;;
                sign) opts="$jwt_sign_opts $global_opts" ;;
                *) opts="$global_opts" ;;
            esac
            ;;
        lab) opts="$lab_opts $global_opts" ;;
        demo) opts="$demo_opts $global_opts" ;;
        *) opts="$global_opts $top_opts" ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    if [[ $command == jwt ]]; then
        # The subcommand; after decode or verify, the TOKEN is typed or -.
        [[ -z $subcommand ]] && COMPREPLY=($(compgen -W "$jwt_commands" -- "$cur"))
        return
    fi
    if [[ $command == dns || $command == tls ]]; then
        # The NAME, or tls's HOST[:PORT]: offer the host names bash knows
        # (from /etc/hosts).
        COMPREPLY=($(compgen -A hostname -- "$cur"))
        return
    fi
    if [[ $command == trace || $command == cors || $command == bench ||
        $command == ratelimit ]]; then
        # The URL: offer the schemes until one is typed.
        if [[ $cur != *://* ]]; then
            compopt -o nospace 2>/dev/null
            COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
        fi
    fi
} &&
    complete -F _reqscope reqscope

# ex: filetype=sh
