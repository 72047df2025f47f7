#include "reqscope/tls/self_signed.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "memory_bio.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::tls {

namespace {

struct ExtensionDeleter {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};

bool add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionDeleter> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

}  // namespace

std::string certificate_pem(const X509* certificate) {
  const auto bio = make_memory_bio();
  PEM_write_bio_X509(bio.get(), certificate);
  return bio_text(bio.get());
}

std::string private_key_pem(const EVP_PKEY* key) {
  const auto bio = make_memory_bio();
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio.get());
}

Result<KeyAndCertificate> make_certificate(const CertificateRequest& request,
                                           const KeyAndCertificate* issuer) {
  const auto failed = [](const char* step) {
    return fail("tls_setup", std::string("cannot create a self-signed certificate: ") + step,
                "check that OpenSSL 3 is installed correctly");
  };
  Pkey key(request.rsa_bits > 0 ? EVP_RSA_gen(static_cast<unsigned>(request.rsa_bits))
                                : EVP_EC_gen("P-256"));
  if (!key) return failed("key generation");
  Certificate certificate(X509_new());
  if (!certificate) return failed("X509_new");

  X509_set_version(certificate.get(), 2);
  unsigned char serial_bytes[16];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate.get()));
  BN_free(serial);
  const long validity_s = static_cast<long>(request.days) * 86400;
  const long starts_s = request.starts_in_days > 0
                            ? static_cast<long>(request.starts_in_days) * 86400
                            : std::min(-60L, validity_s - 86400);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), starts_s);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validity_s);
  X509_set_pubkey(certificate.get(), key.get());

  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("reqscope lab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(request.common_name.c_str()),
                             -1, -1, 0);
  X509* issuer_certificate = issuer != nullptr ? issuer->certificate.get() : certificate.get();
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : key.get();
  X509_set_issuer_name(certificate.get(), X509_get_subject_name(issuer_certificate));

  const auto san_list = util::join(request.sans, ",");
  X509* cert = certificate.get();
  if (!san_list.empty() &&
      !add_extension(cert, issuer_certificate, NID_subject_alt_name, san_list)) {
    return failed("subjectAltName");
  }
  const bool extensions_ok =
      request.is_ca
          ? add_extension(cert, issuer_certificate, NID_basic_constraints, "critical,CA:TRUE") &&
                add_extension(cert, issuer_certificate, NID_key_usage,
                              "critical,keyCertSign,cRLSign") &&
                add_extension(cert, issuer_certificate, NID_subject_key_identifier, "hash")
          : add_extension(cert, issuer_certificate, NID_basic_constraints, "critical,CA:FALSE") &&
                add_extension(cert, issuer_certificate, NID_ext_key_usage, "serverAuth");
  if (!extensions_ok) return failed("extensions");
  const EVP_MD* digest = EVP_get_digestbyname(request.digest.c_str());
  if (digest == nullptr || X509_sign(cert, signing_key, digest) == 0) return failed("signing");
  return KeyAndCertificate{std::move(key), std::move(certificate)};
}

}  // namespace reqscope::tls
