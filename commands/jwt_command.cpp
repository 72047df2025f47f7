#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "cli.hpp"
#include "reqscope/jwt/claims.hpp"
#include "reqscope/jwt/jwks_fetch.hpp"
#include "reqscope/jwt/signature.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/render/jwt_human.hpp"
#include "reqscope/render/jwt_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::cli {

namespace {

constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;

// Where the key comes from: exactly one of these is given.
struct KeyArgs {
  std::string key_file;
  std::string jwks;
  std::string secret;
  std::string secret_file;
  std::string secret_env;
  bool secret_given = false;
};

struct JwtArgs {
  std::string token;
  KeyArgs key;
  std::vector<std::string> algorithms;
  std::string issuer;
  std::vector<std::string> audiences;
  std::string subject;
  std::string leeway = "0";
  std::string now;
  std::vector<std::string> required;
  // sign
  std::string kid;
  std::vector<std::string> claims;
  std::string claims_file;
  std::string exp;
  std::string nbf;
  bool issuer_given = false;
  bool subject_given = false;
};

Result<double> now_of(const std::string& text) {
  if (text.empty()) {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  if (text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 12) {
    return static_cast<double>(std::stoll(text));
  }
  if (const auto seconds = util::parse_rfc3339(text)) return static_cast<double>(*seconds);
  if (util::parse_rfc3339(text + "Z")) {
    return fail("bad_option", "--now " + util::quote(text) + " has no time zone",
                "add Z for UTC or an offset such as +01:00");
  }
  return fail("bad_option", "--now " + util::quote(text) + " is not a time",
              "give Unix seconds (1767225600) or RFC 3339 (2026-01-01T00:00:00Z)");
}

Result<std::string> read_token(const std::string& argument) {
  if (argument.empty()) {
    return fail("usage", "missing TOKEN", "give the token, or - to read it from stdin");
  }
  std::string text = argument;
  if (argument == "-") {
    // Read past the token cap, so that decoding can say how large the input was.
    auto read = read_input_file("-", 4 * jwt::kMaxTokenBytes, "1 MiB", "TOKEN");
    if (!read) return tl::unexpected(read.error());
    text = std::move(*read);
  }
  const auto trimmed = util::trim(text);
  if (trimmed.empty()) {
    return argument == "-" ? fail("usage", "missing TOKEN: stdin was empty", "pipe the token in")
                           : fail("usage", "the TOKEN is blank", "give the token, or - for stdin");
  }
  return std::string(trimmed);
}

Result<std::string> secret_from(const KeyArgs& args) {
  std::string secret;
  if (args.secret_given) {
    secret = args.secret;
  } else if (!args.secret_file.empty()) {
    auto bytes = read_input_file(args.secret_file, kMaxKeyFileBytes, "1 MiB", "--secret-file");
    if (!bytes) return bytes;
    secret = std::move(*bytes);
    // A file written by echo or an editor ends in a newline that is not part of the secret.
    if (secret.ends_with("\r\n")) {
      secret.resize(secret.size() - 2);
    } else if (secret.ends_with('\n')) {
      secret.pop_back();
    }
  } else {
    const char* value = std::getenv(args.secret_env.c_str());
    if (value == nullptr) {
      return fail("bad_option", "--secret-env " + util::quote(args.secret_env) + " is not set",
                  "export the variable, or give --secret-file");
    }
    secret = value;
  }
  if (secret.empty()) {
    return fail("bad_option", "the HMAC secret is empty",
                "an empty secret lets anyone sign tokens");
  }
  return secret;
}

// The keys named by exactly one of --key, --jwks, --secret, --secret-file, --secret-env.
Result<jwt::KeySet> load_key_set(const KeyArgs& args, const GlobalOptions& global,
                                 const std::string& command) {
  const int given = (args.key_file.empty() ? 0 : 1) + (args.jwks.empty() ? 0 : 1) +
                    (args.secret_given ? 1 : 0) + (args.secret_file.empty() ? 0 : 1) +
                    (args.secret_env.empty() ? 0 : 1);
  const std::string sources = command == "verify"
                                  ? "--key FILE, --jwks FILE|URL, --secret S, --secret-file F or "
                                    "--secret-env VAR"
                                  : "--key FILE, --secret S, --secret-file F or --secret-env VAR";
  if (given == 0) return fail("usage", "jwt " + command + " needs a key", "give " + sources);
  if (given > 1) {
    return fail("bad_option", "give one key source, not " + std::to_string(given),
                "one of " + sources);
  }
  if (args.secret_given || !args.secret_file.empty() || !args.secret_env.empty()) {
    auto secret = secret_from(args);
    if (!secret) return tl::unexpected(secret.error());
    jwt::KeySet set;
    const std::string source = args.secret_given ? "--secret"
                               : !args.secret_file.empty()
                                   ? "--secret-file " + util::quote(args.secret_file)
                                   : "--secret-env " + args.secret_env;
    set.keys.push_back(jwt::secret_key(std::move(*secret), source));
    return set;
  }
  const bool remote = !args.jwks.empty() && jwt::is_jwks_url(args.jwks);
  std::string text;
  std::string name;
  if (remote) {
    auto timeout = timeout_of(global);
    if (!timeout) return tl::unexpected(timeout.error());
    auto fetched = jwt::fetch_jwks(args.jwks, *timeout);
    if (!fetched) return tl::unexpected(fetched.error());
    text = std::move(*fetched);
    name = "--jwks " + util::quote(args.jwks);
  } else {
    const auto& path = args.key_file.empty() ? args.jwks : args.key_file;
    const auto option = args.key_file.empty() ? std::string("--jwks") : std::string("--key");
    if (jwt::is_jwks_url(path)) {
      return fail("bad_option", "--key " + util::quote(path) + " is a URL; --key reads a file",
                  command == "verify" ? "fetch a JWKS with --jwks URL"
                                      : "save the private key to a file; never publish it");
    }
    auto bytes = read_input_file(path, kMaxKeyFileBytes, "1 MiB", option);
    if (!bytes) return tl::unexpected(bytes.error());
    text = std::move(*bytes);
    name = option + " " + util::quote(path);
  }
  jwt::LoadOptions options;
  options.purpose = command == "sign" ? jwt::KeyPurpose::sign : jwt::KeyPurpose::verify;
  options.published = remote;
  auto set = jwt::load_keys(text, name, options);
  if (set && !args.jwks.empty() && !set->is_set) {
    set = fail("bad_key", name + " is a single key, not a JWKS ({\"keys\": [...]})",
               remote ? "check the URL: the issuer's openid-configuration names its jwks_uri"
                      : "give it with --key instead");
  }
  // A URL that serves something other than a JWKS is a protocol failure, like a 404.
  if (!set && remote) return fail("http_protocol", set.error().message, set.error().hint);
  return set;
}

Result<std::vector<jwt::Algorithm>> algorithms_of(const std::vector<std::string>& values) {
  std::vector<jwt::Algorithm> algorithms;
  for (const auto& value : values) {
    for (const auto part : util::split(value, ',')) {
      const auto name = util::trim(part);
      if (util::iequals(name, "none")) {
        return fail("bad_option", "--alg none cannot be allowed: unsigned tokens prove nothing");
      }
      const auto algorithm = jwt::parse_algorithm(name);
      if (!algorithm) {
        for (const auto known : jwt::all_algorithms()) {
          if (util::iequals(jwt::algorithm_name(known), name)) {
            return fail("bad_option", "--alg " + util::quote(name) + " is not a JWS algorithm",
                        "names are case-sensitive: " + std::string(jwt::algorithm_name(known)));
          }
        }
        std::vector<std::string> names;
        for (const auto known : jwt::all_algorithms())
          names.emplace_back(jwt::algorithm_name(known));
        return fail("bad_option", "--alg " + util::quote(name) + " is not a JWS algorithm",
                    util::join(names, " ") + " (case matters)");
      }
      algorithms.push_back(*algorithm);
    }
  }
  return algorithms;
}

Result<double> leeway_of(const std::string& text) {
  auto leeway = util::parse_duration(text);
  if (!leeway) {
    return fail("bad_option", "--leeway: " + leeway.error().message,
                "give seconds (60) or a duration (2m), at most 24h");
  }
  return std::chrono::duration<double>(*leeway).count();
}

int run_decode(const JwtArgs& args, const GlobalOptions& global) {
  // Checked even where nothing touches the network, as every command does.
  if (auto timeout = timeout_of(global); !timeout)
    return report_error(global, "jwt", timeout.error());
  auto text = read_token(args.token);
  if (!text) return report_error(global, "jwt", text.error());
  auto now = now_of(args.now);
  if (!now) return report_error(global, "jwt", now.error());
  auto token = jwt::decode_token(*text);
  if (!token) {
    return report_error(
        global, "jwt",
        {"bad_token", "cannot decode the token: " + token.error().message,
         token.error().hint.empty() ? "a JWT is header.payload.signature in base64url"
                                    : token.error().hint});
  }
  const auto decoded = jwt::describe_token(std::move(*token), *now);
  if (global.json) {
    print_json(render::jwt_decode_document(decoded, global.show_secrets));
  } else {
    print_stdout(render::render_jwt_decode(
        decoded, {style_for(global), global.verbose, global.show_secrets, global.explain}));
  }
  return static_cast<int>(ExitCode::ok);
}

int run_verify(const JwtArgs& args, const GlobalOptions& global) {
  for (const auto& [option, value] :
       {std::pair{"--key", &args.key.key_file}, std::pair{"--jwks", &args.key.jwks},
        std::pair{"--secret-file", &args.key.secret_file}}) {
    if (args.token == "-" && (*value == "-" || *value == "/dev/stdin")) {
      return report_error(
          global, "jwt",
          {"bad_option",
           "the token and " + std::string(option) + " cannot both come from stdin (-)",
           "give one of them as a file or <(command)"});
    }
  }
  if (auto timeout = timeout_of(global); !timeout)
    return report_error(global, "jwt", timeout.error());
  auto text = read_token(args.token);
  if (!text) return report_error(global, "jwt", text.error());
  jwt::VerifyOptions options;
  auto algorithms = algorithms_of(args.algorithms);
  if (!algorithms) return report_error(global, "jwt", algorithms.error());
  options.algorithms = std::move(*algorithms);
  auto now = now_of(args.now);
  if (!now) return report_error(global, "jwt", now.error());
  options.now = *now;
  auto leeway = leeway_of(args.leeway);
  if (!leeway) return report_error(global, "jwt", leeway.error());
  options.leeway = *leeway;
  if (args.issuer_given) options.issuer = args.issuer;
  if (args.subject_given) options.subject = args.subject;
  options.audiences = args.audiences;
  for (const auto& claim : args.required) {
    if (claim.empty()) return report_error(global, "jwt", {"bad_option", "--require is empty", ""});
  }
  options.required = args.required;
  auto keys = load_key_set(args.key, global, "verify");
  if (!keys) return report_error(global, "jwt", keys.error());

  const auto verification = jwt::verify_token(*text, *keys, options);
  if (global.json) {
    print_json(render::jwt_verify_document(verification, global.show_secrets));
  } else {
    print_stdout(render::render_jwt_verify(
        verification, {style_for(global), global.verbose, global.show_secrets, global.explain}));
  }
  return static_cast<int>(verification.valid ? ExitCode::ok : ExitCode::check_failed);
}

// The longest --exp or --nbf: ten years, in days.
constexpr long kMaxOffsetDays = 3650;

// A --exp or --nbf offset from now: a duration (15m, 1h; at most a day) or a
// number of days (30d), so long-lived test tokens can be made too.
Result<std::int64_t> offset_seconds(const std::string& text, const std::string& option) {
  if (text.size() > 1 && text.back() == 'd') {
    auto days = util::parse_integer(std::string_view(text).substr(0, text.size() - 1), 0,
                                    kMaxOffsetDays, option + " days");
    if (!days) return tl::unexpected(days.error());
    return static_cast<std::int64_t>(*days) * 86400;
  }
  auto offset = util::parse_duration(text);
  if (!offset) {
    return fail("bad_option", option + ": " + offset.error().message,
                "give the time from now: 30s, 15m, 1h, or days as 30d");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*offset).count();
}

// The claims of `jwt sign`: --claims FILE, then each --claim, then the named
// options; a claim given twice outside the file is an error.
Result<jwt::Json> claims_of(const JwtArgs& args, double now) {
  jwt::Json claims = jwt::Json::object();
  if (!args.claims_file.empty()) {
    auto text = read_input_file(args.claims_file, kMaxKeyFileBytes, "1 MiB", "--claims");
    if (!text) return tl::unexpected(text.error());
    auto parsed = jwt::parse_object(*text, "--claims " + util::quote(args.claims_file));
    if (!parsed) return fail("bad_file", parsed.error().message, "give a JSON object of claims");
    claims = std::move(*parsed);
  }
  std::vector<std::string> given;
  const auto set_once = [&](const std::string& name, jwt::Json value) -> Result<void> {
    for (const auto& seen : given) {
      if (seen == name) {
        return fail("bad_option", "the claim " + util::quote(name) + " is given twice",
                    "give each claim once, with --claim or its own option");
      }
    }
    given.push_back(name);
    claims[name] = std::move(value);
    return {};
  };
  for (const auto& claim : args.claims) {
    const auto equals = claim.find('=');
    if (equals == std::string::npos || equals == 0) {
      return fail("bad_option", "--claim " + util::quote(claim) + " is not NAME=VALUE",
                  "e.g. --claim role=admin or --claim 'scope=[\"read\"]'");
    }
    const auto name = claim.substr(0, equals);
    const auto value_text = claim.substr(equals + 1);
    // A value that reads as JSON (a number, true, an array, a quoted string) is
    // that JSON value; anything else is a string.
    auto parsed = jwt::parse_value(value_text, "--claim");
    auto result = set_once(name, parsed ? *parsed : jwt::Json(value_text));
    if (!result) return tl::unexpected(result.error());
  }
  if (args.issuer_given) {
    if (auto result = set_once("iss", args.issuer); !result) return tl::unexpected(result.error());
  }
  if (args.subject_given) {
    if (auto result = set_once("sub", args.subject); !result) return tl::unexpected(result.error());
  }
  if (!args.audiences.empty()) {
    const jwt::Json aud =
        args.audiences.size() == 1 ? jwt::Json(args.audiences.front()) : jwt::Json(args.audiences);
    if (auto result = set_once("aud", aud); !result) return tl::unexpected(result.error());
  }
  const auto whole_now = static_cast<std::int64_t>(now);
  if (!claims.contains("iat")) claims["iat"] = whole_now;
  const std::pair<const char*, const std::string*> offsets[] = {{"nbf", &args.nbf},
                                                                {"exp", &args.exp}};
  for (const auto& [name, text] : offsets) {
    if (text->empty()) continue;
    auto seconds = offset_seconds(*text, "--" + std::string(name));
    if (!seconds) return tl::unexpected(seconds.error());
    if (auto result = set_once(name, whole_now + *seconds); !result) {
      return tl::unexpected(result.error());
    }
  }
  return claims;
}

int run_sign(const JwtArgs& args, const GlobalOptions& global) {
  if (auto timeout = timeout_of(global); !timeout)
    return report_error(global, "jwt", timeout.error());
  if (args.algorithms.size() != 1) {
    return report_error(
        global, "jwt",
        {"usage", args.algorithms.empty() ? "jwt sign needs --alg" : "jwt sign takes one --alg",
         "e.g. --alg RS256 or --alg HS256"});
  }
  auto algorithms = algorithms_of(args.algorithms);
  if (!algorithms) return report_error(global, "jwt", algorithms.error());
  if (algorithms->size() != 1) {
    return report_error(global, "jwt", {"bad_option", "jwt sign takes one --alg", ""});
  }
  const auto algorithm = algorithms->front();
  auto now = now_of(args.now);
  if (!now) return report_error(global, "jwt", now.error());
  auto claims = claims_of(args, *now);
  if (!claims) return report_error(global, "jwt", claims.error());
  const auto nbf = claims->find("nbf");
  const auto exp = claims->find("exp");
  if (nbf != claims->end() && exp != claims->end() && nbf->is_number() && exp->is_number() &&
      nbf->get<double>() >= exp->get<double>()) {
    std::fprintf(stderr,
                 "reqscope jwt: warning: nbf is not before exp: the token is never valid\n");
  }
  auto keys = load_key_set(args.key, global, "sign");
  if (!keys) return report_error(global, "jwt", keys.error());
  const jwt::Key* key = &keys->keys.front();
  if (keys->keys.size() > 1) {
    // The --kid key, or else the one key that can sign with this algorithm.
    std::vector<const jwt::Key*> candidates;
    for (const auto& candidate : keys->keys) {
      const bool chosen = args.kid.empty()
                              ? candidate.has_private &&
                                    !jwt::refuse_key(algorithm, candidate, jwt::KeyPurpose::sign)
                              : candidate.kid == args.kid;
      if (chosen) candidates.push_back(&candidate);
    }
    if (candidates.size() != 1) {
      const auto alg_name = std::string(jwt::algorithm_name(algorithm));
      return report_error(
          global, "jwt",
          {"bad_key",
           args.kid.empty() ? "the key file holds " + std::to_string(candidates.size()) +
                                  " keys that can sign " + alg_name
                            : "the key file holds " + std::to_string(candidates.size()) +
                                  " keys with --kid " + util::quote(args.kid),
           "choose one with --kid"});
    }
    key = candidates.front();
  }
  const std::string kid = args.kid.empty() ? key->kid : args.kid;
  for (const auto& warning : jwt::key_warnings(algorithm, *key)) {
    std::fprintf(stderr, "reqscope jwt: warning: %s\n", warning.message.c_str());
  }
  auto token = jwt::sign_token(algorithm, *key, kid, *claims);
  if (!token) return report_error(global, "jwt", token.error());
  if (global.json) {
    print_json(render::jwt_sign_document(*token));
  } else {
    print_stdout(*token + "\n");
  }
  return static_cast<int>(ExitCode::ok);
}

// Every jwt option wants a value: an empty one (--exp "$UNSET") is an error,
// never a silent default.
const CLI::Validator& non_empty() {
  static const CLI::Validator validator(
      [](std::string& value) { return value.empty() ? std::string("the value is empty") : ""; }, "",
      "non-empty");
  return validator;
}

void add_token_argument(CLI::App* cmd, JwtArgs& args) {
  cmd->add_option("token", args.token, "The token, or - to read it from stdin")
      ->type_name("TOKEN|-");
}

void add_key_options(CLI::App* cmd, const std::shared_ptr<JwtArgs>& args, bool verifying) {
  cmd->add_option("--key", args->key.key_file,
                  verifying ? "Key file: PEM key or certificate, JWK or JWKS"
                            : "Private key file: PEM, JWK or JWKS (with --kid)")
      ->type_name("FILE")
      ->check(non_empty());
  if (verifying) {
    cmd->add_option("--jwks", args->key.jwks, "The issuer's JWKS: a file or an http(s) URL")
        ->type_name("FILE|URL")
        ->check(non_empty());
  }
  cmd->add_option("--secret", args->key.secret, "HMAC secret (visible to ps; prefer the next two)")
      ->type_name("S")
      ->check(non_empty())
      ->each([args](const std::string&) { args->key.secret_given = true; });
  cmd->add_option("--secret-file", args->key.secret_file,
                  "HMAC secret from FILE (a final newline dropped)")
      ->type_name("FILE")
      ->check(non_empty());
  cmd->add_option("--secret-env", args->key.secret_env,
                  "Read the HMAC secret from an environment variable")
      ->type_name("VAR")
      ->check(non_empty());
}

void add_claim_options(CLI::App* cmd, const std::shared_ptr<JwtArgs>& args, bool verifying) {
  cmd->add_option("--iss", args->issuer,
                  verifying ? "Require this issuer (iss)" : "The issuer claim (iss)")
      ->type_name("ISSUER")
      ->check(non_empty())
      ->each([args](const std::string&) { args->issuer_given = true; });
  repeatable(cmd->add_option("--aud", args->audiences,
                             verifying ? "Require aud to include this; repeatable"
                                       : "The audience claim (aud); repeat for an array")
                 ->type_name("AUDIENCE")
                 ->check(non_empty()));
  cmd->add_option("--sub", args->subject,
                  verifying ? "Require this subject (sub)" : "The subject claim (sub)")
      ->type_name("SUBJECT")
      ->check(non_empty())
      ->each([args](const std::string&) { args->subject_given = true; });
  cmd->add_option("--now", args->now,
                  verifying ? "Check times as of TIME: Unix seconds or RFC 3339"
                            : "Sign as of TIME (Unix seconds or RFC 3339)")
      ->type_name("TIME")
      ->check(non_empty());
}

}  // namespace

void register_jwt(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<JwtArgs>();
  auto* jwt = app.add_subcommand("jwt", "Decode, verify and sign JSON Web Tokens");
  jwt->footer(kGlobalFooter);
  jwt->require_subcommand(0, 1);
  // `reqscope jwt` alone is a usage error naming the subcommands; a misspelt
  // one is reported by CLI11 as an unexpected argument, naming it.
  jwt->callback([jwt, &global, &runner] {
    if (!jwt->get_subcommands().empty()) return;
    runner = [&global] {
      return report_error(
          global, "jwt",
          {"usage", "jwt needs a subcommand", "use reqscope jwt decode, verify or sign"});
    };
  });

  auto* decode = jwt->add_subcommand("decode", "Show a token's header and claims (no checks)");
  decode->footer(kGlobalFooter);
  add_token_argument(decode, *args);
  decode->add_option("--now", args->now, "Describe times as of TIME (Unix or RFC 3339)")
      ->type_name("TIME")
      ->check(non_empty());
  decode->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_decode(*args, global); }; });

  auto* verify = jwt->add_subcommand("verify", "Check a token's signature and claims");
  verify->footer(kGlobalFooter);
  add_token_argument(verify, *args);
  add_key_options(verify, args, true);
  repeatable(
      verify->add_option("--alg", args->algorithms, "Allow only this algorithm; repeat for several")
          ->type_name("ALG")
          ->check(non_empty()));
  add_claim_options(verify, args, true);
  verify->add_option("--leeway", args->leeway, "Allow clock skew for exp/nbf/iat: 60, 2m (0)")
      ->type_name("DURATION")
      ->check(non_empty());
  repeatable(verify->add_option("--require", args->required, "Fail unless the token has this claim")
                 ->type_name("CLAIM")
                 ->check(non_empty()));
  verify->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_verify(*args, global); }; });

  auto* sign = jwt->add_subcommand("sign", "Make a signed test token; prints only the token");
  sign->footer(kGlobalFooter);
  repeatable(sign->add_option("--alg", args->algorithms, "The algorithm: HS256 ... EdDSA")
                 ->type_name("ALG")
                 ->check(non_empty()));
  add_key_options(sign, args, false);
  sign->add_option("--kid", args->kid, "The header's kid (default: the JWK's kid)")
      ->type_name("KID")
      ->check(non_empty());
  repeatable(
      sign->add_option("--claim", args->claims, "A claim NAME=VALUE (JSON, else a string); repeat")
          ->type_name("NAME=VALUE")
          ->check(non_empty()));
  sign->add_option("--claims", args->claims_file, "Start from the JSON object of claims in FILE")
      ->type_name("FILE")
      ->check(non_empty());
  sign->add_option("--exp", args->exp, "Expire this long from now (15m, 1h)")
      ->type_name("DURATION")
      ->check(non_empty());
  sign->add_option("--nbf", args->nbf, "Not valid until this long from now")
      ->type_name("DURATION")
      ->check(non_empty());
  add_claim_options(sign, args, false);
  sign->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_sign(*args, global); }; });
}

}  // namespace reqscope::cli
