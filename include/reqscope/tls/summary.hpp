#pragma once

#include <chrono>
#include <string>
#include <vector>

using SSL = struct ssl_st;
using X509 = struct x509_st;

namespace reqscope::tls {

// What a client learns about a server's TLS from one handshake.
struct Summary {
  std::string version;  // "TLSv1.3"
  std::string cipher;
  std::string alpn;     // "h2", "http/1.1" or empty
  std::string subject;  // leaf certificate, RFC 2253
  std::string issuer;
  std::vector<std::string> sans;
  std::string not_after;  // RFC 3339 UTC
  long days_left = 0;
  bool verified = false;
  std::string verify_result;  // "ok" or OpenSSL's reason
};

// What a handshake agreed on, as OpenSSL names it.
struct Negotiated {
  std::string version;  // "TLSv1.3"; OpenSSL calls TLS 1.0 "TLSv1"
  std::string cipher;
  std::string alpn;  // empty when the server chose none
};
Negotiated negotiated(const SSL* ssl);

// Reads the negotiated parameters and the leaf certificate of a live SSL
// connection. `now` is the wall-clock time used for days_left.
Summary summarize(const SSL* ssl, std::chrono::system_clock::time_point now);

// The same from a handshake still in progress (a certificate verify callback):
// the leaf and the verification result (an X509_V_* code) are given explicitly.
Summary summarize(const SSL* ssl, const X509* leaf, long verify_code,
                  std::chrono::system_clock::time_point now);

}  // namespace reqscope::tls
