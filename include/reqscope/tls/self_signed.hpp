#pragma once

#include <memory>
#include <string>
#include <vector>

#include "reqscope/error.hpp"

using EVP_PKEY = struct evp_pkey_st;
using X509 = struct x509_st;

namespace reqscope::tls {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
struct X509Deleter {
  void operator()(X509* certificate) const;
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using Certificate = std::unique_ptr<X509, X509Deleter>;

struct KeyAndCertificate {
  Pkey key;
  Certificate certificate;
};

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> sans;  // "DNS:localhost", "IP:127.0.0.1"
  int days = 30;                  // validity from now; negative gives an expired certificate
  bool is_ca = false;
};

// A fresh P-256 key and a certificate for it, signed by `issuer` or, when
// `issuer` is null, by the new key itself (self-signed).
Result<KeyAndCertificate> make_certificate(const CertificateRequest& request,
                                           const KeyAndCertificate* issuer = nullptr);

// The certificate and key in PEM form.
std::string certificate_pem(const X509* certificate);
std::string private_key_pem(const EVP_PKEY* key);

}  // namespace reqscope::tls
