#include "reqscope/tls/findings.hpp"

#include <fmt/format.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <set>

#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::tls {

namespace {

constexpr std::size_t kNamesInMessages = 8;
constexpr int kMinimumSignatureBits = 112;  // what OpenSSL's security level 2 asks for

// OpenSSL's problems with one certificate's own dates, key or digest, and the
// finding that tells of each.
const char* certificate_finding_for(int code) {
  switch (code) {
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "not_yet_valid";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "expired";
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
      return "weak_key";
    case X509_V_ERR_CA_MD_TOO_WEAK:
      return "weak_signature";
    default:
      return nullptr;
  }
}

bool is_missing_issuer(int code) {
  return code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
         code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
         code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

// Fixes for the rules OpenSSL most often names that no finding of its own covers.
std::string fix_for(int code) {
  switch (code) {
    case X509_V_ERR_INVALID_PURPOSE:
      return "reissue the certificate with extendedKeyUsage serverAuth";
    case X509_V_ERR_INVALID_CA:
      return "the issuing certificate is not a CA (basicConstraints CA:TRUE is missing): serve "
             "the right intermediate";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      return "the signature does not match its issuer: the chain mixes certificates from "
             "different issuances; serve the intermediate that issued this one";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
      return "the chain is longer than an issuer's pathLenConstraint allows: shorten it";
    default:
      return "fix the certificate chain the server sends; OpenSSL's reason names the rule";
  }
}

std::string label(const CertificateInfo& certificate, bool is_leaf) {
  const std::string name = util::quote(common_name(certificate.subject));
  if (is_leaf) return "the leaf certificate " + name;
  if (certificate.self_issued) return "the root certificate " + name;
  return (certificate.is_ca ? "the intermediate certificate " : "the certificate ") + name;
}

std::string names_text(const std::vector<std::string>& sans) {
  if (sans.size() <= kNamesInMessages) return util::join(sans, ", ");
  const std::vector<std::string> shown(sans.begin(), sans.begin() + kNamesInMessages);
  return fmt::format("{} and {} more", util::join(shown, ", "), sans.size() - kNamesInMessages);
}

bool sent(const Inspection& inspection, const CertificateInfo& certificate) {
  return std::any_of(inspection.chain.begin(), inspection.chain.end(),
                     [&](const CertificateInfo& c) { return c.sha256 == certificate.sha256; });
}

bool used(const Inspection& inspection, const CertificateInfo& certificate) {
  const auto& built = inspection.verify.chain;
  return built.empty() || std::any_of(built.begin(), built.end(), [&](const CertificateInfo& c) {
           return c.sha256 == certificate.sha256;
         });
}

class Collector {
 public:
  explicit Collector(bool insecure) : insecure_(insecure) {}

  // A problem with who vouches for the certificate, or for which name: a
  // warning under --insecure.
  void trust(std::string id, std::string message, std::string fix) {
    add(std::move(id), insecure_ ? Severity::warning : Severity::error, std::move(message),
        std::move(fix));
  }
  void add(std::string id, Severity severity, std::string message, std::string fix) {
    findings_.push_back({std::move(id), severity, std::move(message), std::move(fix)});
  }
  // A finding about one certificate, remembered so that OpenSSL's word on the
  // same problem is not told twice.
  void about(const CertificateInfo& certificate, std::string id, Severity severity,
             std::string message, std::string fix) {
    told_.insert(certificate.sha256 + " " + id);
    add(std::move(id), severity, std::move(message), std::move(fix));
  }
  bool told(const CertificateInfo& certificate, const std::string& id) const {
    return told_.count(certificate.sha256 + " " + id) > 0;
  }
  std::vector<Finding> take() {
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
    return std::move(findings_);
  }

 private:
  bool insecure_;
  std::vector<Finding> findings_;
  std::set<std::string> told_;
};

// Dates, key size and signature digest of one certificate: errors for the
// ones clients use, warnings for ones the server sends in vain.
void check_certificate(const Inspection& inspection, const FindingOptions& options,
                       const CertificateInfo& certificate, bool is_leaf, Collector& out) {
  const bool in_use = used(inspection, certificate);
  const bool from_store = !sent(inspection, certificate);
  const auto severity = in_use ? Severity::error : Severity::warning;
  const std::string name = label(certificate, is_leaf) + (from_store ? " (trust store)" : "");
  const std::string unused =
      in_use ? "" : "; clients do not use it: they build the chain another way";
  // Who can fix it: the server's operator, or whoever keeps the trust store.
  const auto fix = [&](const std::string& for_sent_certificate) -> std::string {
    if (!in_use) return "drop it from the chain the server sends";
    if (from_store) {
      return "update or replace it in the trust store (" + trust_store_name(inspection.ca_file) +
             ")";
    }
    return for_sent_certificate;
  };
  const auto now = inspection.checked_at;
  if (certificate.not_after < now) {
    out.about(certificate, "expired", severity,
              fmt::format("{} expired on {} ({}){}", name, util::rfc3339(certificate.not_after),
                          validity_phrase(certificate, now), unused),
              fix(is_leaf ? "renew the certificate and reload the server"
                          : "serve the current intermediate from the CA in place of this one"));
  } else if (certificate.not_before > now) {
    out.about(certificate, "not_yet_valid", severity,
              fmt::format("{} is not valid before {}{}", name,
                          util::rfc3339(certificate.not_before), unused),
              fix("check the issuing system's clock, or wait; clients with a correct clock "
                  "reject it until then"));
  } else if (in_use && certificate.days_left < options.warn_days) {
    out.about(certificate, "expiring_soon", Severity::error,
              fmt::format("{} expires on {}: {} (--warn-days {})", name,
                          util::rfc3339(certificate.not_after), validity_phrase(certificate, now),
                          options.warn_days),
              fix(is_leaf ? "renew the certificate now and reload the server"
                          : "get the CA's current intermediate and serve it in place of this one"));
  }
  const auto& key = certificate.key;
  const int minimum_bits = key.type == "EC" ? 224 : 2048;
  if ((key.type == "RSA" || key.type == "DSA" || key.type == "EC") && key.bits < minimum_bits) {
    out.about(certificate, "weak_key", severity,
              fmt::format("{} has a {}-bit {} key; clients require at least {} bits{}", name,
                          key.bits, key.type, minimum_bits, unused),
              fix("issue a new certificate with an RSA 2048+ or an EC P-256 key"));
  }
  // A trust anchor's own signature is never checked, so its digest does not matter.
  if (!certificate.self_issued && certificate.signature_bits > 0 &&
      certificate.signature_bits < kMinimumSignatureBits) {
    out.about(
        certificate, "weak_signature", severity,
        fmt::format("{} is signed with {} ({} bits of security), which clients no longer "
                    "accept{}",
                    name, certificate.signature_algorithm, certificate.signature_bits, unused),
        fix("reissue the certificate with a SHA-256 signature"));
  }
}

void add_certificate_findings(const Inspection& inspection, const FindingOptions& options,
                              Collector& out) {
  for (std::size_t i = 0; i < inspection.chain.size(); ++i) {
    check_certificate(inspection, options, inspection.chain[i], i == 0, out);
  }
  for (std::size_t i = 0; i < inspection.verify.chain.size(); ++i) {
    const auto& certificate = inspection.verify.chain[i];
    if (!sent(inspection, certificate)) {
      check_certificate(inspection, options, certificate, i == 0, out);
    }
  }
}

void add_trust_findings(const Inspection& inspection, Collector& out) {
  const auto& chain = inspection.chain;
  const auto& built = inspection.verify.chain;
  std::set<std::string> seen;
  for (const auto& problem : inspection.verify.problems) {
    const auto depth = static_cast<std::size_t>(std::max(problem.depth, 0));
    const CertificateInfo* certificate = depth < built.size() ? &built[depth] : nullptr;
    const std::string name = certificate != nullptr
                                 ? label(*certificate, depth == 0)
                                 : fmt::format("the certificate at depth {}", depth);
    if (const char* id = certificate_finding_for(problem.code); id != nullptr) {
      if (certificate != nullptr && out.told(*certificate, id)) continue;
      // OpenSSL saw what reqscope's own checks did not: told as OpenSSL says it.
      out.add(id, Severity::error, fmt::format("{}: {}", name, problem.reason),
              "replace the certificate");
    } else if (problem.code == X509_V_ERR_HOSTNAME_MISMATCH ||
               problem.code == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      if (!seen.insert("hostname_mismatch").second) continue;
      const auto names = chain.empty() || chain[0].sans.empty()
                             ? "it has no subjectAltName (its subject is " +
                                   util::quote(chain.empty() ? "" : chain[0].subject) + ")"
                             : "it names " + names_text(chain[0].sans);
      out.trust("hostname_mismatch",
                "the certificate is not valid for " + util::quote(inspection.verified_name) + ": " +
                    names,
                "serve a certificate whose subjectAltName includes " + inspection.verified_name +
                    ", or connect with the name it was issued for (--servername)");
    } else if (problem.code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
      if (!seen.insert("self_signed").second) continue;
      out.trust("self_signed",
                "the leaf certificate is self-signed: no client trusts it unless told to",
                "use a certificate from a CA the clients trust, or give clients this certificate "
                "(here: --cacert FILE; the JSON output's chain[0].pem is it)");
    } else if (problem.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
               (is_missing_issuer(problem.code) && certificate != nullptr && certificate->is_ca)) {
      if (!seen.insert("untrusted_root").second) continue;
      const auto root = certificate == nullptr ? std::string{}
                        : problem.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
                            ? certificate->subject
                            : certificate->issuer;
      out.trust("untrusted_root",
                "the chain leads to " + util::quote(common_name(root)) +
                    ", which is not in the trust store (" + trust_store_name(inspection.ca_file) +
                    ")",
                "use a certificate from a CA the clients trust, or pass that root CA with "
                "--cacert FILE");
    } else if (is_missing_issuer(problem.code)) {
      if (!seen.insert("incomplete_chain").second) continue;
      out.trust(
          "incomplete_chain",
          fmt::format("the issuer of {} ({}) was not sent and is not in the trust store: "
                      "an intermediate certificate is missing from the server's chain",
                      name,
                      util::quote(certificate != nullptr ? common_name(certificate->issuer) : "")),
          "serve the intermediate certificates after the leaf (nginx: ssl_certificate "
          "with the full-chain file)");
    } else {
      if (!seen.insert("verify:" + std::to_string(problem.code)).second) continue;
      const bool from_store = certificate != nullptr && !sent(inspection, *certificate);
      out.trust("verify_failed",
                fmt::format("verification failed at {}{}: {}", name,
                            from_store ? " (from the trust store)" : "", problem.reason),
                from_store ? "that certificate is in the trust store (" +
                                 trust_store_name(inspection.ca_file) + "): update or replace it"
                           : fix_for(problem.code));
    }
  }
  // Verified, but only thanks to an intermediate the server did not send.
  for (std::size_t i = 1; i < built.size(); ++i) {
    if (built[i].self_issued || sent(inspection, built[i]) || seen.count("incomplete_chain")) {
      continue;
    }
    seen.insert("incomplete_chain");
    out.add("incomplete_chain", Severity::warning,
            fmt::format("the server does not send {}; it verified only because {} holds it, and "
                        "clients without it fail",
                        label(built[i], false), trust_store_name(inspection.ca_file)),
            "serve the intermediate certificates after the leaf (nginx: ssl_certificate with "
            "the full-chain file)");
  }
}

void add_connection_findings(const Inspection& inspection, Collector& out) {
  if (!inspection.default_client_error.empty()) {
    out.add("legacy_only", Severity::error,
            fmt::format("a client with today's OpenSSL defaults cannot connect ({}); only a legacy "
                        "client got through, with {} and {}",
                        inspection.default_client_error, inspection.protocol, inspection.cipher),
            "enable TLS 1.2 and 1.3 with modern ciphers (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
  }
  if (inspection.client_certificate_requested) {
    out.add("client_certificate_requested", Severity::warning,
            "the server asks for a client certificate (mutual TLS); reqscope sends none, and the "
            "server may refuse the connection after the handshake",
            "nothing to fix if mutual TLS is intended; clients need their own certificate");
  }
  bool probed_tls13 = false;
  std::vector<std::string> failed;
  for (const auto& probe : inspection.versions) {
    if (probe.result == "failed") failed.push_back(probe.version + " (" + probe.detail + ")");
    if (probe.version == "TLSv1.3") {
      probed_tls13 = probe.result == "supported" || probe.result == "unsupported";
      if (probe.result == "unsupported") {
        out.add("no_tls13", Severity::warning, "the server does not support TLS 1.3",
                "enable TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
      }
    }
    if ((probe.version == "TLSv1.0" || probe.version == "TLSv1.1") && probe.result == "supported") {
      const auto id = probe.version == "TLSv1.0" ? "tls10_enabled" : "tls11_enabled";
      out.add(id, Severity::warning,
              fmt::format("the server accepts {}, deprecated since 2021 (RFC 8996)", probe.version),
              "disable it (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
    }
  }
  if (!failed.empty()) {
    out.add("probe_failed", Severity::warning,
            "no result for " + util::join(failed, ", ") + ": the versions table is incomplete",
            "raise --timeout, or check for a limit on connections from one client");
  }
  if (!probed_tls13 && inspection.local_tls13 && !inspection.protocol.empty() &&
      inspection.protocol != "TLSv1.3") {
    out.add("no_tls13", Severity::warning,
            "the server chose " + inspection.protocol + " although TLS 1.3 was offered",
            "enable TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
  }
}

}  // namespace

std::string severity_name(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::vector<Finding> evaluate(const Inspection& inspection, const FindingOptions& options) {
  Collector out(options.insecure);
  add_certificate_findings(inspection, options, out);
  add_trust_findings(inspection, out);
  add_connection_findings(inspection, out);
  return out.take();
}

bool has_error(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::error; });
}

}  // namespace reqscope::tls
