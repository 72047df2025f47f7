#include "reqscope/render/jwt_json.hpp"

#include <cmath>
#include <cstdint>

namespace reqscope::render {

namespace {

Json times_json(const std::vector<jwt::TimeClaim>& times) {
  Json out = Json::array();
  for (const auto& time : times) {
    out.push_back({{"claim", time.name},
                   // Whole seconds as integers, as they are written in the claims.
                   {"value", time.value == std::floor(time.value) && time.value < 9.0e18
                                 ? Json(static_cast<std::int64_t>(time.value))
                                 : Json(time.value)},
                   {"utc", time.utc},
                   {"relative", time.relative}});
  }
  return out;
}

Json warnings_json(const std::vector<jwt::Warning>& warnings) {
  Json out = Json::array();
  for (const auto& warning : warnings)
    out.push_back({{"id", warning.id}, {"message", warning.message}});
  return out;
}

Json signature_json(const jwt::Token& token, bool show_secrets) {
  return {{"alg", token.alg},
          {"bytes", token.signature.size()},
          {"value", show_secrets ? Json(token.signature_segment) : Json("redacted")}};
}

Json document(const char* command) {
  return {{"schema", kJwtSchema}, {"command", command}};
}

}  // namespace

Json jwt_decode_document(const jwt::Decoded& decoded, bool show_secrets) {
  Json out = document("decode");
  out["valid"] = nullptr;
  out["reason"] = nullptr;
  out["signature_checked"] = false;
  out["header"] = decoded.token.header;
  out["claims"] = decoded.token.claims;
  out["times"] = times_json(decoded.times);
  out["signature"] = signature_json(decoded.token, show_secrets);
  out["checks"] = Json::array();
  out["warnings"] = warnings_json(decoded.warnings);
  out["key"] = nullptr;
  return out;
}

Json jwt_verify_document(const jwt::Verification& verification, bool show_secrets) {
  Json out = document("verify");
  out["valid"] = verification.valid;
  out["reason"] = verification.valid ? Json(nullptr) : Json(verification.reason);
  out["detail"] = verification.valid ? Json(nullptr) : Json(verification.reason_detail);
  Json checks = Json::array();
  for (const auto& check : verification.checks) {
    checks.push_back({{"name", check.name},
                      {"ok", check.ok},
                      {"detail", check.detail},
                      {"reason", check.ok ? Json(nullptr) : Json(check.reason)}});
  }
  out["signature_checked"] = verification.signature_checked;
  const auto* token = verification.token ? &*verification.token : nullptr;
  out["header"] = token != nullptr ? token->header : Json(nullptr);
  out["claims"] = token != nullptr ? token->claims : Json(nullptr);
  out["times"] = times_json(verification.times);
  out["signature"] = token != nullptr ? signature_json(*token, show_secrets) : Json(nullptr);
  out["checks"] = std::move(checks);
  out["warnings"] = warnings_json(verification.warnings);
  if (verification.key) {
    const auto& key = *verification.key;
    out["key"] = {{"kid", key.kid.empty() ? Json(nullptr) : Json(key.kid)},
                  {"type", key.type},
                  {"alg", key.alg},
                  {"description", key.description},
                  {"source", key.source}};
  } else {
    out["key"] = nullptr;
  }
  return out;
}

Json jwt_sign_document(const std::string& token) {
  Json out = document("sign");
  out["token"] = token;
  return out;
}

}  // namespace reqscope::render
