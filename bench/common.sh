# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): a free loopback port, a test
# PKI, and the top of an nginx.conf that keeps every file in one directory.

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
