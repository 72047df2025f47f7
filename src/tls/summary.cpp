#include "reqscope/tls/summary.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

#include "reqscope/tls/certificate.hpp"
#include "reqscope/tls/handles.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::tls {

Negotiated negotiated(const SSL* ssl) {
  Negotiated agreed;
  agreed.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl); cipher != nullptr) {
    agreed.cipher = SSL_CIPHER_get_name(cipher);
  }
  const unsigned char* alpn = nullptr;
  unsigned alpn_length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  if (alpn != nullptr) agreed.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_length);
  return agreed;
}

Summary summarize(const SSL* ssl, std::chrono::system_clock::time_point now) {
  Certificate leaf(SSL_get1_peer_certificate(ssl));
  return summarize(ssl, leaf.get(), SSL_get_verify_result(ssl), now);
}

Summary summarize(const SSL* ssl, const X509* leaf, long verify_code,
                  std::chrono::system_clock::time_point now) {
  Summary summary;
  auto agreed = negotiated(ssl);
  summary.version = std::move(agreed.version);
  summary.cipher = std::move(agreed.cipher);
  summary.alpn = std::move(agreed.alpn);

  summary.verified = verify_code == X509_V_OK;
  summary.verify_result = summary.verified ? "ok" : X509_verify_cert_error_string(verify_code);

  if (leaf == nullptr) return summary;
  auto certificate = describe_certificate(leaf, now);
  summary.subject = std::move(certificate.subject);
  summary.issuer = std::move(certificate.issuer);
  summary.sans = std::move(certificate.sans);
  summary.not_after = util::rfc3339(certificate.not_after);
  summary.days_left = certificate.days_left;
  return summary;
}

}  // namespace reqscope::tls
