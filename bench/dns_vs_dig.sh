#!/usr/bin/env bash
# Compares `reqscope dns --trace` with `dig +trace` walking the same DNS hierarchy on loopback.
#
#   [RUNS=50] [REQSCOPE=path] bench/dns_vs_dig.sh
#
# Starts the test suite's hierarchy (tests/support/dns_hierarchy.cpp) as three NSD processes
# sharing one free port: root "." on 127.53.0.1, "test." on 127.53.0.2, "example.test." and
# "other.test." on 127.53.0.3. For www.example.test (glue all the way) and alias.example.test
# (CNAME into other.test., whose delegation is glueless) it first checks that both tools end
# at the same answer (MATCH/MISMATCH), then times RUNS walks of each (default 50), every walk a
# fresh process for both tools, and prints mean, p50 and p95 wall time per walk in ms, the
# ratio reqscope/dig and the queries each tool sent; then reqscope's own walk time (from its
# JSON) and, as a baseline, one plain query to the leaf server with each tool, which shows
# how much of a walk's wall time is process start-up. Prints figures; never fails on speed.
# Exits 2 when a tool is missing or the hierarchy does not start, 1 when the answers differ.
# Needs: nsd, dig (bind9-dnsutils), python3, unshare and mount (util-linux); hyperfine and
# taskset optional. No internet: every query goes to 127.53.0.x.
#
# dig +trace does not use the glue in referrals: it looks each name server's address up
# with the system resolver (getaddrinfo), and would ask the real DNS for a.root-servers.test.
# So the script runs in a private mount namespace (unshare; a user namespace when not root)
# with its own /etc/hosts bound over the real one, naming the hierarchy's servers. Without
# a namespace it times reqscope alone and says that dig was skipped. dig's -p port is used
# for every step of the walk, which the script checks.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
runs=${RUNS:-50}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number, not '$runs'" >&2; exit 2; }

has_dns() { [ -x "$1" ] && "$1" dns --help 2>&1 | grep -q -- '--root'; }
if [ -n "${REQSCOPE:-}" ]; then
  has_dns "$REQSCOPE" || { echo "bench: REQSCOPE=$REQSCOPE is not a reqscope with 'dns --trace --root'" >&2; exit 2; }
  reqscope=$REQSCOPE
elif has_dns build/reqscope; then
  reqscope=build/reqscope
elif has_dns build-check/reqscope; then
  reqscope=build-check/reqscope
else
  echo "bench: build first (cmake --build build --target reqscope): no build/reqscope or" \
       "build-check/reqscope with the dns command; or set REQSCOPE=path" >&2
  exit 2
fi
reqscope=$(realpath "$reqscope")
export REQSCOPE=$reqscope
nsd_bin=$(command -v nsd || echo /usr/sbin/nsd)
[ -x "$nsd_bin" ] || { echo "bench: nsd is required (apt-get install nsd)" >&2; exit 2; }
command -v dig >/dev/null || { echo "bench: dig is required (apt-get install bind9-dnsutils)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is required" >&2; exit 2; }

# Re-run this script in a private mount namespace, where /etc/hosts can be replaced.
if [ -z "${DNS_VS_DIG_NAMESPACE:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then ns=(unshare --mount); else ns=(unshare --user --map-root-user --mount); fi
  if command -v unshare >/dev/null && "${ns[@]}" true 2>/dev/null; then
    export DNS_VS_DIG_NAMESPACE=yes
    exec "${ns[@]}" -- bash "$self"
  fi
  DNS_VS_DIG_NAMESPACE=no
fi

work=$(mktemp -d)
nsd_pids=()
cleanup() {
  local pid
  for pid in "${nsd_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${nsd_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A private copy, so that a rebuild during the run neither breaks nor changes it.
reqscope_path=$reqscope
reqscope=$work/reqscope
cp "$reqscope_path" "$reqscope"

# Servers on CPU 0 and clients on CPU 1 when there are two CPUs.
server_cpu=()
client_cpu=()
pinned="not pinned to CPUs"
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
  pinned="NSD on CPU 0, clients on CPU 1"
fi

# The zones of tests/support/dns_hierarchy.cpp, without what needs its silent server
# (flaky.test., dead.test., dead.nic.test.) and without big.example.test.
cat > "$work/root.zone" <<'ZONE'
$ORIGIN .
$TTL 300
.                     IN SOA a.root-servers.test. hostmaster.nic.test. 1 3600 600 86400 300
.                     IN NS  a.root-servers.test.
a.root-servers.test.  IN A   127.53.0.1
test.                 IN NS  ns1.nic.test.
ns1.nic.test.         IN A   127.53.0.2
ZONE
cat > "$work/test.zone" <<'ZONE'
$ORIGIN test.
$TTL 300
@               IN SOA ns1.nic.test. hostmaster.nic.test. 1 3600 600 86400 300
@               IN NS  ns1.nic.test.
ns1.nic         IN A   127.53.0.2
a.root-servers  IN A   127.53.0.1
example         IN NS  ns1.example.test.
ns1.example     IN A   127.53.0.3
; glueless: ns.example.test. has an address only in the example.test. zone
other           IN NS  ns.example.test.
ZONE
cat > "$work/example.test.zone" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@           IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 300
@           IN NS  ns1.example.test.
@           IN MX  10 mail.example.test.
@           IN TXT "v=reqscope-test"
@           IN CAA 0 issue "letsencrypt.org"
ns1         IN A   127.53.0.3
ns          IN A   127.53.0.3
www         IN A   127.0.0.1
www         IN AAAA ::1
mail        IN A   127.0.0.1
inzone      IN CNAME www
alias       IN CNAME www.other.test.
loop        IN CNAME loop.other.test.
_http._tcp  IN SRV 0 5 8080 www.example.test.
ZONE
cat > "$work/other.test.zone" <<'ZONE'
$ORIGIN other.test.
$TTL 300
@     IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 300
@     IN NS  ns.example.test.
www   IN A   127.0.0.7
loop  IN CNAME loop.example.test.
ZONE

# nsd_conf NAME IP PORT ZONE...: an unprivileged NSD serving ZONE... (file ZONE.zone, "root" for ".").
nsd_conf() {
  local name=$1 ip=$2 port=$3 zone
  shift 3
  mkdir -p "$work/$name"
  cat > "$work/$name/nsd.conf" <<CONF
server:
  ip-address: $ip
  port: $port
  zonesdir: "$work"
  pidfile: "$work/$name/nsd.pid"
  database: ""
  username: ""
  logfile: "$work/$name/nsd.log"
  xfrdfile: "$work/$name/xfrd.state"
  zonelistfile: "$work/$name/zone.list"
  server-count: 1
  verbosity: 1
remote-control:
  control-enable: no
CONF
  for zone in "$@"; do
    printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone"\n' "$zone" "$([ "$zone" = . ] && echo root || echo "${zone%.}")" \
      >> "$work/$name/nsd.conf"
  done
}

# start_hierarchy PORT: starts the three NSDs and waits until each answers its SOA over TCP;
# fails when one of them exits (its address and port may be taken) or does not answer in 10 s.
start_hierarchy() {
  local port=$1 name ip zone pid
  nsd_conf root 127.53.0.1 "$port" .
  nsd_conf tld 127.53.0.2 "$port" test.
  nsd_conf leaf 127.53.0.3 "$port" example.test. other.test.
  for name in root tld leaf; do
    "${server_cpu[@]}" "$nsd_bin" -d -c "$work/$name/nsd.conf" > "$work/$name/stderr" 2>&1 &
    nsd_pids+=("$!")
  done
  for name in root:127.53.0.1:. tld:127.53.0.2:test. leaf:127.53.0.3:example.test.; do
    IFS=: read -r name ip zone <<< "$name"
    for _ in $(seq 200); do
      for pid in "${nsd_pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
      [ -n "$(dig +tcp +short +time=1 +tries=1 @"$ip" -p "$port" "$zone" SOA 2>/dev/null)" ] && continue 2
      sleep 0.05
    done
    return 1
  done
}

for attempt in 1 2 3; do
  port=$(free_port)
  start_hierarchy "$port" && break
  for pid in "${nsd_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  nsd_pids=()
  if [ "$attempt" -eq 3 ]; then
    echo "bench: the NSD hierarchy did not start on 3 ports; its logs:" >&2
    cat "$work"/*/nsd.log "$work"/*/stderr >&2 2>/dev/null || true
    exit 2
  fi
done
root=127.53.0.1

# dig's view of the name servers: the real /etc/hosts plus the hierarchy's servers.
# Bound only when this process's mount namespace is not its parent's (which a non-root parent
# in another user namespace does not let it read), never over the host's own /etc/hosts.
dig_skipped=""
own_ns=$(readlink /proc/self/ns/mnt)
if [ "$DNS_VS_DIG_NAMESPACE" = yes ] && [ "$own_ns" != "$(readlink "/proc/$PPID/ns/mnt" 2>/dev/null || true)" ]; then
  { cat /etc/hosts 2>/dev/null || true
    printf '%s\n' '127.53.0.1 a.root-servers.test' '127.53.0.2 ns1.nic.test' \
      '127.53.0.3 ns1.example.test ns.example.test'
  } > "$work/hosts"
  mount --bind "$work/hosts" /etc/hosts 2>"$work/mount.err" ||
    dig_skipped="cannot bind a hosts file over /etc/hosts: $(cat "$work/mount.err")"
else
  dig_skipped="no private mount namespace (unshare failed), so dig cannot be given the name servers' addresses"
fi

cat > "$work/report.py" <<'PY'
import json, math, statistics, sys

def chain(records):
    return [f"{n.rstrip('.').lower()} {t} {d.rstrip('.').lower()}" for n, t, d in records if t in ("A", "CNAME")]

def reqscope(path):
    doc = json.load(open(path))
    steps = doc.get("steps") or []
    # Every step with a transport sent a query; from_cache only says the server
    # came from a delegation learned earlier in the walk.
    sent = sum(1 for s in steps if s.get("transport"))
    return chain((a["name"], a["type"], a["data"]) for a in doc.get("answers") or []), sent, len(steps), doc.get("error")

def dig(path, port):
    # The records dig prints after the last referral, i.e. before its last ";; Received" line.
    blocks, block, received, ports_ok = [], [], 0, True
    for line in open(path):
        if line.startswith(";; Received"):
            received += 1
            ports_ok &= f"#{port}(" in line
            blocks.append(block)
            block = []
        elif line.strip() and not line.startswith(";"):
            f = line.split()
            block.append((f[0], f[3], f[4]) if len(f) >= 5 else ("", "", ""))
    return chain(blocks[-1] if blocks else []), received, ports_ok

def plural(n):
    return "y" if n == 1 else "ies"

def verify(name, expected, port, reqscope_json, dig_txt=None):
    want = set(expected.split(","))
    ours, sent, steps, error = reqscope(reqscope_json)
    ok = {c.split()[2] for c in ours if c.split()[1] == "A"} == want
    print(f"{name} A, expected {expected}")
    print(f"  reqscope  {f'{sent} quer{plural(sent)}':<24}{'; '.join(ours) or '-'}" + (f"  error: {error}" if error else ""))
    if dig_txt:
        theirs, received, ports_ok = dig(dig_txt, port)
        ok &= theirs == ours and ports_ok
        note = "" if ports_ok else f"  (NOT all to port {port})"
        print(f"  dig       {f'{received} quer{plural(received)} (1st: . NS)':<24}{'; '.join(theirs) or '-'}{note}")
    print(f"  {'MATCH' if ok else 'MISMATCH'}")
    sys.exit(0 if ok else 1)

def hyperfine_ms(path):
    print("".join(f"{t * 1000}\n" for t in json.load(open(path))["results"][0]["times"]), end="")

def stats(path):
    ms = sorted(float(x) for x in open(path))
    return len(ms), statistics.fmean(ms), statistics.median(ms), ms[max(0, math.ceil(0.95 * len(ms)) - 1)]

def table(title, method, reqscope_ms, reqscope_queries, dig_ms="", dig_queries=""):
    rows = [("dig", stats(dig_ms), dig_queries)] if dig_ms else []
    rows.append(("reqscope", stats(reqscope_ms), reqscope_queries))
    print(f"\n{title}: wall time per run in ms, {rows[0][1][0]} runs of each, {method}")
    print(f"  {'':<10}{'mean':>9}{'p50':>9}{'p95':>9}{'queries':>10}")
    for tool, (_, mean, p50, p95), queries in rows:
        print(f"  {tool:<10}{mean:>9.2f}{p50:>9.2f}{p95:>9.2f}{queries:>10}")
    if dig_ms:
        d, r = rows[0][1], rows[1][1]
        print(f"  {'ratio':<10}{r[1] / d[1]:>9.2f}{r[2] / d[2]:>9.2f}{r[3] / d[3]:>9.2f}"
              "   reqscope/dig: below 1, reqscope is faster")

def queries(tool, path, port=""):
    print(reqscope(path)[1] if tool == "reqscope" else dig(path, port)[1])

def inprocess(jsonl, wall_ms):
    walks = [json.loads(line) for line in open(jsonl)]
    total = statistics.median(w["total_ms"] for w in walks)
    first = statistics.median(w["steps"][0]["ms"] for w in walks)
    print(f"  reqscope's own walk time (JSON total_ms): p50 {total:.2f} ms of its {stats(wall_ms)[2]:.2f} ms"
          f" wall (first query {first:.2f} ms); the rest is process start-up and exit")

globals()[sys.argv[1].replace("-", "_")](*sys.argv[2:])
PY

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) ($reqscope_path) vs $(dig -v 2>&1 | cut -d' ' -f1-2)," \
     "$("$nsd_bin" -v 2>&1 | head -1 | sed 's/ version//') on 127.53.0.1-3 port $port, $pinned"
echo "Both tools are separate processes: every walk below is one fresh process, start-up included."
[ -z "$dig_skipped" ] && echo "dig finds name servers through /etc/hosts (private mount namespace), not through glue."
echo

# Answers first: reqscope's JSON answer against dig's last response, both against the zones.
names=(www.example.test alias.example.test)
expected=(127.0.0.1 127.0.0.7)
status=0
for i in "${!names[@]}"; do
  name=${names[$i]}
  "$reqscope" dns "$name" --trace --root "$root:$port" --json > "$work/$name.json" || true
  if [ -z "$dig_skipped" ]; then
    dig +trace @"$root" -p "$port" "$name" > "$work/$name.dig" 2>&1 || true
    python3 "$work/report.py" verify "$name" "${expected[$i]}" "$port" "$work/$name.json" "$work/$name.dig" || status=1
  else
    python3 "$work/report.py" verify "$name" "${expected[$i]}" "$port" "$work/$name.json" || status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo >&2
  for name in "${names[@]}"; do
    echo "--- reqscope dns $name --trace --json:" >&2
    cat "$work/$name.json" >&2
    [ -f "$work/$name.dig" ] && { echo "--- dig +trace $name:" >&2; cat "$work/$name.dig" >&2; }
  done
  grep -qs "couldn't get address" "$work"/*.dig &&
    echo "bench: dig could not look a name server up: is nscd running, or /etc/nsswitch.conf without 'files'?" >&2
  echo "bench: the answers differ; not timing" >&2
  exit 1
fi

# Timing. measure OUT COMMAND...: RUNS wall times of COMMAND in ms, one a line, into OUT;
# hyperfine -N (no shell in between) when installed, else a bash loop with date.
if command -v hyperfine >/dev/null; then
  method="hyperfine -N, 3 warm-up runs"
else
  method="bash loop timing fork+exec with date +%s%N"
fi
measure() {
  local out=$1 start end
  shift
  if command -v hyperfine >/dev/null; then
    "${client_cpu[@]}" hyperfine -N --warmup 3 --runs "$runs" --export-json "$out.json" "$(printf '%q ' "$@")" \
      > "$work/hyperfine.log" 2>&1 || { cat "$work/hyperfine.log" >&2; exit 2; }
    python3 "$work/report.py" hyperfine-ms "$out.json" > "$out"
  else
    : > "$out"
    for _ in $(seq "$runs"); do
      start=$(date +%s%N)
      "${client_cpu[@]}" "$@" > /dev/null 2>&1 || true
      end=$(date +%s%N)
      echo "$(( end - start ))e-6" >> "$out"
    done
  fi
}

for name in "${names[@]}"; do
  our_cmd=("$reqscope" dns "$name" --trace --root "$root:$port" --json)
  measure "$work/$name.ours.ms" "${our_cmd[@]}"
  ours_q=$(python3 "$work/report.py" queries reqscope "$work/$name.json")
  if [ -z "$dig_skipped" ]; then
    measure "$work/$name.dig.ms" dig +trace @"$root" -p "$port" "$name"
    python3 "$work/report.py" table "$name, walk from the root" "$method" "$work/$name.ours.ms" "$ours_q" \
      "$work/$name.dig.ms" "$(python3 "$work/report.py" queries dig "$work/$name.dig" "$port")"
  else
    python3 "$work/report.py" table "$name, walk from the root" "$method" "$work/$name.ours.ms" "$ours_q"
  fi
  : > "$work/$name.jsonl"
  for _ in $(seq "$runs"); do
    "${client_cpu[@]}" "${our_cmd[@]}" | tr -d '\n' >> "$work/$name.jsonl"
    echo >> "$work/$name.jsonl"
  done
  python3 "$work/report.py" inprocess "$work/$name.jsonl" "$work/$name.ours.ms"
done

# Baseline: one A query straight to the leaf server, no walk: mostly each tool's start-up and exit.
leaf=127.53.0.3
measure "$work/direct.ours.ms" "$reqscope" dns www.example.test -t A --server "$leaf:$port" --json
if [ -z "$dig_skipped" ]; then
  measure "$work/direct.dig.ms" dig @"$leaf" -p "$port" www.example.test A
  python3 "$work/report.py" table "baseline, one query to $leaf (no walk)" "$method" "$work/direct.ours.ms" 1 \
    "$work/direct.dig.ms" 1
else
  python3 "$work/report.py" table "baseline, one query to $leaf (no walk)" "$method" "$work/direct.ours.ms" 1
  echo
  echo "dig: SKIPPED: $dig_skipped"
fi
