#include "reqscope/render/jwt_human.hpp"

#include <fmt/format.h>

#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

constexpr std::size_t kLabelWidth = 12;

constexpr std::size_t kValueColumn = kLabelWidth + 3;

// "  label        value", the value wrapped under itself; a label too long for
// its column gets a line of its own.
std::string row(const std::string& label, const std::string& value) {
  const std::string indent(kValueColumn, ' ');
  const auto text = util::split_long_words(value, kColumns - kValueColumn);
  if (util::display_width(label) > kLabelWidth) {
    return "  " + label + "\n" + util::wrap(text, kColumns, indent, indent);
  }
  return util::wrap(text, kColumns, fmt::format("  {:<{}} ", label, kLabelWidth), indent);
}

// A JSON value from the token, made safe for a terminal.
std::string value_text(const jwt::Json& value) {
  return util::printable(value.dump(-1, ' ', false, jwt::Json::error_handler_t::replace));
}

const jwt::TimeClaim* time_of(const std::vector<jwt::TimeClaim>& times, const std::string& name) {
  for (const auto& time : times) {
    if (time.name == name) return &time;
  }
  return nullptr;
}

std::string members_section(const char* title, const jwt::Json& object,
                            const std::vector<jwt::TimeClaim>& times, const Style& style) {
  std::string out = style.bold(title) + "\n";
  if (object.empty()) return out + "  (empty)\n";
  for (const auto& [name, value] : object.items()) {
    std::string text = value_text(value);
    if (const auto* time = time_of(times, name)) {
      text += "  " + time->utc + " (" + time->relative + ")";
    }
    out += row(util::printable(name), text);
  }
  return out;
}

std::string signature_text(const jwt::Token& token, bool show_secrets) {
  if (token.signature.empty()) return "none (an unsigned token)";
  const auto size = fmt::format("{} bytes", token.signature.size());
  if (show_secrets) return size + ": " + token.signature_segment;
  return size + ", redacted (--show-secrets shows it)";
}

std::string warnings_section(const std::vector<jwt::Warning>& warnings, const Style& style) {
  if (warnings.empty()) return {};
  std::string out = style.bold("Warnings") + "\n";
  for (const auto& warning : warnings) {
    out += util::wrap(warning.message, kColumns, "  " + style.yellow("!") + " " + warning.id + ": ",
                      "    ");
  }
  return out;
}

std::string lifetime_phrase(const std::vector<jwt::TimeClaim>& times) {
  if (const auto* exp = time_of(times, "exp")) return exp->relative;
  return "never expires (no exp)";
}

std::string subject_phrase(const jwt::Json& claims) {
  std::string out;
  if (const auto sub = claims.find("sub"); sub != claims.end()) out += " for " + value_text(*sub);
  if (const auto iss = claims.find("iss"); iss != claims.end()) out += " from " + value_text(*iss);
  return out;
}

std::string plural(std::size_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace

std::string render_jwt_decode(const jwt::Decoded& decoded, const HumanOptions& options) {
  const auto& style = options.style;
  const auto& token = decoded.token;
  std::string line = util::printable(token.alg) + " token" + subject_phrase(token.claims) + ", " +
                     lifetime_phrase(decoded.times) + "; signature not checked";
  if (!decoded.warnings.empty()) line += ", " + plural(decoded.warnings.size(), "warning");
  std::string out = util::wrap(line, kColumns, style.bold(style.cyan("DECODED")) + "  ", "    ");
  out += "\n" + members_section("Header", token.header, {}, style);
  out += "\n" + members_section("Claims", token.claims, decoded.times, style);
  out += "\n" + style.bold("Signature") + "\n";
  out += row("value", signature_text(token, options.show_secrets));
  out += row("checked", "no: decoding proves nothing; reqscope jwt verify checks it");
  const auto warnings = warnings_section(decoded.warnings, style);
  if (!warnings.empty()) out += "\n" + warnings;
  if (options.explain) out += "\n" + explain_jwt(&token, decoded.times, {});
  return out;
}

std::string render_jwt_verify(const jwt::Verification& verification, const HumanOptions& options) {
  const auto& style = options.style;
  const auto* token = verification.token ? &*verification.token : nullptr;
  std::string out;
  if (verification.valid) {
    std::size_t passed = 0;
    for (const auto& check : verification.checks)
      passed += check.ok ? 1 : 0;
    const std::string line =
        util::printable(token->alg) + " token" + subject_phrase(token->claims) + ", " +
        lifetime_phrase(verification.times) + "; " + plural(passed, "check") + " passed" +
        (verification.warnings.empty() ? ""
                                       : ", " + plural(verification.warnings.size(), "warning"));
    out = util::wrap(line, kColumns, style.bold(style.green("VALID")) + "    ", "    ");
  } else {
    out = util::wrap(verification.reason + ": " + verification.reason_detail, kColumns,
                     style.bold(style.red("INVALID")) + "  ", "    ");
  }
  out += "\n" + style.bold("Checks") + "\n";
  for (const auto& check : verification.checks) {
    const std::string mark = check.ok ? style.green(style.unicode ? "\u2713" : "ok")
                                      : style.red(style.unicode ? "\u2717" : "FAIL");
    const std::string label =
        fmt::format("  {:<{}} {:<10} ", mark, style.unicode ? 1 : 4, check.name);
    const std::string reason = check.ok ? "" : " [" + check.reason + "]";
    out += util::wrap(check.detail + reason, kColumns, label,
                      std::string(style.unicode ? 15 : 18, ' '));
  }
  if (!verification.signature_checked && token != nullptr) {
    out += "  " + style.yellow("signature not checked") + ": an earlier check failed\n";
  }
  if (verification.key) {
    const auto& key = *verification.key;
    std::string text = key.description + " from " + key.source;
    if (!key.kid.empty()) text += ", kid " + util::quote(key.kid);
    out += "\n" + style.bold("Key") + "\n" + row("used", text);
  }
  if (token != nullptr) {
    out += "\n" + members_section("Header", token->header, {}, style);
    out += "\n" + members_section("Claims", token->claims, verification.times, style);
    out += "\n" + style.bold("Signature") + "\n";
    out += row("value", signature_text(*token, options.show_secrets));
  }
  const auto warnings = warnings_section(verification.warnings, style);
  if (!warnings.empty()) out += "\n" + warnings;
  if (options.explain) {
    out += "\n" + explain_jwt(token, verification.times,
                              verification.valid ? std::string() : verification.reason);
  }
  return out;
}

namespace {

std::string reason_meaning(const std::string& reason) {
  if (reason == "malformed") {
    return "The token is not a well-formed JWT, so nothing in it can be trusted or even read "
           "reliably. Copy it again in full, without quotes, spaces or a \"Bearer \" prefix.";
  }
  if (reason == "alg_none") {
    return "alg none means \"unsigned\". A server that accepts it lets anyone write their own "
           "token; libraries must be told which algorithms to accept, never the token.";
  }
  if (reason == "alg_not_allowed") {
    return "The verifier, not the token, decides which algorithms are acceptable. A token "
           "naming another algorithm is refused before any key is used.";
  }
  if (reason == "key_type_mismatch") {
    return "The algorithm does not fit the key. If a server let the token choose, an attacker "
           "could sign an HS256 token with the server's public RSA key as the HMAC secret (the "
           "key-confusion attack), so the key decides the algorithm family.";
  }
  if (reason == "unknown_kid") {
    return "kid names which of the issuer's keys signed the token. An unknown kid usually means "
           "the issuer rotated its keys and the JWKS you gave is old, or the token is from "
           "another issuer.";
  }
  if (reason == "signature") {
    return "The signature does not match the header and payload: the token was changed after "
           "signing, or signed with another key. Nothing in it can be trusted.";
  }
  if (reason == "crit_unsupported") {
    return "crit lists extensions the verifier must understand to process the token safely; "
           "one it does not know makes the token invalid (RFC 7515 section 4.1.11).";
  }
  if (reason == "expired" || reason == "not_yet_valid" || reason == "iat_in_future") {
    return std::string(
               "Times are checked against this machine's clock (or --now). A few "
               "seconds of skew between servers is normal: --leeway allows for it.") +
           (reason == "expired" ? " Expired tokens are refreshed, not reused." : "");
  }
  return "The token is signed correctly but its claims do not match what this verifier "
         "expects: it was issued by someone else, for another service or another subject.";
}

}  // namespace

std::string explain_jwt(const jwt::Token* token, const std::vector<jwt::TimeClaim>& times,
                        const std::string& reason) {
  // Each paragraph ends with a blank line, which also separates the sections.
  const auto paragraph = [](const std::string& text) {
    return util::wrap(text, kColumns, "  ", "  ") + "\n";
  };
  std::string out = "What a JWT is\n";
  out += paragraph(
      "A JWT is three base64url segments joined by dots: a header (which algorithm and key "
      "signed it), a payload of claims (who it is about, who issued it, for whom, until when) and "
      "a signature over the first two. Base64url is an encoding, not encryption: anyone who "
      "holds the token can read every claim, so tokens must never carry secrets.");
  if (token != nullptr) {
    out +=
        paragraph(fmt::format("This one's header names {} as its algorithm, and it carries {}.",
                              util::printable(token->alg), plural(token->claims.size(), "claim")));
  }
  out += "Why exp and short lifetimes matter\n";
  out += paragraph(
      "A server that verifies a JWT does not ask the issuer anything: the signature alone makes "
      "the token valid until exp. So a stolen token works until it expires, and the only "
      "defence is a short lifetime: minutes for access tokens.");
  const auto* exp = time_of(times, "exp");
  const auto* iat = time_of(times, "iat");
  if (exp != nullptr && iat != nullptr) {
    out += paragraph("This token lives " + util::approximate_span(exp->value - iat->value) +
                     " (exp - iat) and " + exp->relative + ".");
  } else if (exp == nullptr && token != nullptr) {
    out += paragraph("This token has no exp: it stays valid until the signing key changes.");
  }
  out += "Revocation and refresh tokens\n";
  out += paragraph(
      "Because verification is offline, a JWT cannot simply be revoked. Systems pair a "
      "short-lived access token with a long-lived refresh token that only the issuer accepts "
      "and can revoke; the client trades the refresh token for a new access token when the "
      "old one expires. To cut access sooner, servers keep a deny-list of token ids (jti) or "
      "rotate keys.");
  if (!reason.empty()) {
    out += "What \"" + reason + "\" means\n";
    out += paragraph(reason_meaning(reason));
  }
  return out;
}

}  // namespace reqscope::render
