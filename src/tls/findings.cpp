#include "reqscope/tls/findings.hpp"

#include <fmt/format.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <set>

#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::tls {

namespace {

// Problems OpenSSL reports that other findings already describe from the chain itself.
constexpr int kDescribedElsewhere[] = {
    X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_EE_KEY_TOO_SMALL,
    X509_V_ERR_CA_KEY_TOO_SMALL,   X509_V_ERR_CA_MD_TOO_WEAK,
};

bool described_elsewhere(int code) {
  return std::find(std::begin(kDescribedElsewhere), std::end(kDescribedElsewhere), code) !=
         std::end(kDescribedElsewhere);
}

bool is_missing_issuer(int code) {
  return code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
         code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
         code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

std::string common_name(const std::string& subject) {
  for (auto part : util::split(subject, ',')) {
    part = util::trim(part);
    if (part.rfind("CN=", 0) == 0) return std::string(part.substr(3));
  }
  return subject;
}

std::string label(const std::string& subject, bool is_leaf, bool is_ca, bool self_issued) {
  const std::string name = util::quote(common_name(subject));
  if (is_leaf) return "the leaf certificate " + name;
  if (self_issued) return "the root certificate " + name;
  return (is_ca ? "the CA certificate " : "the certificate ") + name;
}

std::string label(const std::vector<CertificateInfo>& chain, std::size_t index) {
  const auto& certificate = chain[index];
  return label(certificate.subject, index == 0, certificate.is_ca, certificate.self_issued);
}

std::string label(const VerifyProblem& problem) {
  return label(problem.subject, problem.depth == 0, problem.is_ca,
               problem.subject == problem.issuer);
}

std::string days_text(long days) {
  return days == 1 ? "1 day" : fmt::format("{} days", days);
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
  std::vector<Finding> take() {
    std::stable_sort(findings_.begin(), findings_.end(),
                     [](const Finding& a, const Finding& b) { return a.severity < b.severity; });
    return std::move(findings_);
  }

 private:
  bool insecure_;
  std::vector<Finding> findings_;
};

bool was_sent(const std::vector<CertificateInfo>& chain, const std::string& subject) {
  return std::any_of(chain.begin(), chain.end(),
                     [&](const CertificateInfo& c) { return c.subject == subject; });
}

std::string trust_store_name(const Inspection& inspection) {
  return inspection.ca_file.empty() ? "the system's CA bundle" : "--cacert " + inspection.ca_file;
}

void add_trust_findings(const Inspection& inspection, Collector& out) {
  const auto& chain = inspection.chain;
  std::set<std::string> seen;
  for (const auto& problem : inspection.verify.problems) {
    // Dates, key sizes and digests of the certificates the server sent have
    // findings of their own; a trust-store certificate's do not.
    if (described_elsewhere(problem.code) && was_sent(chain, problem.subject)) continue;
    if (problem.code == X509_V_ERR_HOSTNAME_MISMATCH ||
        problem.code == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      if (!seen.insert("hostname_mismatch").second) continue;
      const auto names = chain.empty() || chain[0].sans.empty()
                             ? "it has no subjectAltName (its subject is " +
                                   util::quote(chain.empty() ? "" : chain[0].subject) + ")"
                             : "it names " + util::join(chain[0].sans, ", ");
      out.trust("hostname_mismatch",
                "the certificate is not valid for " + util::quote(inspection.verified_name) + ": " +
                    names,
                "serve a certificate whose subjectAltName includes " + inspection.verified_name +
                    ", or connect with the name it was issued for (--servername)");
    } else if (problem.code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
      if (!seen.insert("self_signed").second) continue;
      out.trust("self_signed",
                "the leaf certificate is self-signed: no client trusts it unless told to",
                "use a certificate from a CA the clients trust, or give clients this "
                "certificate (here: --cacert FILE)");
    } else if (problem.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
               (is_missing_issuer(problem.code) && problem.is_ca)) {
      if (!seen.insert("untrusted_root").second) continue;
      const auto root =
          problem.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ? problem.subject : problem.issuer;
      out.trust("untrusted_root",
                "the chain leads to " + util::quote(common_name(root)) +
                    ", which is not in the trust store (" + trust_store_name(inspection) + ")",
                "use a certificate from a CA the clients trust, or pass that root CA with "
                "--cacert FILE");
    } else if (is_missing_issuer(problem.code)) {
      if (!seen.insert("incomplete_chain").second) continue;
      out.trust("incomplete_chain",
                fmt::format("the issuer of {} ({}) was not sent and is not in the trust store: "
                            "an intermediate certificate is missing from the server's chain",
                            label(problem), util::quote(common_name(problem.issuer))),
                "serve the intermediate certificates after the leaf (nginx: ssl_certificate "
                "with the full-chain file)");
    } else {
      if (!seen.insert("verify:" + std::to_string(problem.code)).second) continue;
      out.trust("verify_failed",
                fmt::format("verification failed at {}: {}", label(problem), problem.reason),
                was_sent(chain, problem.subject)
                    ? "fix the certificate chain the server sends; OpenSSL's reason names the rule"
                    : "that certificate is in the trust store (" + trust_store_name(inspection) +
                          "): update or replace it");
    }
  }
}

void add_date_findings(const Inspection& inspection, const FindingOptions& options,
                       Collector& out) {
  const auto& chain = inspection.chain;
  for (std::size_t depth = 0; depth < chain.size(); ++depth) {
    const auto& certificate = chain[depth];
    if (certificate.not_after < inspection.checked_at) {
      out.add("expired", Severity::error,
              fmt::format("{} expired on {} ({} ago)", label(chain, depth),
                          util::rfc3339(certificate.not_after),
                          days_text(std::chrono::floor<std::chrono::days>(inspection.checked_at -
                                                                          certificate.not_after)
                                        .count())),
              "renew the certificate and reload the server");
    } else if (certificate.not_before > inspection.checked_at) {
      out.add("not_yet_valid", Severity::error,
              fmt::format("{} is not valid before {}", label(chain, depth),
                          util::rfc3339(certificate.not_before)),
              "check the issuing system's clock, or wait; clients with a correct clock "
              "reject it until then");
    } else if (certificate.days_left < options.warn_days) {
      out.add("expiring_soon", Severity::error,
              fmt::format("{} expires on {}, in {} (--warn-days {})", label(chain, depth),
                          util::rfc3339(certificate.not_after), days_text(certificate.days_left),
                          options.warn_days),
              "renew the certificate now and reload the server");
    }
  }
}

void add_strength_findings(const Inspection& inspection, Collector& out) {
  const auto& chain = inspection.chain;
  for (std::size_t depth = 0; depth < chain.size(); ++depth) {
    const auto& certificate = chain[depth];
    const auto& key = certificate.key;
    const bool weak_key = ((key.type == "RSA" || key.type == "DSA") && key.bits < 2048) ||
                          (key.type == "EC" && key.bits < 224);
    if (weak_key) {
      out.add("weak_key", Severity::error,
              fmt::format("{} has a {}-bit {} key; clients require at least {} bits",
                          label(chain, depth), key.bits, key.type, key.type == "EC" ? 224 : 2048),
              "issue a new certificate with an RSA 2048+ or an EC P-256 key");
    }
    const auto algorithm = util::to_lower(certificate.signature_algorithm);
    const bool weak_digest =
        algorithm.find("sha1") != std::string::npos || algorithm.find("md5") != std::string::npos;
    if (weak_digest && !certificate.self_issued) {
      out.add("weak_signature", Severity::error,
              fmt::format("{} is signed with {}, which clients no longer accept",
                          label(chain, depth), certificate.signature_algorithm),
              "reissue the certificate with a SHA-256 signature");
    }
  }
}

void add_protocol_findings(const Inspection& inspection, Collector& out) {
  if (!inspection.default_client_error.empty()) {
    out.add("legacy_only", Severity::error,
            fmt::format("a client with today's OpenSSL defaults cannot connect ({}); only a legacy "
                        "client got through, with {} and {}",
                        inspection.default_client_error, inspection.protocol, inspection.cipher),
            "enable TLS 1.2 and 1.3 with modern ciphers (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
  }
  bool probed_tls13 = false;
  for (const auto& probe : inspection.versions) {
    if (probe.version == "TLSv1.3") {
      probed_tls13 = probe.result != "not_testable" && probe.result != "failed";
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
  if (!probed_tls13 && inspection.local_tls13 && !inspection.protocol.empty() &&
      inspection.protocol != "TLSv1.3") {
    out.add("no_tls13", Severity::warning,
            "the server chose " + inspection.protocol + " although TLS 1.3 was offered",
            "enable TLS 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3)");
  }
}

}  // namespace

std::string severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      return "info";
  }
  return "error";
}

std::vector<Finding> evaluate(const Inspection& inspection, const FindingOptions& options) {
  Collector out(options.insecure);
  add_trust_findings(inspection, out);
  add_date_findings(inspection, options, out);
  add_strength_findings(inspection, out);
  add_protocol_findings(inspection, out);
  return out.take();
}

bool has_error(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::error; });
}

}  // namespace reqscope::tls
