#pragma once

#include <string>

#include "reqscope/jwt/claims.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::render {

inline constexpr const char* kJwtSchema = "reqscope.jwt/1";

// `jwt decode --json`: "valid" and "reason" are null, "signature_checked" false.
Json jwt_decode_document(const jwt::Decoded& decoded, bool show_secrets);

// `jwt verify --json`: {"schema","command","valid","reason","detail",
// "signature_checked","header","claims","times","signature","checks",
// "warnings","key"}; header and claims are null for a malformed token.
Json jwt_verify_document(const jwt::Verification& verification, bool show_secrets);

// `jwt sign --json`: {"schema","command","token"}.
Json jwt_sign_document(const std::string& token);

}  // namespace reqscope::render
