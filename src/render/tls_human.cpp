#include "reqscope/render/tls_human.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

constexpr std::size_t kLabelWidth = 14;
constexpr std::size_t kFingerprintBytesPerLine = 16;
constexpr std::size_t kNamesShown = 8;

std::string row(const std::string& label, const std::string& value) {
  return util::wrap(value, kColumns, fmt::format("  {:<{}}", label, kLabelWidth),
                    std::string(kLabelWidth + 2, ' '));
}

std::string count_phrase(std::size_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string target_text(const tls::Target& target) {
  return target.host.find(':') != std::string::npos
             ? fmt::format("[{}]:{}", target.host, target.port)
             : fmt::format("{}:{}", target.host, target.port);
}

// The certificate clients use that expires first: the chain stops working
// then, whichever certificate it is. A trust anchor's dates are the trust
// store's business, not the server's.
std::string expiry_text(const tls::Inspection& inspection) {
  const auto& chain = inspection.verify.chain.empty() ? inspection.chain : inspection.verify.chain;
  std::size_t first = 0;
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (!chain[i].self_issued && chain[i].not_after < chain[first].not_after) first = i;
  }
  auto text = tls::validity_phrase(chain[first], inspection.checked_at);
  if (first > 0) {
    text += " (intermediate " + util::quote(tls::common_name(chain[first].subject)) + ")";
  }
  return text;
}

std::string verdict(const tls::Inspection& inspection, const std::vector<tls::Finding>& findings,
                    const Style& style) {
  const auto where = target_text(inspection.target);
  std::vector<std::string> errors;
  std::size_t warnings = 0;
  for (const auto& finding : findings) {
    if (finding.severity == tls::Severity::error) {
      errors.push_back(finding.id);
    } else {
      ++warnings;
    }
  }
  std::string text;
  std::string word;
  if (inspection.interrupted && errors.empty()) {
    word = style.bold(style.yellow("INTERRUPTED"));
    text = fmt::format("{} {}: partial results", where, inspection.protocol);
  } else if (!errors.empty()) {
    word = style.bold(style.red("FAILED"));
    text = fmt::format("{} {}: {}", where, count_phrase(errors.size(), "error"),
                       util::join(errors, ", "));
  } else {
    word = style.bold(style.green("OK"));
    // Not trusted and yet no error: --insecure accepted the trust problems.
    text = fmt::format("{} {}, {}", where, inspection.protocol,
                       inspection.verify.ok ? "certificate trusted"
                                            : "certificate not trusted (accepted by --insecure)");
    if (!inspection.chain.empty() || !inspection.verify.chain.empty()) {
      text += ", " + expiry_text(inspection);
    }
    if (warnings > 0) text += ", " + count_phrase(warnings, "warning");
  }
  std::string out = util::wrap(text, kColumns, word + "  ", "    ");
  if (inspection.interrupted) {
    out += "    " +
           style.yellow("interrupted: the checks after the first handshake are incomplete") + "\n";
  }
  return out;
}

std::string connection_section(const tls::Inspection& inspection, const Style& style) {
  std::string out = style.bold("Connection") + "\n";
  const auto& attempt = inspection.attempts.back();
  out += row("address", fmt::format("{} port {} ({}) {} connect {}", inspection.address,
                                    inspection.target.port, attempt.family, style.dot(),
                                    format_ms(util::to_ms(inspection.connect))));
  out += row("handshake", fmt::format("{} {} {}", format_ms(util::to_ms(inspection.handshake)),
                                      style.dot(), inspection.protocol));
  out += row("cipher", inspection.cipher);
  out += row("key exchange", inspection.group.empty() ? "none reported" : inspection.group);
  out += row("ALPN", inspection.alpn.empty() ? "none chosen" : inspection.alpn);
  out += row("SNI", inspection.servername.empty() ? "not sent (IP address)"
                                                  : util::quote(inspection.servername));
  out += row("OCSP staple", inspection.ocsp_stapled ? "stapled" : "none");
  out += row("resumption", !inspection.resumption ? "unknown (" + inspection.resumption_detail + ")"
                           : *inspection.resumption ? "supported"
                                                    : "not supported");
  return out;
}

std::string fingerprint_rows(const std::string& sha256) {
  // "AB:" is three characters per byte.
  const std::size_t per_line = kFingerprintBytesPerLine * 3;
  std::string out;
  for (std::size_t at = 0; at < sha256.size(); at += per_line) {
    const auto part = sha256.substr(at, per_line);
    const auto trimmed = part.back() == ':' ? part.substr(0, part.size() - 1) : part;
    out += fmt::format("     {:<9}{}\n", at == 0 ? "sha256" : "", trimmed);
  }
  return out;
}

// Certificates for CDNs name hundreds of hosts: the first few unless -v.
std::string names_text(const std::vector<std::string>& sans, bool verbose) {
  if (verbose || sans.size() <= kNamesShown) return util::join(sans, ", ");
  const std::vector<std::string> shown(sans.begin(), sans.begin() + kNamesShown);
  return fmt::format("{}, and {} more (-v shows all)", util::join(shown, ", "),
                     sans.size() - kNamesShown);
}

std::string chain_section(const tls::Inspection& inspection, const Style& style, bool verbose) {
  std::string out = style.bold(fmt::format("Chain ({} sent by the server)",
                                           count_phrase(inspection.chain.size(), "certificate"))) +
                    "\n";
  for (std::size_t depth = 0; depth < inspection.chain.size(); ++depth) {
    const auto& certificate = inspection.chain[depth];
    const auto field = [](const char* label, const std::string& value) {
      return util::wrap(value, kColumns, fmt::format("     {:<9}", label), std::string(14, ' '));
    };
    out += util::wrap(util::printable(certificate.subject), kColumns, fmt::format("  {:<3}", depth),
                      "       ");
    out += field("issuer", util::printable(certificate.issuer));
    if (!certificate.sans.empty()) {
      out += field("names", util::printable(names_text(certificate.sans, verbose)));
    }
    out += field("key", fmt::format("{} {} signed {}", tls::describe_key(certificate.key),
                                    style.dot(), certificate.signature_algorithm));
    auto validity = fmt::format("{} to {} ({})", util::rfc3339(certificate.not_before),
                                util::rfc3339(certificate.not_after),
                                tls::validity_phrase(certificate, inspection.checked_at));
    const bool valid_now = certificate.not_before <= inspection.checked_at &&
                           inspection.checked_at <= certificate.not_after;
    out += field("valid", valid_now ? validity : style.red(validity));
    out += fingerprint_rows(certificate.sha256);
  }
  return out;
}

// Which certificate an OpenSSL problem is about, by the name of the one at its
// depth of the chain OpenSSL built.
std::string problem_subject(const tls::Inspection& inspection, const tls::VerifyProblem& problem) {
  const auto& built = inspection.verify.chain;
  const auto depth = static_cast<std::size_t>(std::max(problem.depth, 0));
  return depth < built.size() ? util::quote(tls::common_name(built[depth].subject))
                              : fmt::format("depth {}", problem.depth);
}

std::string verify_section(const tls::Inspection& inspection, const Style& style) {
  std::string out = style.bold("Verification") + "\n";
  const auto store = tls::trust_store_name(inspection.ca_file);
  if (inspection.verify.ok) {
    return out + util::wrap(fmt::format("trusted for {} (chain checked against {})",
                                        util::quote(inspection.verified_name), store),
                            kColumns, "  " + style.green("ok") + "  ", "      ");
  }
  const auto& problems = inspection.verify.problems;
  out +=
      util::wrap(util::printable(fmt::format("{}, {} (for {}, against {})", inspection.verify.error,
                                             problem_subject(inspection, problems.front()),
                                             util::quote(inspection.verified_name), store)),
                 kColumns, "  " + style.red("failed") + "  ", "          ");
  for (std::size_t i = 1; i < problems.size(); ++i) {
    out += util::wrap(util::printable(fmt::format("also: {}, {}", problems[i].reason,
                                                  problem_subject(inspection, problems[i]))),
                      kColumns, "          ", "                ");
  }
  return out;
}

std::string versions_section(const tls::Inspection& inspection, const Style& style) {
  std::string out = style.bold("Protocol versions (each probed alone)") + "\n";
  for (const auto& probe : inspection.versions) {
    std::string result = probe.result == "supported"      ? style.green("supported")
                         : probe.result == "unsupported"  ? "not supported"
                         : probe.result == "not_testable" ? style.yellow("not testable")
                                                          : style.yellow("failed");
    const auto detail = probe.detail.empty() ? std::string{} : " (" + probe.detail + ")";
    out += util::wrap(result + detail, kColumns, fmt::format("  {:<10}", probe.version),
                      std::string(12, ' '));
  }
  return out;
}

std::string severity_word(tls::Severity severity, const Style& style) {
  switch (severity) {
    case tls::Severity::error:
      return style.red("error  ");
    case tls::Severity::warning:
      return style.yellow("warning");
  }
  return "";
}

std::string findings_section(const std::vector<tls::Finding>& findings, const Style& style) {
  std::string out = style.bold("Findings") + "\n";
  if (findings.empty()) return out + "  none\n";
  for (const auto& finding : findings) {
    // Messages quote certificate names, which are the server's bytes.
    out += util::wrap(finding.id + ": " + util::printable(finding.message), kColumns,
                      "  " + severity_word(finding.severity, style) + "  ", "           ");
    out += util::wrap(finding.fix, kColumns, "           fix: ", "                ");
  }
  return out;
}

std::string messages_section(const tls::Inspection& inspection, const Style& style) {
  std::string out = style.bold("Handshake messages") + "\n";
  for (const auto& message : inspection.messages) {
    out += fmt::format("  {:>10}  {} {:<22} {}\n", "+" + format_ms(util::to_ms(message.at)),
                       message.sent ? style.arrow() : (style.unicode ? "\u2190" : "<-"),
                       message.name, format_bytes(message.bytes));
  }
  return out;
}

}  // namespace

std::string render_tls(const tls::Inspection& inspection, const std::vector<tls::Finding>& findings,
                       const HumanOptions& options) {
  const auto& style = options.style;
  std::string out = verdict(inspection, findings, style);
  out += "\n" + connection_section(inspection, style);
  if (options.verbose) out += "\n" + messages_section(inspection, style);
  out += "\n" + chain_section(inspection, style, options.verbose);
  out += "\n" + verify_section(inspection, style);
  if (!inspection.versions.empty()) out += "\n" + versions_section(inspection, style);
  out += "\n" + findings_section(findings, style);
  if (options.explain) out += "\n" + explain_tls(inspection, findings);
  return out;
}

namespace {

std::string message_meaning(const tls::HandshakeMessage& message,
                            const tls::Inspection& inspection) {
  const auto& name = message.name;
  if (name == "ClientHello") {
    return "reqscope opens: the protocol versions, cipher suites and key shares it can use, "
           "ALPN h2 and http/1.1, and the site's name (SNI " +
           (inspection.servername.empty() ? std::string("none: the target is an IP address")
                                          : util::quote(inspection.servername)) +
           ") so the server can pick the right certificate.";
  }
  if (name == "ServerHello") {
    return "the server picks " + inspection.protocol + " and " + inspection.cipher +
           (inspection.protocol == "TLSv1.3" ? ", and sends its key share (" + inspection.group +
                                                   "): from here on everything is encrypted."
                                             : ".");
  }
  if (name == "EncryptedExtensions") {
    return "the rest of the server's choices, already encrypted: ALPN " +
           (inspection.alpn.empty() ? std::string("none") : inspection.alpn) + ".";
  }
  if (name == "CertificateRequest") {
    return "the server asks for a certificate of the client's own (mutual TLS); reqscope has "
           "none to give.";
  }
  if (name == "Certificate") {
    return message.sent ? "reqscope's answer to the CertificateRequest: an empty list, as it has "
                          "no client certificate."
                        : "the server's chain, leaf first: " +
                              count_phrase(inspection.chain.size(), "certificate") + ".";
  }
  if (name == "CertificateStatus") {
    return "a stapled OCSP response: the CA's signed word that the leaf is not revoked, fetched "
           "by the server so the client need not ask the CA.";
  }
  if (name == "ServerKeyExchange") {
    return "the server's key share (" + inspection.group + "), signed with the leaf's key.";
  }
  if (name == "ServerHelloDone") return "the server has said all it will say in this flight.";
  if (name == "ClientKeyExchange") {
    return "reqscope's key share: both sides now derive the same secret keys.";
  }
  if (name == "CertificateVerify") {
    return "the server signs the handshake so far with the leaf's private key: proof that it "
           "holds the key, not just a copy of the certificate.";
  }
  if (name == "ChangeCipherSpec") {
    return inspection.protocol == "TLSv1.3"
               ? "a no-op in TLS 1.3, kept so old middleboxes let the connection through."
               : "from here this side encrypts with the new keys.";
  }
  if (name == "Finished") {
    if (message.sent && inspection.protocol != "TLSv1.3") {
      return "reqscope's own MAC over the handshake; the server's Finished will confirm it.";
    }
    return message.sent ? "reqscope's own MAC over the handshake: both sides agree, and "
                          "requests could now flow."
                        : "a MAC over every message so far: had anyone altered one, the two "
                          "sides would disagree here and stop.";
  }
  if (name == "NewSessionTicket") {
    return "a ticket the client may present next time to skip the certificate exchange "
           "(session resumption).";
  }
  if (name.rfind("Alert", 0) == 0) return "the sender stops and says why.";
  return "";
}

// "TLSv1.2" as prose writes it: "TLS 1.2".
std::string protocol_label(const std::string& protocol) {
  return protocol.rfind("TLSv", 0) == 0 ? "TLS " + protocol.substr(4) : protocol;
}

const std::map<std::string, std::string>& finding_meanings() {
  static const std::map<std::string, std::string> meanings = {
      {"hostname_mismatch",
       "Browsers show a full-page warning (NET::ERR_CERT_COMMON_NAME_INVALID) and API clients "
       "refuse to connect: nothing gets through unless users bypass the check, which teaches "
       "them to ignore real attacks."},
      {"expired",
       "Every client rejects the certificate; browsers show NET::ERR_CERT_DATE_INVALID. Automate "
       "renewal (ACME, e.g. certbot) so this cannot recur."},
      {"not_yet_valid",
       "Clients reject it until its start date. This usually means the issuing machine's clock "
       "is wrong, or the certificate was deployed before its time."},
      {"self_signed",
       "Only the server vouches for its key, so a client cannot tell it from an attacker's. "
       "Fine for a lab whose clients are given the certificate; never for public users."},
      {"untrusted_root",
       "The chain ends at a CA this client does not trust, as with a private or corporate CA: "
       "clients with that CA installed connect, all others fail."},
      {"incomplete_chain",
       "Some clients still connect (browsers that cached the intermediate or fetch it), others "
       "fail (curl, Python, Go, Java, mobile apps): the classic \"works in my browser\" bug."},
      {"expiring_soon",
       "Nothing fails yet, but every client will reject the certificate on the date shown. "
       "Renew now and check the server really loaded the new one."},
      {"weak_key",
       "Short keys can be broken with enough computing; browsers and OpenSSL at its default "
       "security level refuse them."},
      {"weak_signature",
       "SHA-1 and MD5 collisions have been demonstrated, so such signatures can be forged; "
       "clients have refused them since 2017."},
      {"tls10_enabled",
       "TLS 1.0 has weak constructions (CBC padding oracles, SHA-1 in the handshake). No modern "
       "client needs it; leaving it on only helps downgrade attacks and fails compliance scans."},
      {"tls11_enabled",
       "TLS 1.1 shares TLS 1.0's weaknesses and was deprecated with it (RFC 8996)."},
      {"no_tls13",
       "TLS 1.3 saves a round trip on every new connection and drops the old, weak options; "
       "clients fall back to TLS 1.2, slower but still safe."},
      {"verify_failed", "Clients that verify certificates refuse this connection."},
      {"client_certificate_requested",
       "Only clients holding a certificate the server trusts get through: right for mutual TLS "
       "between services, a surprise on a public API."},
      {"probe_failed",
       "A probe that got no answer says nothing about that version: the table has a gap, not a "
       "verdict."},
      {"legacy_only",
       "Current browsers, curl, and language runtimes refuse the connection outright; only "
       "old or deliberately weakened clients can talk to this server."},
  };
  return meanings;
}

}  // namespace

std::string explain_tls(const tls::Inspection& inspection,
                        const std::vector<tls::Finding>& findings) {
  const auto paragraph = [](const std::string& text) {
    return util::wrap(text, kColumns, "  ", "  ");
  };
  std::string out = "What happened\n";
  out += paragraph(fmt::format(
      "TCP connect took {}: one network round trip. The TLS handshake then took {}: {} plus "
      "the server's work (signing with its key). Each message, as it happened:",
      format_ms(util::to_ms(inspection.connect)), format_ms(util::to_ms(inspection.handshake)),
      inspection.protocol == "TLSv1.3"
          ? std::string("one more round trip in TLS 1.3")
          : "two more round trips in " + protocol_label(inspection.protocol)));
  for (const auto& message : inspection.messages) {
    const auto meaning = message_meaning(message, inspection);
    out += util::wrap(fmt::format("{} {}{}{}", message.sent ? "sent" : "received", message.name,
                                  meaning.empty() ? "" : ": ", meaning),
                      kColumns, fmt::format("  {:>10}  ", "+" + format_ms(util::to_ms(message.at))),
                      std::string(14, ' '));
  }
  out += "\n";
  out += paragraph(
      "Verification is the client's own work on the chain: each signature up to a root it "
      "already trusts, each certificate's dates, and that the leaf names the host it asked for. "
      "reqscope checks all of it separately from the handshake, so every problem shows, not "
      "only the first.");
  std::set<std::string> told;
  for (const auto& finding : findings) {
    const auto meaning = finding_meanings().find(finding.id);
    if (meaning == finding_meanings().end() || !told.insert(finding.id).second) continue;
    if (told.size() == 1) out += "\nWhat the findings mean for this server's users\n";
    out += util::wrap(meaning->second, kColumns, fmt::format("  {}: ", finding.id), "    ");
  }
  return out;
}

}  // namespace reqscope::render
