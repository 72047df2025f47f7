#!/usr/bin/env bash
# Times `reqscope cors` against the curl commands that send the same requests,
# with nginx answering CORS on loopback.
#
#   bench/cors_vs_curl.sh [BUILD_DIR] [RUNS]
#
# Starts nginx (CORS for https://app.example: PUT and X-Api-Key allowed)
# pinned to CPU 0, then times, pinned to CPU 1, a fresh process per run
# (default 20 runs): reqscope cors for a PUT (preflight + request) against
# two curl processes sending the same OPTIONS and PUT, and reqscope cors --scan
# (8 requests) against eight curl processes. reqscope also evaluates every
# rule and renders; curl only fetches. Prints figures; never fails on speed.
# Needs: nginx, curl, python3, taskset (util-linux); hyperfine optional.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
build=${1:-build}
runs=${2:-20}
reqscope="$build/reqscope"
require_built "$reqscope"
require_tools nginx curl python3 taskset
nginx_bin=$(nginx_path)

work=$(mktemp -d)
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(free_port)
{
  nginx_config_head "$work"
  cat <<CONF
  server {
    listen 127.0.0.1:$port;
    location /api {
      add_header Access-Control-Allow-Origin \$http_origin always;
      add_header Vary Origin always;
      if (\$request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin \$http_origin always;
        add_header Vary Origin always;
        add_header Access-Control-Allow-Methods "GET, PUT" always;
        add_header Access-Control-Allow-Headers "x-api-key" always;
        add_header Access-Control-Max-Age 600 always;
        return 204;
      }
      return 200 "{}\n";
    }
  }
}
CONF
} > "$work/nginx.conf"
taskset -c 0 "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
url="http://127.0.0.1:$port/api"
for _ in $(seq 100); do curl -s -o /dev/null "$url" && break; sleep 0.05; done

"$reqscope" cors "$url" --origin https://app.example -X PUT -H 'X-Api-Key: k' > "$work/check.out" ||
  { echo "bench: reqscope cors does not find the call allowed:" >&2; cat "$work/check.out" >&2; exit 2; }

timing_prefix=(taskset -c 1)
pinned="client pinned to CPU 1, nginx to CPU 0"
curl_pair=$(printf '%q ' curl -s -o /dev/null -X OPTIONS -H 'Origin: https://app.example' \
  -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: x-api-key' "$url")
curl_put=$(printf '%q ' curl -s -o /dev/null -X PUT -H 'Origin: https://app.example' \
  -H 'X-Api-Key: k' -H 'Content-Length: 0' "$url")
two_curls="$curl_pair; $curl_put"
eight_curls="$two_curls"
for _ in 1 2 3; do eight_curls="$eight_curls; $two_curls"; done
commands=(
  "$(printf '%q ' "$reqscope" cors "$url" --origin https://app.example -X PUT -H 'X-Api-Key: k')"
  "$(printf '%q ' sh -c "$two_curls")"
  "$(printf '%q ' "$reqscope" cors "$url" --origin https://app.example -X PUT -H 'X-Api-Key: k' --scan)"
  "$(printf '%q ' sh -c "$eight_curls")"
  "$(printf '%q ' "$reqscope" --version)"
)
time_commands "$runs" "$work/wall.json" "${commands[@]}"

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) vs $(curl --version | head -1 | cut -d' ' -f1-2)," \
     "nginx $("$nginx_bin" -v 2>&1 | cut -d/ -f2)"
echo "timed with $timing_method, $runs runs each, $pinned"
python3 - "$work/wall.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
labels = ["reqscope cors (OPTIONS + PUT)", "2 x curl (OPTIONS, PUT)",
          "reqscope cors --scan (8 requests)", "8 x curl", "reqscope --version"]
ms = [[t * 1000 for t in r["times"]] for r in results]
p50 = [statistics.median(t) for t in ms]
print(f"  {'':<36}{'p50':>8}{'mean':>8}{'min':>8}  (ms)")
for label, times, median in zip(labels, ms, p50):
    print(f"  {label:<36}{median:>8.2f}{statistics.mean(times):>8.2f}{min(times):>8.2f}")
print("  ratios of the p50s (below 1, reqscope is faster):")
print(f"    reqscope cors / 2 x curl        {p50[0] / p50[1]:6.2f}")
print(f"    reqscope cors --scan / 8 x curl {p50[2] / p50[3]:6.2f}")
print(f"    reqscope start-up ({p50[4]:.2f} ms) is {p50[4] / p50[0] * 100:.0f}% of one cors run")
PY
