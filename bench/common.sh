# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): their checks for a build and
# for tools, a free loopback port, a test PKI, and the top of an nginx.conf
# that keeps every file in one directory.

# require_built PATH: exits 2 unless reqscope was built at PATH.
require_built() { [ -x "$1" ] || { echo "bench: build first: $1 not found" >&2; exit 2; }; }

# require_tools TOOL...: exits 2 naming the first TOOL neither on PATH nor in /usr/sbin.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench: $tool is required" >&2; exit 2; }
  done
}

# The nginx binary: on PATH, else Debian's /usr/sbin/nginx.
nginx_path() { command -v nginx || echo /usr/sbin/nginx; }

# A loopback TCP port that was free a moment ago.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# make_pki DIR DAYS: DIR/ca.pem (a P-256 CA) and DIR/leaf.pem + DIR/leaf.key
# (a P-256 leaf for localhost and 127.0.0.1 that it issued), valid DAYS days.
make_pki() {
  local dir=$1 days=$2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" -subj "/CN=bench CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$dir/leaf.key" -out "$dir/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/ext"
  openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -extfile "$dir/ext" -out "$dir/leaf.pem" 2>/dev/null
}

# nginx_config_head DIR: an nginx.conf up to and with `http {` opened, running
# in the foreground with its pid, logs and temporary files in DIR; the caller
# adds the server blocks and the closing brace.
nginx_config_head() {
  local dir=$1
  cat <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
CONF
}

# time_commands RUNS OUT CMD...: the wall time of each command line (one string
# each, words quoted as by printf %q), a fresh process per run after 3 warm-up
# runs, written to OUT in hyperfine's JSON layout ({"results": [{"command",
# "times"}]}): hyperfine -N when installed, else a python3 loop around
# fork+exec. Runs under the words of the array timing_prefix (say, taskset -c 1)
# when it is set, and sets timing_method to say how it timed.
# shellcheck disable=SC2034  # timing_method is read by the scripts that source this file
time_commands() {
  local runs=$1 out=$2
  shift 2
  local prefix=("${timing_prefix[@]}")
  if command -v hyperfine >/dev/null; then
    timing_method="hyperfine -N, 3 warm-up runs"
    "${prefix[@]}" hyperfine -N --warmup 3 --runs "$runs" --export-json "$out" "$@" > "$out.log" 2>&1 ||
      { cat "$out.log" >&2; return 2; }
    return 0
  fi
  timing_method="a python3 loop around fork+exec, 3 warm-up runs (hyperfine not installed)"
  "${prefix[@]}" python3 - "$runs" 3 "$out" "$@" <<'PY'
import json, shlex, subprocess, sys, time
runs, warmup, out, commands = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
results = []
for command in commands:
    argv = shlex.split(command)
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    results.append({"command": command, "times": times})
json.dump({"results": results}, open(out, "w"))
PY
}
