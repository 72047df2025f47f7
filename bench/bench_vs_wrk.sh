#!/usr/bin/env bash
# Compares `reqscope bench` with wrk and hey against nginx on loopback.
#
#   bench/bench_vs_wrk.sh [BUILD_DIR] [BIG_N]
#
# Starts nginx (one process, access_log off, keepalive_requests 1000000, a
# 1 KB file) pinned to CPU 0 and runs each client pinned to CPU 1 (unpinned
# runs on 2 cores swing by +-50%): `wrk -t1 -c50 -d5s --latency`,
# `hey -c 50 -z 5s` and `reqscope bench -t1 -c50 -d5s`, three rounds in
# rotating order, then the same at -c1. For each tool it prints the medians
# over the rounds of req/s, p50, p99, client CPU seconds (user+sys, GNU time),
# CPU us per request and max RSS, and reqscope's ratios to wrk and hey.
# Then `reqscope bench -n BIG_N -c50` (default 1000000) with its max RSS, and
# `reqscope bench -c 10 -d 3s` (and wrk) on `reqscope lab`'s /delay/20 with
# p50 minus 20 ms. About 2.5 minutes on an idle machine (pass a smaller BIG_N
# to shorten). Warns when other processes keep the CPUs busy.
# Prints figures; never fails on speed.
# Needs: nginx, wrk, hey, curl, python3, taskset (util-linux); GNU time
# optional (/usr/bin/time; without it a python3 wait4 wrapper measures).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
source bench/common.sh
build=${1:-build}
big_n=${2:-1000000}
reqscope="$build/reqscope"
require_built "$reqscope"
for tool in wrk hey; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required: apt-get install wrk hey" >&2; exit 2; }
done
require_tools nginx curl python3 taskset
nginx_bin=$(nginx_path)
if [ -x /usr/bin/time ] && /usr/bin/time -f '%U' -o /dev/null true 2>/dev/null; then
  measured_by="GNU time"
else
  measured_by="a python3 wait4 wrapper (GNU time not installed: apt-get install time)"
fi

rounds=3
duration=5s
work=$(mktemp -d)
nginx_pid=""
lab_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null && wait "$lab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# measure NAME CMD...: runs CMD pinned to CPU 1 with its stdout in
# $work/NAME.out, stderr in $work/NAME.err and "user sys maxrss_kb" in
# $work/NAME.time. Never fails: a tool's exit status is left to the parser.
measure() {
  local name=$1
  shift
  if [ "$measured_by" = "GNU time" ]; then
    taskset -c 1 /usr/bin/time -o "$work/$name.time" -f '%U %S %M' "$@" \
      > "$work/$name.out" 2> "$work/$name.err" || true
  else
    taskset -c 1 python3 -c '
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
open(sys.argv[1], "w").write(f"{ru.ru_utime:.2f} {ru.ru_stime:.2f} {ru.ru_maxrss}\n")
sys.exit(os.waitstatus_to_exitcode(status))' "$work/$name.time" "$@" \
      > "$work/$name.out" 2> "$work/$name.err" || true
  fi
}

# parse TOOL NAME: one tab-separated line from $work/NAME.*:
# rps p50_ms p99_ms requests errors cpu_s rss_kb.
parse() {
  python3 - "$1" "$work/$2" <<'PY'
import json, re, sys
tool, base = sys.argv[1:]
out = open(base + ".out").read()
cpu_user, cpu_sys, rss = open(base + ".time").read().split("\n")[-2].split()[:3]
cpu, rss = float(cpu_user) + float(cpu_sys), int(rss)
def fail(why):
    sys.exit(f"bench: cannot read {tool}'s output ({why}):\n{out}{open(base + '.err').read()}")
if tool == "wrk":
    unit = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}
    def lat(pct):
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M)
        if not m: fail(f"no {pct}% line")
        return float(m.group(1)) * unit[m.group(2)]
    m = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M) or fail("no Requests/sec")
    rps = float(m.group(1))
    requests = int(re.search(r"^\s*(\d+) requests in", out, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    p50, p99 = lat(50), lat(99)
elif tool == "hey":
    def lat(pct):
        m = re.search(rf"^\s*{pct}%+ in ([\d.]+) secs", out, re.M)
        if not m: fail(f"no {pct}% line")
        return float(m.group(1)) * 1e3
    m = re.search(r"Requests/sec:\s+([\d.]+)", out) or fail("no Requests/sec")
    rps = float(m.group(1))
    ok = sum(int(n) for n in re.findall(r"^\s*\[\d{3}\]\s+(\d+) responses", out, re.M))
    bad = sum(int(n) for n in re.findall(r"^\s*\[(\d+)\]\s+[^\d\s]", out, re.M))
    ok_2xx = sum(int(n) for n in re.findall(r"^\s*\[[23]\d\d\]\s+(\d+) responses", out, re.M))
    requests, errors = ok + bad, bad + (ok - ok_2xx)
    p50, p99 = lat(50), lat(99)
else:
    try:
        doc = json.loads(out)
    except ValueError:
        fail("not JSON")
    rps, requests, errors = doc["rps"], doc["requests"], doc["errors"]
    p50, p99 = doc["latency_ms"]["p50"], doc["latency_ms"]["p99"]
print(f"{rps:.1f}\t{p50:.4f}\t{p99:.4f}\t{requests}\t{errors}\t{cpu:.2f}\t{rss}")
PY
}

port=$(free_port)
mkdir -p "$work/www"
head -c 1024 /dev/zero | tr '\0' x > "$work/www/1k"
{
  nginx_config_head "$work"
  cat <<CONF
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
CONF
} > "$work/nginx.conf"
taskset -c 0 "$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" &
nginx_pid=$!
url="http://127.0.0.1:$port/1k"
for _ in $(seq 100); do curl -s -o /dev/null "$url" && break; sleep 0.05; done
[ "$(curl -s "$url" | wc -c)" -eq 1024 ] || { echo "bench: nginx does not serve $url" >&2; cat "$work/error.log" >&2; exit 2; }

echo "reqscope $("$reqscope" --version | cut -d' ' -f2) vs $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)," \
     "hey, nginx $("$nginx_bin" -v 2>&1 | cut -d/ -f2)"
echo "GET $url (1024 bytes), nginx on CPU 0, each client on CPU 1; CPU and RSS by $measured_by"
# Pinning only helps when nothing else runs on the two CPUs: measure them idle.
busy=$( { head -1 /proc/stat; sleep 1; head -1 /proc/stat; } |
  awk '{idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i}
       NR == 1 {i0 = idle; t0 = total} NR == 2 {printf "%.0f", 100 * (1 - (idle - i0) / (total - t0))}')
if [ "$busy" -gt 10 ]; then
  echo "warning: other processes kept the CPUs $busy% busy in the second before the run; figures will be noisy"
fi

tools=(wrk hey reqscope)
: > "$work/results.tsv"
for conns in 50 1; do
  echo
  echo "-c$conns: $rounds rounds of $duration per tool, order rotating"
  for round in $(seq "$rounds"); do
    for i in 0 1 2; do
      tool=${tools[$(((i + round - 1) % 3))]}
      name="c$conns-r$round-$tool"
      case $tool in
        wrk) measure "$name" wrk -t1 -c"$conns" -d"$duration" --latency "$url" ;;
        hey) measure "$name" hey -c "$conns" -z "$duration" "$url" ;;
        reqscope) measure "$name" "$reqscope" bench -t1 -c"$conns" -d"$duration" "$url" --json ;;
      esac
      line=$(parse "$tool" "$name")
      printf '%s\t%s\t%s\t%s\n' "$conns" "$tool" "$round" "$line" >> "$work/results.tsv"
      IFS=$'\t' read -r rps p50 p99 requests errors cpu rss <<< "$line"
      printf '  round %s  %-9s %9.0f req/s  p50 %8.3f ms  p99 %8.3f ms  %9s requests  %s errors  CPU %5.2f s  RSS %6.1f MB\n' \
        "$round" "$tool" "$rps" "$p50" "$p99" "$requests" "$errors" "$cpu" "$(echo "$rss" | awk '{print $1 / 1024}')"
    done
  done
  python3 - "$work/results.tsv" "$conns" <<'PY'
import statistics, sys
path, conns = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(path)]
med = {}
for tool in ("wrk", "hey", "reqscope"):
    runs = [r[3:] for r in rows if r[0] == conns and r[1] == tool]
    rps, p50, p99, req, err, cpu, rss = ([float(x[i]) for x in runs] for i in range(7))
    per_req = [c / n * 1e6 if n else float("nan") for c, n in zip(cpu, req)]
    med[tool] = dict(rps=statistics.median(rps), p50=statistics.median(p50), p99=statistics.median(p99),
                     cpu=statistics.median(cpu), per_req=statistics.median(per_req),
                     rss=statistics.median(rss) / 1024, err=int(sum(err)))
print(f"\n  -c{conns}, median of {len(runs)} rounds (errors: sum)")
print(f"  {'tool':<10}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'CPU s':>8}{'CPU us/req':>12}{'max RSS MB':>12}{'errors':>8}")
for tool, m in med.items():
    print(f"  {tool:<10}{m['rps']:>9.0f}{m['p50']:>10.3f}{m['p99']:>10.3f}{m['cpu']:>8.2f}"
          f"{m['per_req']:>12.1f}{m['rss']:>12.1f}{m['err']:>8}")
r = med["reqscope"]
for peer in ("wrk", "hey"):
    p = med[peer]
    print(f"  reqscope/{peer}: req/s {r['rps'] / p['rps']:.2f}, CPU/req {r['per_req'] / p['per_req']:.2f},"
          f" p50 diff {(r['p50'] - p['p50']) * 1000:+.0f} us, p99 diff {(r['p99'] - p['p99']) * 1000:+.0f} us")
print("  (hey prints latencies in whole 100 us steps)")
PY
done

echo
echo "reqscope bench -t1 -c50 -n $big_n (RSS goal: under 50 MB)"
start=$(date +%s.%N)
measure big "$reqscope" bench -t1 -c50 -n "$big_n" "$url" --json
end=$(date +%s.%N)
IFS=$'\t' read -r rps p50 p99 requests errors cpu rss <<< "$(parse reqscope big)"
python3 - "$rps" "$p50" "$p99" "$requests" "$errors" "$cpu" "$rss" "$start" "$end" <<'PY'
import sys
rps, p50, p99, req, err, cpu, rss, start, end = (float(x) for x in sys.argv[1:])
mb = rss / 1024
print(f"  {req:.0f} requests, {err:.0f} errors in {end - start:.1f} s: {rps:.0f} req/s, p50 {p50:.3f} ms,"
      f" p99 {p99:.3f} ms, CPU {cpu:.2f} s ({cpu / req * 1e6:.1f} us/req)")
print(f"  max RSS {mb:.1f} MB: {'under' if mb < 50 else 'NOT under'} 50 MB")
PY

lab_port=$(free_port)
taskset -c 0 "$reqscope" lab --port "$lab_port" > "$work/lab.out" 2>&1 &
lab_pid=$!
delay_url="http://127.0.0.1:$lab_port/delay/20"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$lab_port/status/200" && break; sleep 0.05; done
curl -s -o /dev/null --max-time 5 "$delay_url" || { echo "bench: reqscope lab does not answer:" >&2; cat "$work/lab.out" >&2; exit 2; }
echo
echo "$delay_url (reqscope lab on CPU 0), -c 10 for 3 s (goal: reqscope's p50 within 1 ms of 20 ms)"
measure delay-reqscope "$reqscope" bench -t1 -c 10 -d 3s "$delay_url" --json
measure delay-wrk wrk -t1 -c10 -d3s --latency "$delay_url"
for tool in reqscope wrk; do
  IFS=$'\t' read -r rps p50 p99 requests errors cpu rss <<< "$(parse "$tool" "delay-$tool")"
  printf '  %-9s %7.0f req/s  p50 %7.3f ms (%+.3f ms from 20)  p99 %7.3f ms  %s requests  %s errors\n' \
    "$tool" "$rps" "$p50" "$(echo "$p50" | awk '{print $1 - 20}')" "$p99" "$requests" "$errors"
done
python3 - "$work/delay-reqscope.out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
c = doc["phases_ms"]["connect"]
if c["max"] > 100:
    print(f"  note: reqscope's slowest connect to the lab took {c['max']:.0f} ms"
          f" (p50 {c['p50']:.2f} ms over {c['count']} connections)")
PY
