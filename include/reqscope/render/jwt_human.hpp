#pragma once

#include <string>

#include "reqscope/jwt/claims.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/render/trace_human.hpp"

namespace reqscope::render {

// `jwt decode`: what the token says, with "signature not checked" in the
// verdict line; the signature redacted unless show_secrets.
std::string render_jwt_decode(const jwt::Decoded& decoded, const HumanOptions& options);

// `jwt verify`: VALID or INVALID with the reason first, then every check,
// the key used, the header and claims, and the warnings.
std::string render_jwt_verify(const jwt::Verification& verification, const HumanOptions& options);

// --explain: what header, payload and signature are, why anyone can read the
// payload, why exp and short lifetimes matter, how revocation and refresh
// tokens fit, and what this token's own values mean.
std::string explain_jwt(const jwt::Token* token, const std::vector<jwt::TimeClaim>& times,
                        const std::string& reason);

}  // namespace reqscope::render
