#include "reqscope/tls/summary.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "reqscope/util/time_format.hpp"

namespace reqscope::tls {

namespace {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string{};
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time) {
  std::tm parsed{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parsed) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&parsed));
}

}  // namespace

std::string subject_of(const X509* certificate) {
  return name_to_string(X509_get_subject_name(certificate));
}

std::string issuer_of(const X509* certificate) {
  return name_to_string(X509_get_issuer_name(certificate));
}

std::vector<std::string> sans_of(const X509* certificate) {
  std::vector<std::string> sans;
  std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return sans;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const auto* text = ASN1_STRING_get0_data(name->d.dNSName);
      sans.emplace_back("DNS:" +
                        std::string(reinterpret_cast<const char*>(text),
                                    static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName))));
    } else if (name->type == GEN_IPADD) {
      const auto* bytes = ASN1_STRING_get0_data(name->d.iPAddress);
      const int length = ASN1_STRING_length(name->d.iPAddress);
      char text[64] = {};
      if (length == 4) {
        inet_ntop(AF_INET, bytes, text, sizeof text);
      } else if (length == 16) {
        inet_ntop(AF_INET6, bytes, text, sizeof text);
      }
      sans.emplace_back("IP:" + std::string(text));
    }
  }
  return sans;
}

Summary summarize(const SSL* ssl, std::chrono::system_clock::time_point now) {
  std::unique_ptr<X509, X509Deleter> leaf(SSL_get1_peer_certificate(ssl));
  return summarize(ssl, leaf.get(), SSL_get_verify_result(ssl), now);
}

Summary summarize(const SSL* ssl, const X509* leaf, long verify_code,
                  std::chrono::system_clock::time_point now) {
  Summary summary;
  summary.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl); cipher != nullptr) {
    summary.cipher = SSL_CIPHER_get_name(cipher);
  }
  const unsigned char* alpn = nullptr;
  unsigned alpn_length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  if (alpn != nullptr) summary.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_length);

  summary.verified = verify_code == X509_V_OK;
  summary.verify_result = summary.verified ? "ok" : X509_verify_cert_error_string(verify_code);

  if (leaf == nullptr) return summary;
  summary.subject = subject_of(leaf);
  summary.issuer = issuer_of(leaf);
  summary.sans = sans_of(leaf);
  const auto not_after = to_time_point(X509_get0_notAfter(leaf));
  summary.not_after = util::rfc3339(not_after);
  summary.days_left =
      static_cast<long>(std::chrono::floor<std::chrono::days>(not_after - now).count());
  return summary;
}

}  // namespace reqscope::tls
