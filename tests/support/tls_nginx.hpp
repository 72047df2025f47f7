#pragma once

#include <map>
#include <memory>
#include <string>

#include "support/process.hpp"

namespace reqscope::test {

// A real nginx on loopback with one TLS server block per certificate problem,
// each on its own port. The certificates are made at start-up: a root CA, an
// intermediate CA, and leaves for "localhost" and 127.0.0.1 issued by the
// intermediate. nginx runs with OpenSSL's security level 0 and TLS 1.0 allowed
// so that weak keys and old protocol versions can be served at all.
//
// Sites: "valid" (leaf + intermediate), "expired", "not_yet_valid",
// "wrong_host" (names only other.test), "self_signed", "rsa1024", "sha1",
// "expiring" (5 days left), "missing_intermediate" (leaf alone), "tls12_only",
// "tls13_only", "legacy" (TLS 1.0 to 1.2), "tls10_only", "client_cert" (asks for one), "stapled"
// (with an OCSP response), "untrusted" (leaf + intermediate of another root), "plain_http" (no TLS
// at all).
class TlsNginx {
 public:
  TlsNginx();
  ~TlsNginx();
  TlsNginx(const TlsNginx&) = delete;
  TlsNginx& operator=(const TlsNginx&) = delete;

  int port(const std::string& site) const;
  // "127.0.0.1:PORT" of a site.
  std::string address(const std::string& site) const;
  // PEM file with the root CA (the trust anchor for --cacert).
  const std::string& root_file() const { return root_file_; }
  // PEM file with the root CA and the intermediate.
  const std::string& bundle_file() const { return bundle_file_; }

 private:
  TempDir dir_;
  std::map<std::string, int> ports_;
  std::string root_file_;
  std::string bundle_file_;
  std::unique_ptr<Process> process_;
};

}  // namespace reqscope::test
