#include "reqscope/tls/certificate.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "memory_bio.hpp"
#include "reqscope/tls/self_signed.hpp"

namespace reqscope::tls {

namespace {

struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  const auto bio = make_memory_bio();
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return bio_text(bio.get());
}

// A dNSName is an IA5String, ASCII only: any other byte is escaped, so that
// neither a terminal nor a JSON encoder ever sees it raw.
std::string ascii_text(const ASN1_STRING* string) {
  const auto* bytes = ASN1_STRING_get0_data(string);
  std::string text;
  for (int i = 0; i < ASN1_STRING_length(string); ++i) {
    if (bytes[i] < 0x20 || bytes[i] >= 0x7f || bytes[i] == '\\') {
      text += fmt::format("\\x{:02x}", bytes[i]);
    } else {
      text += static_cast<char>(bytes[i]);
    }
  }
  return text;
}

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* time) {
  std::tm parsed{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parsed) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&parsed));
}

std::string curve_name(const EVP_PKEY* key) {
  char group[80] = {};
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1) {
    return {};
  }
  const int nid = OBJ_sn2nid(group);
  const char* nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
  return nist != nullptr ? nist : group;
}

}  // namespace

PublicKey describe_public_key(const EVP_PKEY* pkey) {
  PublicKey key;
  if (pkey == nullptr) return key;
  key.bits = EVP_PKEY_get_bits(pkey);
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      key.type = "RSA";
      break;
    case EVP_PKEY_EC:
      key.type = "EC";
      key.curve = curve_name(pkey);
      break;
    case EVP_PKEY_ED25519:
      key.type = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      key.type = "Ed448";
      break;
    case EVP_PKEY_DSA:
      key.type = "DSA";
      break;
    default:
      if (const char* name = EVP_PKEY_get0_type_name(pkey); name != nullptr) key.type = name;
      break;
  }
  return key;
}

namespace {

std::string sha256_of(const X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return {};
  std::string text;
  for (unsigned i = 0; i < length; ++i) {
    if (i > 0) text += ':';
    text += fmt::format("{:02X}", digest[i]);
  }
  return text;
}

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
      sans.emplace_back("DNS:" + ascii_text(name->d.dNSName));
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

}  // namespace

std::string common_name(const std::string& subject) {
  // RFC 2253: attributes are separated by commas; a comma after a backslash is part of a value.
  std::size_t at = 0;
  while (at < subject.size()) {
    std::string value;
    std::size_t end = at;
    for (; end < subject.size() && subject[end] != ','; ++end) {
      if (subject[end] == '\\' && end + 1 < subject.size()) ++end;
      value += subject[end];
    }
    if (subject.compare(at, 3, "CN=") == 0) return value.substr(3);
    at = end + 1;
  }
  return subject;
}

std::string validity_phrase(const CertificateInfo& certificate,
                            std::chrono::system_clock::time_point now) {
  using std::chrono::days;
  using std::chrono::floor;
  const auto count = [](long n) { return fmt::format("{} day{}", n, n == 1 ? "" : "s"); };
  if (certificate.not_before > now) {
    const long n = floor<days>(certificate.not_before - now).count();
    return n == 0 ? "not valid for a few more hours" : "not valid for another " + count(n);
  }
  if (certificate.not_after < now) {
    const long n = floor<days>(now - certificate.not_after).count();
    return n == 0 ? "expired less than a day ago" : "expired " + count(n) + " ago";
  }
  return certificate.days_left == 0 ? "less than a day left"
                                    : count(certificate.days_left) + " left";
}

std::string describe_key(const PublicKey& key) {
  if (key.type == "EC" && !key.curve.empty()) return "EC " + key.curve;
  if (key.type == "RSA" || key.type == "DSA") return fmt::format("{} {}", key.type, key.bits);
  return key.type.empty() ? "unknown" : key.type;
}

CertificateInfo describe_certificate(const X509* certificate,
                                     std::chrono::system_clock::time_point now) {
  CertificateInfo info;
  info.subject = subject_of(certificate);
  info.issuer = issuer_of(certificate);
  info.sans = sans_of(certificate);
  info.key = describe_public_key(X509_get0_pubkey(certificate));
  info.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(certificate));
  // OpenSSL's checks take non-const pointers but do not modify the certificate.
  auto* mutable_certificate = const_cast<X509*>(certificate);
  int signature_bits = 0;
  if (X509_get_signature_info(mutable_certificate, nullptr, nullptr, &signature_bits, nullptr) ==
      1) {
    info.signature_bits = signature_bits;
  }
  info.not_before = to_time_point(X509_get0_notBefore(certificate));
  info.not_after = to_time_point(X509_get0_notAfter(certificate));
  info.days_left =
      static_cast<long>(std::chrono::floor<std::chrono::days>(info.not_after - now).count());
  info.sha256 = sha256_of(certificate);
  info.self_issued = X509_check_issued(mutable_certificate, mutable_certificate) == X509_V_OK &&
                     X509_verify(mutable_certificate, X509_get0_pubkey(certificate)) == 1;
  info.is_ca = X509_check_ca(mutable_certificate) > 0;
  info.pem = certificate_pem(certificate);
  return info;
}

}  // namespace reqscope::tls
