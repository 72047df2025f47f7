#pragma once

#include <chrono>
#include <string>
#include <vector>

using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;

namespace reqscope::tls {

struct PublicKey {
  std::string type;   // "RSA", "EC", "Ed25519", "Ed448", "DSA", or OpenSSL's name
  int bits = 0;       // the key's size; for EC the curve's
  std::string curve;  // EC only: "P-256", "P-384", ...
};

// What a client can read from one certificate.
struct CertificateInfo {
  std::string subject;  // RFC 2253
  std::string issuer;
  std::vector<std::string> sans;  // "DNS:example.com", "IP:127.0.0.1"
  PublicKey key;
  std::string signature_algorithm;  // "sha256WithRSAEncryption", "ecdsa-with-SHA256", ...
  int signature_bits = 0;           // the signature's security in bits (SHA-1: 63); 0 unknown
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  long days_left = 0;        // whole days from `now` to not_after, negative once expired
  std::string sha256;        // fingerprint, "AB:CD:..."
  bool self_issued = false;  // subject equals issuer and the key verifies its own signature
  bool is_ca = false;        // basicConstraints CA:TRUE
  std::string pem;           // the certificate itself, to save and trust (--cacert)
};

CertificateInfo describe_certificate(const X509* certificate,
                                     std::chrono::system_clock::time_point now);

// A key's type and size: certificate keys, and the server's key-exchange share.
PublicKey describe_public_key(const EVP_PKEY* key);

// The CN of an RFC 2253 subject, unescaped (a backslash-comma in the value is
// a comma), or the whole subject when it has none.
std::string common_name(const std::string& subject);

// "29 days left", "expired 3 days ago", "not valid for another 2 days" at `now`.
std::string validity_phrase(const CertificateInfo& certificate,
                            std::chrono::system_clock::time_point now);

// "RSA 2048", "EC P-256", "Ed25519".
std::string describe_key(const PublicKey& key);

}  // namespace reqscope::tls
