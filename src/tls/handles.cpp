#include "reqscope/tls/handles.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace reqscope::tls {

void PkeyDeleter::operator()(EVP_PKEY* key) const {
  EVP_PKEY_free(key);
}
void X509Deleter::operator()(X509* certificate) const {
  X509_free(certificate);
}
void StoreDeleter::operator()(X509_STORE* store) const {
  X509_STORE_free(store);
}
void SslContextDeleter::operator()(SSL_CTX* context) const {
  SSL_CTX_free(context);
}
void SslDeleter::operator()(SSL* ssl) const {
  SSL_free(ssl);
}
void SessionDeleter::operator()(SSL_SESSION* session) const {
  SSL_SESSION_free(session);
}

}  // namespace reqscope::tls
