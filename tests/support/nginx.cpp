#include "support/nginx.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "reqscope/tls/self_signed.hpp"

namespace reqscope::test {

namespace {

constexpr const char* kConfig = R"(daemon off;
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
  server {{
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

Nginx::Nginx() {
  auto ca = tls::make_certificate({"reqscope test CA", {}, 2, true});
  if (!ca) throw std::runtime_error(ca.error().message);
  auto leaf =
      tls::make_certificate({"localhost", {"DNS:localhost", "IP:127.0.0.1"}, 2, false}, &*ca);
  if (!leaf) throw std::runtime_error(leaf.error().message);
  ca_file_ = dir_.write("ca.pem", tls::certificate_pem(ca->certificate.get()));
  dir_.write("leaf.pem", tls::certificate_pem(leaf->certificate.get()));
  dir_.write("leaf.key", tls::private_key_pem(leaf->key.get()));

  http_port_ = free_port();
  https_port_ = free_port();
  while (https_port_ == http_port_)
    https_port_ = free_port();
  const auto config = dir_.write(
      "nginx.conf", fmt::format(kConfig, fmt::arg("dir", dir_.path()), fmt::arg("http", http_port_),
                                fmt::arg("https", https_port_)));
  process_ = std::make_unique<Process>(std::vector<std::string>{
      REQSCOPE_NGINX, "-p", dir_.path(), "-c", config, "-e", dir_.path() + "/error.log"});
  if (!wait_for_port(http_port_) || !wait_for_port(https_port_)) {
    process_.reset();
    throw std::runtime_error("nginx did not start; see its error.log");
  }
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
