#!/usr/bin/env bash
# Compares `reqscope tls` with curl and openssl s_client against nginx (TLS 1.2 and 1.3) on loopback.
#
#   bench/tls_vs_peers.sh [BUILD_DIR] [RUNS]
#
# Makes a CA and a P-256 leaf for localhost and 127.0.0.1, starts nginx pinned to CPU 0, checks
# once that every client completes a verified handshake (and which version each negotiates),
# then, with the clients pinned to CPU 1:
#  1. runs `reqscope tls 127.0.0.1:PORT --json` and curl -w RUNS times each (default 20), one
#     process per run, and prints the median connect and handshake times as each tool reports
#     them (curl: time_appconnect - time_connect) side by side with the ratio reqscope/curl;
#  2. times the wall time of one whole inspection, a fresh process each run, of
#     `reqscope tls --json`, `openssl s_client </dev/null`, `curl -so /dev/null`,
#     `reqscope tls --versions --json` and, as a baseline for process start-up,
#     `reqscope --version` (hyperfine -N when installed, else a python3 loop), and prints p50,
#     mean and min per command, the ratios of reqscope tls to the peers, how much of its time
#     is neither start-up nor handshake, and the cost of --versions. reqscope tls does more
#     work than the peers by default (a second handshake to test session resumption, a chain
#     verification of its own), and --versions adds four handshakes (TLS 1.0 to 1.3), which
#     the output spells out.
# Prints figures; never fails on speed. Exits 2 when a tool is missing, nginx does not start
# or a client cannot complete a verified handshake.
# Needs: nginx, curl, openssl, python3, taskset (util-linux); hyperfine optional.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
build=${1:-build}
runs=${2:-20}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: RUNS must be a positive number, not '$runs'" >&2; exit 2; }
reqscope_path="$build/reqscope"
require_built "$reqscope_path"
require_tools nginx curl openssl python3 taskset
nginx_bin=$(nginx_path)

work=$(mktemp -d)
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A private copy, so that a rebuild during the run neither breaks nor changes it.
reqscope=$work/reqscope
cp "$reqscope_path" "$reqscope"
"$reqscope" tls --help 2>&1 | grep -q -- '--versions' ||
  { echo "bench: $reqscope_path has no 'tls --versions' command" >&2; exit 2; }

# Server on CPU 0 and clients on CPU 1 when there are two CPUs.
server_cpu=()
client_cpu=()
pinned="not pinned to CPUs (one CPU)"
if [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
  pinned="nginx on CPU 0, clients on CPU 1"
fi

port=$(free_port)

# 30 days, so that reqscope's default --warn-days 14 finds nothing to fail on.
make_pki "$work" 30

{
  nginx_config_head "$work"
  cat <<CONF
  server {
    listen 127.0.0.1:$port ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $work/leaf.pem;
    ssl_certificate_key $work/leaf.key;
    location = / { return 200 "hello from nginx\n"; }
  }
}
CONF
} > "$work/nginx.conf"
"${server_cpu[@]}" "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
url="https://127.0.0.1:$port/"
for _ in $(seq 100); do
  kill -0 "$nginx_pid" 2>/dev/null || break
  curl -s -o /dev/null --cacert "$work/ca.pem" "$url" && break
  sleep 0.05
done
curl -s -o /dev/null --cacert "$work/ca.pem" "$url" ||
  { echo "bench: nginx did not start on 127.0.0.1:$port; its log:" >&2; cat "$work/error.log" >&2; exit 2; }

target="127.0.0.1:$port"
ours=("$reqscope" tls "$target" --cacert "$work/ca.pem" --json)
ours_versions=("$reqscope" tls "$target" --cacert "$work/ca.pem" --versions --json)
s_client=(openssl s_client -connect "$target" -servername localhost -CAfile "$work/ca.pem")
curl_get=(curl -so /dev/null --cacert "$work/ca.pem" "$url")

# Each client once, so that no figure below times a failure.
"${ours_versions[@]}" > "$work/check.json" 2> "$work/check.err" ||
  { echo "bench: ${ours_versions[*]} failed:" >&2; cat "$work/check.json" "$work/check.err" >&2; exit 2; }
"${s_client[@]}" < /dev/null > "$work/check.s_client" 2>&1 || true
grep -q 'Verify return code: 0 (ok)' "$work/check.s_client" ||
  { echo "bench: openssl s_client did not verify the server:" >&2; cat "$work/check.s_client" >&2; exit 2; }
curl -sv -o /dev/null --cacert "$work/ca.pem" "$url" > "$work/check.curl" 2>&1 ||
  { echo "bench: curl failed:" >&2; cat "$work/check.curl" >&2; exit 2; }

cat > "$work/report.py" <<'PY'
import json, statistics, sys

def check(reqscope_json, s_client_txt, curl_txt):
    doc = json.load(open(reqscope_json))
    s_client = next((l.split(",")[1].strip() for l in open(s_client_txt) if l.startswith("New, ")), "?")
    curl = next((l.split("using", 1)[1].split("/")[0].strip() for l in open(curl_txt) if "SSL connection using" in l), "?")
    versions = ", ".join(f"{v['version']} {v['result']}" for v in doc.get("version_probes") or [] if "version" in v)
    print(f"Negotiated: reqscope {doc['protocol']} ({doc['group'] or '-'}), openssl s_client {s_client}, curl {curl}")
    print(f"reqscope tls: ok {json.dumps(doc['ok'])}, resumption {json.dumps(doc['resumption'])}")
    print(f"reqscope tls --versions: {versions or '-'}")

def handshake(curl_path, reqscope_path):
    curl = {"connect": [], "handshake": []}
    for line in open(curl_path):
        connect, app = (float(x) * 1000 for x in line.split())
        curl["connect"].append(connect)
        curl["handshake"].append(app - connect)
    ours = {"connect": [], "handshake": []}
    for line in open(reqscope_path):
        doc = json.loads(line)
        ours["connect"].append(doc["connect_ms"])
        ours["handshake"].append(doc["handshake_ms"])
    c = {k: statistics.median(v) for k, v in curl.items()}
    r = {k: statistics.median(v) for k, v in ours.items()}
    print(f"\n1. TLS handshake as each tool reports it: median of {len(curl['handshake'])} runs each,"
          " one process per run (ms)")
    print(f"  {'':<22}{'connect':>10}{'handshake':>11}")
    print(f"  {'curl -w':<22}{c['connect']:>10.3f}{c['handshake']:>11.3f}"
          "   time_connect, time_appconnect - time_connect")
    print(f"  {'reqscope tls --json':<22}{r['connect']:>10.3f}{r['handshake']:>11.3f}   connect_ms, handshake_ms")
    print(f"  {'ratio reqscope/curl':<22}{r['connect'] / c['connect']:>10.2f}{r['handshake'] / c['handshake']:>11.2f}"
          "   below 1, reqscope reports less")
    print("  curl's handshake also covers setting up its TLS context (loading --cacert) and verifying the chain;")
    print("  reqscope does both outside handshake_ms (context before connecting, verification afterwards).")

# The commands of part 2, in the order the script times them, and their short names.
WALL = [("reqscope tls --json", "reqscope tls"), ("openssl s_client </dev/null", "openssl s_client"),
        ("curl -so /dev/null", "curl"), ("reqscope tls --versions --json", "reqscope tls --versions"),
        ("reqscope --version (start-up)", "")]

def wall(method, results_path, reqscope_path):
    results = json.load(open(results_path))["results"]
    labels = [label for label, _ in WALL]
    rows = []
    for label, result in zip(labels, results):
        ms = [t * 1000 for t in result["times"]]
        rows.append((label, statistics.median(ms), statistics.fmean(ms), min(ms)))
    p50 = {label: median for label, median, _, _ in rows}
    print(f"\n2. Wall time of one whole inspection, a fresh process each: {len(results[0]['times'])} runs each (ms)")
    print(f"  timed with {method}")
    print(f"  {'':<34}{'p50':>8}{'mean':>8}{'min':>8}")
    for label, median, mean, low in rows:
        print(f"  {label:<34}{median:>8.2f}{mean:>8.2f}{low:>8.2f}")
    ours, versions = labels[0], labels[3]
    print("  ratios of the p50s (below 1, reqscope tls is faster):")
    for label, short in WALL[1:3]:
        print(f"    {'reqscope tls / ' + short:<32}{p50[ours] / p50[label]:>8.2f}")
    extra = p50[versions] - p50[ours]
    print(f"    {'reqscope tls --versions / tls':<32}{p50[versions] / p50[ours]:>8.2f}"
          f"   {extra:+.2f} ms for the 4 more handshakes")
    rest = p50[ours] - p50[labels[4]]
    handshake = statistics.median(json.loads(line)["handshake_ms"] for line in open(reqscope_path))
    print(f"  reqscope tls beyond start-up: {rest:.2f} ms p50, of which handshake_ms {handshake:.2f} ms (p50 of part 1)")

globals()[sys.argv[1]](*sys.argv[2:])
PY

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) ($reqscope_path) vs $(curl --version | head -1 | cut -d' ' -f1-2)" \
     "and $(openssl version | cut -d' ' -f1-2) s_client"
echo "$("$nginx_bin" -v 2>&1 | cut -d' ' -f3) on $target (TLSv1.2 TLSv1.3, P-256 leaf), $pinned"
python3 "$work/report.py" check "$work/check.json" "$work/check.s_client" "$work/check.curl"

# 1. Handshake time as each tool measures it, one process per run for both tools,
# so that neither profits from a warm process.
: > "$work/curl.txt"
for _ in $(seq "$runs"); do
  "${client_cpu[@]}" curl -s -o /dev/null --cacert "$work/ca.pem" -w '%{time_connect} %{time_appconnect}\n' \
    "$url" >> "$work/curl.txt"
done
: > "$work/reqscope.jsonl"
for _ in $(seq "$runs"); do
  "${client_cpu[@]}" "${ours[@]}" | tr -d '\n' >> "$work/reqscope.jsonl"
  echo >> "$work/reqscope.jsonl"
done
python3 "$work/report.py" handshake "$work/curl.txt" "$work/reqscope.jsonl"

# 2. Wall time of each whole command. Standard input is /dev/null for all of them (hyperfine's
# default, the loop's too), which makes s_client close the connection once it is up.
commands=("$(printf '%q ' "${ours[@]}")" "$(printf '%q ' "${s_client[@]}")"
          "$(printf '%q ' "${curl_get[@]}")" "$(printf '%q ' "${ours_versions[@]}")"
          "$(printf '%q ' "$reqscope" --version)")
timing_prefix=("${client_cpu[@]}")
time_commands "$runs" "$work/wall.json" "${commands[@]}"
python3 "$work/report.py" wall "$timing_method" "$work/wall.json" "$work/reqscope.jsonl"
echo
echo "Not the same work: openssl s_client and curl make one handshake (curl then sends a GET);"
echo "reqscope tls by default also waits for the session ticket, makes a second handshake to test"
echo "resumption and verifies the chain on its own; --versions adds a handshake per TLS 1.0-1.3."
