#!/usr/bin/env bash
# Compares reqscope trace's phase timings with curl -w against nginx on loopback.
#
#   bench/trace_vs_curl.sh [BUILD_DIR] [RUNS]
#
# Starts nginx (HTTP and HTTPS, certificate from a CA made here) pinned to CPU 0,
# runs curl -w and `reqscope trace --json` RUNS times each (default 20) pinned to
# CPU 1, converts curl's cumulative timers to phases, and prints per-phase
# medians side by side with the difference. Then times `reqscope --version`
# start-up (hyperfine when installed). Prints figures; never fails on speed.
# Needs: nginx, curl, openssl, python3, taskset (util-linux); hyperfine optional.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
build=${1:-build}
runs=${2:-20}
reqscope="$build/reqscope"
require_built "$reqscope"
require_tools nginx curl openssl python3 taskset
nginx_bin=$(nginx_path)

work=$(mktemp -d)
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

http_port=$(free_port)
https_port=$(free_port)

make_pki "$work" 2

{
  nginx_config_head "$work"
  cat <<CONF
  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl http2;
    ssl_certificate $work/leaf.pem;
    ssl_certificate_key $work/leaf.key;
    location = / { return 200 "hello from nginx\n"; }
  }
}
CONF
} > "$work/nginx.conf"
taskset -c 0 "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break; sleep 0.05; done

compare() {
  local label=$1 url=$2
  shift 2
  : > "$work/curl.txt"
  for _ in $(seq "$runs"); do
    taskset -c 1 curl -s -o /dev/null --cacert "$work/ca.pem" "$@" \
      -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer} %{time_total}\n' \
      "$url" >> "$work/curl.txt"
  done
  # One process per run for both tools, so neither profits from a warm
  # process (OpenSSL's first-use costs land in the TLS phase of each).
  : > "$work/reqscope.jsonl"
  for _ in $(seq "$runs"); do
    taskset -c 1 "$reqscope" trace "$url" --cacert "$work/ca.pem" "$@" --json | tr -d '\n' >> "$work/reqscope.jsonl"
    echo >> "$work/reqscope.jsonl"
  done
  python3 - "$label" "$work/curl.txt" "$work/reqscope.jsonl" <<'PY'
import json, statistics, sys
label, curl_path, reqscope_path = sys.argv[1:]
curl = {k: [] for k in ("dns", "connect", "tls", "send+wait", "transfer", "total")}
for line in open(curl_path):
    dns, connect, app, pre, start, total = (float(x) * 1000 for x in line.split())
    ready = max(app, connect)
    curl["dns"].append(dns)
    curl["connect"].append(connect - dns)
    curl["tls"].append(app - connect if app > 0 else 0.0)
    curl["send+wait"].append(start - ready)
    curl["transfer"].append(total - start)
    curl["total"].append(total)
ours = {k: [] for k in curl}
for line in open(reqscope_path):
    p = json.loads(line)["hops"][0]["phases"]
    ours["dns"].append(p["dns_ms"])
    ours["connect"].append(p["connect_ms"])
    ours["tls"].append(p["tls_ms"])
    ours["send+wait"].append(p["send_ms"] + p["wait_ms"])
    ours["transfer"].append(p["transfer_ms"])
    ours["total"].append(p["total_ms"])
print(f"\n{label}: median of {len(curl['total'])} runs each (ms)")
print(f"  {'phase':<10}{'curl -w':>10}{'reqscope':>10}{'diff':>9}")
for phase in curl:
    c, r = statistics.median(curl[phase]), statistics.median(ours[phase])
    flag = "" if abs(r - c) <= 0.2 else "   (> 0.2 ms apart)"
    print(f"  {phase:<10}{c:>10.3f}{r:>10.3f}{r - c:>+9.3f}{flag}")
PY
}

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) vs $(curl --version | head -1 | cut -d' ' -f1-2), nginx on CPU 0, clients on CPU 1"
compare "HTTP/1.1 plain" "http://127.0.0.1:$http_port/" --http1.1
compare "HTTPS HTTP/2" "https://localhost:$https_port/" --http2

echo
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 5 --runs 100 -N "$reqscope --version" "curl --version" 2>/dev/null | grep -E 'Benchmark|Time'
else
  start=$(date +%s%N)
  for _ in $(seq 50); do "$reqscope" --version > /dev/null; done
  end=$(date +%s%N)
  python3 -c "print(f'reqscope --version start-up: {($end - $start) / 50 / 1e6:.2f} ms mean over 50 runs (hyperfine not installed)')"
fi
