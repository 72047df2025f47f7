#pragma once

#include <memory>

using EVP_PKEY = struct evp_pkey_st;
using X509 = struct x509_st;
using X509_STORE = struct x509_store_st;
using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;
using SSL_SESSION = struct ssl_session_st;

namespace reqscope::tls {

// Owning handles for the OpenSSL objects reqscope keeps: one deleter each, so
// no path frees them by hand.
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
struct X509Deleter {
  void operator()(X509* certificate) const;
};
struct StoreDeleter {
  void operator()(X509_STORE* store) const;
};
struct SslContextDeleter {
  void operator()(SSL_CTX* context) const;
};
struct SslDeleter {
  void operator()(SSL* ssl) const;
};
struct SessionDeleter {
  void operator()(SSL_SESSION* session) const;
};

using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using Certificate = std::unique_ptr<X509, X509Deleter>;
using Store = std::unique_ptr<X509_STORE, StoreDeleter>;
using SslContext = std::unique_ptr<SSL_CTX, SslContextDeleter>;
using SslConnection = std::unique_ptr<SSL, SslDeleter>;
using Session = std::unique_ptr<SSL_SESSION, SessionDeleter>;

}  // namespace reqscope::tls
