#include "reqscope/jwt/token.hpp"

#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::jwt {

namespace {

Result<std::string> decode_segment(std::string_view segment, std::string_view name) {
  auto bytes = util::base64url_decode(segment);
  if (!bytes) {
    // A bad last character or an impossible length is what cutting a token short leaves.
    const bool cut_short =
        name == "signature" && util::base64url_problem(segment).find("offset") == std::string::npos;
    return fail("malformed",
                "the " + std::string(name) + " segment is not base64url: it " +
                    util::base64url_problem(segment),
                cut_short ? "the token may have been cut short; copy it whole" : "");
  }
  return *bytes;
}

// What the user most likely pasted, when a token holds characters no JWS can.
std::string paste_hint(std::string_view text) {
  if (util::iequals(text.substr(0, 7), "bearer ")) {
    return "give the token without the \"Bearer \" prefix";
  }
  if (text.starts_with("Authorization:") || text.starts_with("authorization:")) {
    return "give only the token, not the whole Authorization header";
  }
  if (text.front() == '{') return "this is JSON: take the token out of it (jq -r .access_token)";
  if (text.front() == '"' || text.front() == '\'') return "drop the quotes around the token";
  if (text.find_first_of(" \t") != std::string_view::npos) {
    return "give one token; spaces separate two tokens or words";
  }
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    return "join the lines: the token was wrapped when it was copied";
  }
  return {};
}

}  // namespace

Result<Token> decode_token(std::string_view text) {
  if (text.size() > kMaxTokenBytes) {
    return fail("malformed", "the token is " + std::to_string(text.size()) +
                                 " bytes, more than the " + std::to_string(kMaxTokenBytes) +
                                 " reqscope accepts");
  }
  if (text.empty()) return fail("malformed", "the token is empty");
  if (auto hint = paste_hint(text); !hint.empty()) {
    const auto at = text.find_first_of(" \t\r\n\"'{:");
    const bool space = std::string_view(" \t\r\n").find(text[at]) != std::string_view::npos;
    return fail("malformed",
                "the token contains " + (space ? "whitespace" : util::quote(text.substr(at, 1))) +
                    " at offset " + std::to_string(at) + ", which no JWS does",
                hint);
  }
  const auto segments = util::split(text, '.');
  if (segments.size() == 5) {
    return fail("malformed",
                "the token has 5 segments: an encrypted JWE (RFC 7516), which only its recipient "
                "can decrypt, or two tokens run together",
                "give one signed token (header.payload.signature)");
  }
  if (segments.size() != 3) {
    return fail("malformed", "the token has " + std::to_string(segments.size()) + " segment" +
                                 (segments.size() == 1 ? "" : "s") +
                                 "; a JWS has 3 (header.payload.signature)");
  }
  Token token;
  token.header_segment = std::string(segments[0]);
  token.payload_segment = std::string(segments[1]);
  token.signature_segment = std::string(segments[2]);
  if (segments[0].empty()) return fail("malformed", "the header segment is empty");
  if (segments[1].empty()) return fail("malformed", "the payload segment is empty");

  auto header_bytes = decode_segment(segments[0], "header");
  if (!header_bytes) return tl::unexpected(header_bytes.error());
  auto header = parse_object(*header_bytes, "the header");
  if (!header) return tl::unexpected(header.error());
  token.header = std::move(*header);

  auto payload_bytes = decode_segment(segments[1], "payload");
  if (!payload_bytes) return tl::unexpected(payload_bytes.error());
  auto claims = parse_object(*payload_bytes, "the payload");
  if (!claims) return tl::unexpected(claims.error());
  token.claims = std::move(*claims);

  auto signature = decode_segment(segments[2], "signature");
  if (!signature) return tl::unexpected(signature.error());
  token.signature = std::move(*signature);

  const auto alg = token.header.find("alg");
  if (alg == token.header.end()) {
    return fail("malformed", "the header has no \"alg\" member (RFC 7515 §4.1.1 requires it)");
  }
  if (!alg->is_string()) {
    return fail("malformed", "the header's \"alg\" is a JSON " + std::string(alg->type_name()) +
                                 ", not a string");
  }
  token.alg = alg->get<std::string>();
  return token;
}

}  // namespace reqscope::jwt
