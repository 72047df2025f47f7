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

// A P-256 key and a self-signed certificate for `common_name`, valid for `days`
// from now, with the given subject alternative names ("DNS:localhost", "IP:127.0.0.1").
Result<KeyAndCertificate> make_self_signed(const std::string& common_name,
                                           const std::vector<std::string>& sans, int days);

}  // namespace reqscope::tls
