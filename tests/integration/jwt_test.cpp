#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "support/lab.hpp"
#include "support/nginx.hpp"
#include "support/process.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::CommandResult;
using reqscope::test::run_command;
using reqscope::test::run_reqscope;
using reqscope::test::TempDir;
using Json = nlohmann::json;

namespace {

// The Debian interpreter, where python3-jwt is installed (not a user's pyenv).
constexpr const char* kPython = "/usr/bin/python3";

// PyJWT as the other implementation: `sign ALG KEYFILE CLAIMS_JSON` prints a
// token; `verify ALG KEYFILE TOKEN` prints the claims or fails.
constexpr const char* kPyJwt = R"(import json, sys
import jwt
mode, alg, key_file = sys.argv[1], sys.argv[2], sys.argv[3]
key = open(key_file, "rb").read()
if mode == "sign":
    print(jwt.encode(json.loads(sys.argv[4]), key, algorithm=alg, headers={"kid": "py"}))
else:
    print(json.dumps(jwt.decode(sys.argv[4], key, algorithms=[alg], audience="api")))
)";

// Private keys (PKCS#8 PEM) and their public halves (SPKI PEM), made by the
// openssl command, plus an HMAC secret; one set for the whole test run.
class Keys {
 public:
  Keys() {
    const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
        {"rsa", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}},
        {"p256", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}},
        {"p384", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}},
        {"p521", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"}},
        {"ed25519", {"-algorithm", "ED25519"}},
        {"ed448", {"-algorithm", "ED448"}},
    };
    for (const auto& [name, options] : kinds) {
      std::vector<std::string> generate = {"/usr/bin/openssl", "genpkey", "-out",
                                           file(name + ".key")};
      generate.insert(generate.end(), options.begin(), options.end());
      require_ok(run_command(generate));
      require_ok(run_command({"/usr/bin/openssl", "pkey", "-in", file(name + ".key"), "-pubout",
                              "-out", file(name + ".pub")}));
    }
    dir_.write("secret", "a-64-byte-secret-for-hmac-tests-0123456789abcdefghijklmnopqrstuv");
    dir_.write("pyjwt.py", kPyJwt);
  }

  std::string file(const std::string& name) const { return dir_.path() + "/" + name; }
  std::string write(const std::string& name, const std::string& text) const {
    return dir_.write(name, text);
  }

  // The private key (or secret) file and the public key file for `alg`.
  std::pair<std::string, std::string> for_algorithm(const std::string& alg) const {
    if (alg.starts_with("HS")) return {file("secret"), file("secret")};
    std::string name = "rsa";
    if (alg == "ES256") name = "p256";
    if (alg == "ES384") name = "p384";
    if (alg == "ES512") name = "p521";
    if (alg == "EdDSA") name = "ed25519";
    return {file(name + ".key"), file(name + ".pub")};
  }

 private:
  static void require_ok(const CommandResult& result) {
    if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + result.err);
  }
  TempDir dir_;
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

const std::vector<std::string> kAlgorithms = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                              "RS512", "PS256", "PS384", "PS512", "ES256",
                                              "ES384", "ES512", "EdDSA"};

std::vector<std::string> key_option(const std::string& alg, const std::string& file) {
  return {alg.starts_with("HS") ? "--secret-file" : "--key", file};
}

std::string sign(const std::string& alg, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"jwt", "sign", "--alg", alg};
  const auto key = key_option(alg, keys().for_algorithm(alg).first);
  args.insert(args.end(), key.begin(), key.end());
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = run_reqscope(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.out.ends_with("\n"));
  return result.out.substr(0, result.out.size() - 1);
}

std::pair<int, Json> verify(const std::string& token, const std::string& alg,
                            const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"jwt", "verify", token, "--json"};
  const auto key = key_option(alg, keys().for_algorithm(alg).second);
  args.insert(args.end(), key.begin(), key.end());
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = run_reqscope(args);
  INFO(result.out << result.err);
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  return {result.exit_code, Json::parse(result.out)};
}

// The token with its payload replaced by `claims` and the signature kept.
std::string with_payload(const std::string& token, const std::string& payload_segment) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return token.substr(0, first + 1) + payload_segment + token.substr(second);
}

CommandResult curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

}  // namespace

TEST_CASE("tokens PyJWT signs with every algorithm verify in reqscope", "[jwt][pyjwt]") {
  for (const auto& alg : kAlgorithms) {
    INFO(alg);
    const auto [private_key, public_key] = keys().for_algorithm(alg);
    const auto signed_by_python =
        run_command({kPython, keys().file("pyjwt.py"), "sign", alg, private_key,
                     R"({"sub": "alice", "aud": "api", "exp": 4102444800})"});
    INFO(signed_by_python.err);
    REQUIRE(signed_by_python.exit_code == 0);
    const auto token = signed_by_python.out.substr(0, signed_by_python.out.find('\n'));
    const auto [code, document] = verify(token, alg, {"--alg", alg, "--aud", "api"});
    CHECK(code == 0);
    CHECK(document["valid"] == true);
    CHECK(document["key"]["alg"] == alg);
    CHECK(document["header"]["kid"] == "py");
  }
}

TEST_CASE("tokens reqscope signs with every algorithm verify in PyJWT", "[jwt][pyjwt]") {
  for (const auto& alg : kAlgorithms) {
    INFO(alg);
    const auto token = sign(alg, {"--sub", "alice", "--aud", "api", "--exp", "10m"});
    const auto public_key = keys().for_algorithm(alg).second;
    const auto verified =
        run_command({kPython, keys().file("pyjwt.py"), "verify", alg, public_key, token});
    INFO(verified.err);
    REQUIRE(verified.exit_code == 0);
    const auto claims = Json::parse(verified.out);
    CHECK(claims["sub"] == "alice");
    CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() == 600);
  }
}

TEST_CASE("jwt verify --json carries every documented field and exits 0 or 1", "[jwt]") {
  const auto token = sign("ES256", {"--sub", "alice", "--iss", "issuer", "--exp", "5m"});
  const auto [code, document] = verify(token, "ES256", {"--iss", "issuer"});
  CHECK(code == 0);
  for (const char* key : {"schema", "valid", "reason", "header", "claims", "checks", "key"}) {
    INFO(key);
    CHECK(document.contains(key));
  }
  CHECK(document["schema"] == "reqscope.jwt/1");
  CHECK(document["reason"].is_null());
  CHECK(document["key"]["type"] == "EC");
  CHECK(document["key"]["alg"] == "ES256");
  CHECK(document["key"].contains("kid"));
  for (const auto& check : document["checks"]) {
    CHECK(check.contains("name"));
    CHECK(check["ok"] == true);
    CHECK(check["detail"].is_string());
  }
  CHECK(document["signature"]["value"] == "redacted");

  // A payload changed after signing: exit 1, reason "signature".
  const auto forged = with_payload(token, "eyJzdWIiOiJhZG1pbiJ9");
  const auto [forged_code, forged_document] = verify(forged, "ES256");
  CHECK(forged_code == 1);
  CHECK(forged_document["valid"] == false);
  CHECK(forged_document["reason"] == "signature");
}

TEST_CASE("jwt verify names each failure and exits 1", "[jwt]") {
  const auto token = sign("RS256", {"--sub", "alice", "--iss", "issuer", "--aud", "api", "--exp",
                                    "5m", "--now", "2030-01-01T00:00:00Z"});
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--now", "2031-01-01T00:00:00Z"}, "expired"},
      {{"--now", "2029-01-01T00:00:00Z", "--require", "iat"}, "iat_in_future"},
      {{"--now", "2030-01-01T00:01:00Z", "--iss", "someone-else"}, "bad_issuer"},
      {{"--now", "2030-01-01T00:01:00Z", "--aud", "other"}, "bad_audience"},
      {{"--now", "2030-01-01T00:01:00Z", "--sub", "bob"}, "bad_subject"},
      {{"--now", "2030-01-01T00:01:00Z", "--require", "email"}, "missing_claim"},
      {{"--now", "2030-01-01T00:01:00Z", "--alg", "ES256"}, "alg_not_allowed"},
  };
  for (const auto& [extra, reason] : cases) {
    INFO(reason);
    const auto [code, document] = verify(token, "RS256", extra);
    CHECK(code == 1);
    CHECK(document["reason"] == reason);
  }
  const auto [leeway_code, leeway_document] =
      verify(token, "RS256", {"--now", "2030-01-01T00:05:30Z", "--leeway", "60"});
  CHECK(leeway_code == 0);
  CHECK(leeway_document["valid"] == true);

  const auto [malformed_code, malformed] = verify("not.a.token", "RS256");
  CHECK(malformed_code == 1);
  CHECK(malformed["reason"] == "malformed");
  CHECK(malformed["header"].is_null());

  // An unsigned copy of the token: alg none in the header, no signature.
  const auto none = run_reqscope({"jwt", "verify", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.",
                                  "--key", keys().file("rsa.pub")});
  CHECK(none.exit_code == 1);
  CHECK(none.out.starts_with("INVALID  alg_none"));
}

TEST_CASE("an HS256 token keyed with the RSA public key is the key-confusion attack", "[jwt]") {
  // The attacker signs with the server's public key file as the HMAC secret.
  const auto forged = run_reqscope(
      {"jwt", "sign", "--alg", "HS256", "--secret-file", keys().file("rsa.pub"), "--sub", "admin"});
  REQUIRE(forged.exit_code == 0);
  const auto token = forged.out.substr(0, forged.out.size() - 1);
  const auto [code, document] = verify(token, "RS256");
  CHECK(code == 1);
  CHECK(document["reason"] == "key_type_mismatch");
}

TEST_CASE("jwt decode shows claims, redacts the signature and never claims validity", "[jwt]") {
  const auto token = sign("HS256", {"--sub", "alice", "--exp", "4m"});
  const auto signature = token.substr(token.rfind('.') + 1);
  const auto human = run_reqscope({"jwt", "decode", token});
  CHECK(human.exit_code == 0);
  CHECK(human.out.starts_with("DECODED"));
  CHECK(human.out.find("signature not checked") != std::string::npos);
  CHECK(human.out.find("expires in 4 min") != std::string::npos);
  CHECK(human.out.find(signature) == std::string::npos);
  CHECK(run_reqscope({"jwt", "decode", token, "--show-secrets"}).out.find(signature) !=
        std::string::npos);

  const auto json = run_reqscope({"jwt", "decode", "--json", "-"}, {});
  CHECK(json.exit_code == 2);  // nothing on stdin
  const auto piped = run_command({REQSCOPE_BINARY, "jwt", "decode", "--json", "-"},
                                 std::chrono::seconds(20), {}, token + "\n");
  REQUIRE(piped.exit_code == 0);
  const auto document = Json::parse(piped.out);
  CHECK(document["valid"].is_null());
  CHECK(document["signature_checked"] == false);
  CHECK(document["claims"]["sub"] == "alice");
  CHECK(document["times"][0]["claim"] == "exp");

  const auto garbage = run_reqscope({"jwt", "decode", "abc"});
  CHECK(garbage.exit_code == 2);
  CHECK(garbage.out.empty());
  CHECK(garbage.err.find("has 1 segment;") != std::string::npos);
}

TEST_CASE("a token from the lab verifies against the lab's JWKS URL", "[jwt][lab]") {
  reqscope::test::Lab lab;
  const auto reply = curl({lab.url() + "/jwt/token?alg=PS256&ttl=120&sub=carol"});
  REQUIRE(reply.exit_code == 0);
  const auto token = Json::parse(reply.out)["access_token"].get<std::string>();
  const auto result =
      run_reqscope({"jwt", "verify", token, "--jwks", lab.url() + "/jwt/jwks.json", "--iss",
                    "reqscope-lab", "--aud", "reqscope-lab", "--sub", "carol", "--json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  const auto document = Json::parse(result.out);
  CHECK(document["valid"] == true);
  CHECK(document["key"]["kid"] == "lab-rsa");

  const auto granted =
      curl({"-i", "-H", "Authorization: Bearer " + token, lab.url() + "/jwt/protected"});
  CHECK(granted.out.starts_with("HTTP/1.1 200"));
  const auto anonymous = curl({"-i", lab.url() + "/jwt/protected"});
  CHECK(anonymous.out.starts_with("HTTP/1.1 401"));
  CHECK(anonymous.out.find("WWW-Authenticate: Bearer realm=\"reqscope-lab\"\r\n") !=
        std::string::npos);
  const auto expired_reply = curl({lab.url() + "/jwt/token?ttl=-60"});
  const auto expired = Json::parse(expired_reply.out)["access_token"].get<std::string>();
  const auto refused =
      curl({"-i", "-H", "Authorization: Bearer " + expired, lab.url() + "/jwt/protected"});
  CHECK(refused.out.starts_with("HTTP/1.1 401"));
  CHECK(refused.out.find("error=\"invalid_token\", error_description=\"expired: ") !=
        std::string::npos);
  // Bytes that are not UTF-8 in a bad token are answered 401 too, never 500.
  const auto garbled =
      curl({"-i", "-H", "Authorization: Bearer x" + expired, lab.url() + "/jwt/protected"});
  CHECK(garbled.out.starts_with("HTTP/1.1 401"));
}

TEST_CASE("a JWKS URL that fails exits 3 with the kind of failure", "[jwt][nginx]") {
  // nginx serves a copy of the lab's JWKS, beside a missing and an oversized one.
  reqscope::test::Lab lab;
  const auto reply = curl({lab.url() + "/jwt/token?alg=ES256"});
  REQUIRE(reply.exit_code == 0);
  const auto token = Json::parse(reply.out)["access_token"].get<std::string>();
  const auto jwks = curl({lab.url() + "/jwt/jwks.json"});
  REQUIRE(jwks.exit_code == 0);
  TempDir dir;
  dir.write("jwks.json", jwks.out);
  dir.write("big.json", std::string(2 * 1024 * 1024, ' '));
  const int port = reqscope::test::free_port();
  const auto config = reqscope::test::nginx_config_head(dir.path()) +
                      fmt::format("  server {{\n    listen 127.0.0.1:{};\n    root {};\n  }}\n}}\n",
                                  port, dir.path());
  const auto nginx = reqscope::test::start_nginx(dir, config, {port});
  const auto base = fmt::format("http://127.0.0.1:{}", port);

  const auto ok = run_reqscope({"jwt", "verify", token, "--jwks", base + "/jwks.json"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  const std::vector<std::pair<std::string, std::string>> failures = {
      {base + "/missing.json", "http_status"},
      {base + "/big.json", "http_protocol"},
      {fmt::format("http://127.0.0.1:{}/jwks.json", reqscope::test::free_port()),
       "connect_refused"},
  };
  for (const auto& [url, kind] : failures) {
    INFO(url);
    const auto result = run_reqscope({"jwt", "verify", token, "--jwks", url, "--json"});
    CHECK(result.exit_code == 3);
    CHECK(Json::parse(result.out)["error"]["kind"] == kind);
  }
}

TEST_CASE("bad jwt options, keys and files exit 2 naming the value", "[jwt][usage]") {
  const auto token = sign("HS256");
  const auto secret = keys().file("secret");
  const auto garbage = keys().write("garbage.pem",
                                    "-----BEGIN PUBLIC KEY-----\nnot base64\n"
                                    "-----END PUBLIC KEY-----\n");
  const auto not_a_key = keys().write("csr.pem",
                                      "-----BEGIN CERTIFICATE REQUEST-----\nAA==\n"
                                      "-----END CERTIFICATE REQUEST-----\n");
  const auto bad_jwk = keys().write("bad.jwk", R"({"kty": "EC", "crv": "P-999", "x": "AA"})");
  const auto oidc = keys().write(
      "openid-configuration",
      R"({"issuer": "https://issuer.example", "jwks_uri": "https://issuer.example/keys"})");
  reqscope::test::check_usage_errors({
      {{"jwt", "verify", token, "--secret-file", secret, "--alg", "none"}, "none"},
      {{"jwt", "verify", token, "--secret-file", secret, "--alg", "HS999"}, "HS999"},
      {{"jwt", "verify", token, "--secret-file", secret, "--now", "yesterday"}, "yesterday"},
      {{"jwt", "verify", token, "--secret-file", secret, "--leeway", "-5"}, "-5"},
      {{"jwt", "verify", token}, "needs a key"},
      {{"jwt", "verify", token, "--secret-file", secret, "--key", garbage}, "one key source"},
      {{"jwt", "verify", token, "--secret-env", "REQSCOPE_NO_SUCH_VARIABLE"},
       "REQSCOPE_NO_SUCH_VARIABLE"},
      {{"jwt", "verify", token, "--key", "/no/such/key.pem"}, "/no/such/key.pem"},
      {{"jwt", "verify", token, "--key", garbage}, "does not decode"},
      {{"jwt", "verify", token, "--key", not_a_key}, "CERTIFICATE REQUEST"},
      {{"jwt", "verify", token, "--key", bad_jwk}, "P-999"},
      {{"jwt", "verify", token, "--jwks", keys().file("rsa.pub")}, "not a JWKS"},
      {{"jwt", "sign", "--secret-file", secret}, "--alg"},
      {{"jwt", "sign", "--alg", "HS256", "--secret-file", secret, "--claim", "novalue"}, "novalue"},
      {{"jwt", "sign", "--alg", "HS256", "--secret-file", secret, "--claim", "sub=a", "--sub", "b"},
       "sub"},
      {{"jwt", "sign", "--alg", "HS256", "--secret-file", secret, "--exp", "forever"}, "forever"},
      {{"jwt", "sign", "--alg", "RS256", "--key", keys().file("rsa.pub")}, "private key"},
      {{"jwt", "sign", "--alg", "ES256", "--key", keys().file("rsa.key")}, "RSA"},
      {{"jwt", "decode", "a.b"}, "2 segments"},
      {{"jwt", "decode", "Bearer " + token}, "Bearer"},
      {{"jwt", "decode", "{\"access_token\":\"x\"}"}, "jq -r .access_token"},
      {{"jwt", "decode", token + " " + token}, "two tokens"},
      {{"jwt", "sign", "--alg", "HS256", "--secret-file", secret, "--exp", ""}, "--exp"},
      {{"jwt", "verify", token, "--secret-file", secret, "--now", ""}, "--now"},
      {{"jwt", "verify", token, "--secret-file", secret, "--alg", "hs256"}, "HS256"},
      {{"jwt", "verify", token, "--secret-file", secret, "--now", "2026-01-01T00:00:00"},
       "time zone"},
      {{"jwt", "verify", token, "--key", "https://issuer.example/jwks.json"}, "--jwks URL"},
      {{"jwt", "verify", "-", "--key", "-"}, "cannot both come from stdin"},
      {{"jwt", "verify", "-", "--key", "/dev/stdin"}, "cannot both come from stdin"},
      {{"jwt", "verify", token, "--jwks", oidc}, "https://issuer.example/keys"},
  });
}

TEST_CASE("jwt sign reads --claim values as JSON only when the whole value is JSON", "[jwt]") {
  const auto token = sign("HS256", {"--claim", "n=42", "--claim", "tags=[\"a\",\"b\"]", "--claim",
                                    "a=1,\"b\":2", "--claim", "name=alice", "--exp", "30d"});
  const auto decoded = run_reqscope({"jwt", "decode", token, "--json"});
  REQUIRE(decoded.exit_code == 0);
  const auto claims = Json::parse(decoded.out)["claims"];
  CHECK(claims["n"] == 42);
  CHECK(claims["tags"] == Json::array({"a", "b"}));
  CHECK(claims["a"] == "1,\"b\":2");
  CHECK_FALSE(claims.contains("b"));
  CHECK(claims["name"] == "alice");
  CHECK(claims["exp"].get<long long>() - claims["iat"].get<long long>() == 30 * 86400);

  // A NumericDate too large for an integer stays a number in the JSON times.
  const auto huge = sign("HS256", {"--claim", "exp=1e300"});
  const auto times = Json::parse(run_reqscope({"jwt", "decode", huge, "--json"}).out)["times"];
  CHECK(times[0]["value"].get<double>() == 1e300);
  CHECK(times[0]["utc"] == "after the year 9999");

  // A result that cannot be written is not a success.
  const auto full = run_command(
      {"/bin/sh", "-c", std::string(REQSCOPE_BINARY) + " jwt decode " + token + " > /dev/full"});
  CHECK(full.exit_code == 4);
  CHECK(full.err.find("cannot write the output") != std::string::npos);

  const auto empty = run_command({REQSCOPE_BINARY, "jwt", "verify", "-", "--secret", "s"},
                                 std::chrono::seconds(20), {}, "\n");
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("stdin was empty") != std::string::npos);
}
