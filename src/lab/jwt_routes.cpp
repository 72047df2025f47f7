#include "jwt_routes.hpp"

#include <charconv>
#include <chrono>
#include <mutex>

#include "reqscope/jwt/signature.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

// The issuer and audience of every lab token.
constexpr const char* kIssuer = "reqscope-lab";
constexpr long kMaxTtlSeconds = 86400;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void json_reply(httplib::Response& res, int status, const jwt::Json& body) {
  res.status = status;
  // Details quote the token's bytes, which need not be UTF-8.
  res.set_content(body.dump(2, ' ', false, jwt::Json::error_handler_t::replace) + "\n",
                  "application/json");
}

// A Bearer challenge's error_description is a quoted-string limited to
// printable ASCII without '"' and '\' (RFC 6750 §3).
std::string challenge_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) continue;
    out += c == '"' || c == '\\' ? '\'' : c;
  }
  return out;
}

}  // namespace

struct JwtRoutes::Keys {
  jwt::KeySet set;  // private keys: signing uses them, verification their public halves
  std::string error;
};

JwtRoutes::JwtRoutes() = default;
JwtRoutes::~JwtRoutes() = default;

const JwtRoutes::Keys* JwtRoutes::keys() {
  std::call_once(keys_made_, [this] {
    keys_ = std::make_unique<Keys>();
    keys_->set.is_set = true;
    for (const auto& [kind, kid] : {std::pair{"RSA", "lab-rsa"}, std::pair{"P-256", "lab-ec"}}) {
      auto key = jwt::generate_key(kind);
      if (!key) {
        keys_->error = key.error().message;
        return;
      }
      key->kid = kid;
      key->use = "sig";
      key->source = "the lab";
      keys_->set.keys.push_back(std::move(*key));
    }
  });
  return keys_.get();
}

void JwtRoutes::add_to(httplib::Server& server) {
  server.Get("/jwt/jwks.json", [this](const httplib::Request&, httplib::Response& res) {
    const auto* lab_keys = keys();
    if (!lab_keys->error.empty()) return json_reply(res, 500, {{"error", lab_keys->error}});
    jwt::Json keys = jwt::Json::array();
    for (const auto& key : lab_keys->set.keys) {
      auto jwk = jwt::public_jwk(key);
      if (!jwk) return json_reply(res, 500, {{"error", jwk.error().message}});
      keys.push_back(std::move(*jwk));
    }
    res.set_header("Cache-Control", "public, max-age=300");
    json_reply(res, 200, {{"keys", keys}});
  });

  server.Get("/jwt/token", [this](const httplib::Request& req, httplib::Response& res) {
    const auto* lab_keys = keys();
    if (!lab_keys->error.empty()) return json_reply(res, 500, {{"error", lab_keys->error}});
    const auto alg_name = req.has_param("alg") ? req.get_param_value("alg") : "RS256";
    const auto algorithm = jwt::parse_algorithm(alg_name);
    const jwt::Key* key = nullptr;
    for (const auto& candidate : lab_keys->set.keys) {
      if (algorithm && !jwt::key_mismatch(*algorithm, candidate)) key = &candidate;
    }
    if (key == nullptr) {
      return json_reply(res, 400,
                        {{"error", "invalid_request"},
                         {"error_description", "alg " + util::quote(alg_name) +
                                                   " is not one the lab signs: RS256, "
                                                   "RS384, RS512, PS256, PS384, PS512, "
                                                   "ES256"}});
    }
    long ttl = 300;
    if (req.has_param("ttl")) {
      const auto text = req.get_param_value("ttl");
      const auto* end = text.data() + text.size();
      const auto [ptr, ec] = std::from_chars(text.data(), end, ttl);
      if (text.empty() || ec != std::errc{} || ptr != end || ttl < -kMaxTtlSeconds ||
          ttl > kMaxTtlSeconds) {
        return json_reply(
            res, 400,
            {{"error", "invalid_request"},
             {"error_description",
              "ttl " + util::quote(text) + " is not a number of seconds from -86400 to 86400"}});
      }
    }
    const auto sub = req.has_param("sub") ? req.get_param_value("sub") : "lab-user";
    const auto now = static_cast<std::int64_t>(unix_now());
    const jwt::Json claims = {{"iss", kIssuer}, {"sub", sub},       {"aud", kIssuer},
                              {"iat", now},     {"exp", now + ttl}, {"scope", "read"}};
    auto token = jwt::sign_token(*algorithm, *key, key->kid, claims);
    if (!token) {
      return json_reply(
          res, 400, {{"error", "invalid_request"}, {"error_description", token.error().message}});
    }
    res.set_header("Cache-Control", "no-store");
    json_reply(res, 200, {{"access_token", *token}, {"token_type", "Bearer"}, {"expires_in", ttl}});
  });

  server.Get("/jwt/protected", [this](const httplib::Request& req, httplib::Response& res) {
    const auto* lab_keys = keys();
    if (!lab_keys->error.empty()) return json_reply(res, 500, {{"error", lab_keys->error}});
    const std::string realm = std::string("Bearer realm=\"") + kIssuer + "\"";
    const auto authorization = req.get_header_value("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() ||
        !util::iequals(std::string_view(authorization).substr(0, kScheme.size()), kScheme)) {
      // RFC 6750 §3.1: a request without credentials gets no error code.
      res.set_header("WWW-Authenticate", realm);
      return json_reply(res, 401,
                        {{"error", "missing Bearer token"},
                         {"hint",
                          "GET /jwt/token, then send Authorization: Bearer "
                          "TOKEN"}});
    }
    jwt::VerifyOptions options;
    for (const auto algorithm : jwt::all_algorithms()) {
      if (jwt::key_family(algorithm) != jwt::KeyFamily::hmac)
        options.algorithms.push_back(algorithm);
    }
    options.issuer = kIssuer;
    options.audiences = {kIssuer};
    options.now = unix_now();
    const auto verification = jwt::verify_token(
        util::trim(std::string_view(authorization).substr(kScheme.size())), lab_keys->set, options);
    if (!verification.valid) {
      res.set_header("WWW-Authenticate",
                     realm + ", error=\"invalid_token\", error_description=\"" +
                         challenge_text(verification.reason + ": " + verification.reason_detail) +
                         "\"");
      return json_reply(res, 401,
                        {{"error", "invalid_token"},
                         {"reason", verification.reason},
                         {"detail", verification.reason_detail}});
    }
    const auto& claims = verification.token->claims;
    json_reply(
        res, 200,
        {{"message", "access granted"}, {"sub", claims.value("sub", "")}, {"claims", claims}});
  });
}

}  // namespace reqscope::lab
