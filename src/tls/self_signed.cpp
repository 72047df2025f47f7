#include "reqscope/tls/self_signed.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace reqscope::tls {

void PkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
void X509Deleter::operator()(X509* certificate) const { X509_free(certificate); }

namespace {

struct ExtensionDeleter {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};

bool add_extension(X509* certificate, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtensionDeleter> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

}  // namespace

Result<KeyAndCertificate> make_self_signed(const std::string& common_name,
                                           const std::vector<std::string>& sans, int days) {
  const auto failed = [](const char* step) {
    return fail("tls_setup", std::string("cannot create a self-signed certificate: ") + step,
                "check that OpenSSL 3 is installed correctly");
  };
  Pkey key(EVP_EC_gen("P-256"));
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
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(certificate.get(), key.get());

  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("reqscope lab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);

  std::string san_list;
  for (const auto& san : sans) san_list += (san_list.empty() ? "" : ",") + san;
  if (!san_list.empty() && !add_extension(certificate.get(), NID_subject_alt_name, san_list)) {
    return failed("subjectAltName");
  }
  if (!add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(certificate.get(), NID_ext_key_usage, "serverAuth")) {
    return failed("extensions");
  }
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) return failed("signing");
  return KeyAndCertificate{std::move(key), std::move(certificate)};
}

}  // namespace reqscope::tls
