#include "support/nginx.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "reqscope/tls/self_signed.hpp"

namespace reqscope::test {

namespace {

constexpr const char* kHead = R"(daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  default_type text/plain;
)";

constexpr const char* kServer = R"(  server {{
    listen 127.0.0.1:{http};
    listen 127.0.0.1:{https} ssl http2;
    server_name localhost;
    ssl_certificate {dir}/leaf.pem;
    ssl_certificate_key {dir}/leaf.key;
    location = / {{ return 200 "hello from nginx\n"; }}
    location = /missing {{ return 404 "not here\n"; }}
    location = /moved {{ return 301 /; }}
    location = /chain {{ return 301 /moved; }}
    location = /elsewhere {{ return 302 http://127.0.0.1:{http}/; }}
  }}
}}
)";

}  // namespace

std::string nginx_config_head(const std::string& dir) {
  return fmt::format(kHead, fmt::arg("dir", dir));
}

std::unique_ptr<Process> start_nginx(const TempDir& dir, const std::string& config,
                                     const std::vector<int>& ports,
                                     const std::vector<std::string>& environment) {
  std::vector<std::string> argv = {"/usr/bin/env"};
  argv.insert(argv.end(), environment.begin(), environment.end());
  const auto config_path = dir.write("nginx.conf", config);
  argv.insert(argv.end(), {REQSCOPE_NGINX, "-p", dir.path(), "-c", config_path, "-e",
                           dir.path() + "/error.log"});
  auto process = std::make_unique<Process>(argv);
  for (const int port : ports) {
    if (!wait_for_port(port)) {
      throw std::runtime_error(
          fmt::format("nginx did not listen on port {}; see {}/error.log", port, dir.path()));
    }
  }
  return process;
}

std::string write_localhost_pki(const TempDir& dir, const std::string& ca_name) {
  auto ca = tls::make_certificate({ca_name, {}, 2, true});
  if (!ca) throw std::runtime_error(ca.error().message);
  auto leaf =
      tls::make_certificate({"localhost", {"DNS:localhost", "IP:127.0.0.1"}, 2, false}, &*ca);
  if (!leaf) throw std::runtime_error(leaf.error().message);
  dir.write("leaf.pem", tls::certificate_pem(leaf->certificate.get()));
  dir.write("leaf.key", tls::private_key_pem(leaf->key.get()));
  return dir.write("ca.pem", tls::certificate_pem(ca->certificate.get()));
}

Nginx::Nginx() {
  ca_file_ = write_localhost_pki(dir_, "reqscope test CA");

  http_port_ = free_port();
  https_port_ = free_port();
  while (https_port_ == http_port_)
    https_port_ = free_port();
  const auto config = nginx_config_head(dir_.path()) +
                      fmt::format(kServer, fmt::arg("dir", dir_.path()),
                                  fmt::arg("http", http_port_), fmt::arg("https", https_port_));
  process_ = start_nginx(dir_, config, {http_port_, https_port_});
}

Nginx::~Nginx() {
  process_.reset();
}

std::string Nginx::http_url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", http_port_, path);
}

std::string Nginx::https_url(const std::string& path) const {
  return fmt::format("https://localhost:{}{}", https_port_, path);
}

}  // namespace reqscope::test
