#pragma once

#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/tls/handles.hpp"

namespace reqscope::tls {

struct KeyAndCertificate {
  Pkey key;
  Certificate certificate;
};

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> sans;  // "DNS:localhost", "IP:127.0.0.1"
  int days = 30;                  // validity from now; negative gives an expired certificate
  bool is_ca = false;
  int rsa_bits = 0;               // 0: a P-256 key; otherwise an RSA key of this size
  int starts_in_days = 0;         // > 0: not valid before that many days from now
  std::string digest = "SHA256";  // the signature's hash, as OpenSSL names it
};

// A fresh key and a certificate for it, signed by `issuer` or, when
// `issuer` is null, by the new key itself (self-signed).
Result<KeyAndCertificate> make_certificate(const CertificateRequest& request,
                                           const KeyAndCertificate* issuer = nullptr);

// The certificate and key in PEM form.
std::string certificate_pem(const X509* certificate);
std::string private_key_pem(const EVP_PKEY* key);

}  // namespace reqscope::tls
