#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace reqscope::test {

// The top of an nginx.conf for a test instance whose files live in `dir`: in
// the foreground, logs and temporary files in `dir`, and the http block opened
// (the caller adds server blocks and closes it).
std::string nginx_config_head(const std::string& dir);

// Starts nginx with `config` (written to `dir`), with `environment`
// ("NAME=value") added, and waits until every port listens; throws naming
// the error log when one does not.
std::unique_ptr<Process> start_nginx(const TempDir& dir, const std::string& config,
                                     const std::vector<int>& ports,
                                     const std::vector<std::string>& environment = {});

// Writes a CA named `ca_name` (ca.pem) and a localhost leaf certificate it
// issued for DNS:localhost and IP:127.0.0.1 (leaf.pem, leaf.key) into `dir`,
// for nginx's ssl_certificate; returns the path of ca.pem, for --cacert.
std::string write_localhost_pki(const TempDir& dir, const std::string& ca_name);

// A real nginx on free loopback ports, configured for the tests: plain HTTP,
// HTTPS with HTTP/2 and a leaf certificate issued by a CA made at start-up,
// and `return` locations for statuses and redirects. Stopped when destroyed.
class Nginx {
 public:
  Nginx();
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  int http_port() const { return http_port_; }
  int https_port() const { return https_port_; }
  std::string http_url(const std::string& path = "/") const;
  std::string https_url(const std::string& path = "/") const;
  // PEM file with the CA that issued the HTTPS certificate.
  const std::string& ca_file() const { return ca_file_; }

 private:
  TempDir dir_;
  int http_port_ = 0;
  int https_port_ = 0;
  std::string ca_file_;
  std::unique_ptr<Process> process_;
};

}  // namespace reqscope::test
