#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <array>

#include "curves.hpp"
#include "key_detail.hpp"
#include "openssl_handles.hpp"
#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::jwt {

namespace {

// The largest RSA modulus accepted: bigger keys only make verification slow.
constexpr int kMaxRsaBits = 16384;

std::string group_name(const EVP_PKEY* pkey) {
  std::array<char, 64> name{};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(),
                                     &length) != 1) {
    return {};
  }
  return std::string(name.data(), length);
}

// A number parameter of the key, big-endian, padded to `width` bytes when not
// 0; nullopt when OpenSSL cannot give it.
std::optional<std::string> bignum_param(const EVP_PKEY* pkey, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) return std::nullopt;
  const Bignum number(raw);
  std::string bytes(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(number.get())), '\0');
  if (BN_bn2binpad(number.get(), reinterpret_cast<unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size())) < 0) {
    return std::nullopt;
  }
  return bytes;
}

// A JWK member that must be a string; nullopt when absent.
Result<std::optional<std::string>> string_member(const Json& jwk, const char* member,
                                                 const std::string& where) {
  const auto found = jwk.find(member);
  if (found == jwk.end()) return std::optional<std::string>();
  if (!found->is_string()) {
    return fail("bad_key", where + ": the JWK member " + util::quote(member) + " is a JSON " +
                               found->type_name() + ", not a string");
  }
  return std::optional<std::string>(found->get<std::string>());
}

// A base64url JWK member decoded, checked to be present (when `required`) and,
// when `size` is not 0, exactly `size` bytes long.
Result<std::optional<std::string>> bytes_member(const Json& jwk, const char* member,
                                                const std::string& where, bool required,
                                                std::size_t size = 0) {
  auto text = string_member(jwk, member, where);
  if (!text) return tl::unexpected(text.error());
  if (!*text) {
    if (!required) return std::optional<std::string>();
    return fail("bad_key", where + ": the JWK has no " + util::quote(member) + " member",
                "a JWK of this kty needs it (RFC 7518 §6)");
  }
  auto bytes = util::base64url_decode(**text);
  if (!bytes) {
    return fail("bad_key", where + ": the JWK member " + util::quote(member) +
                               " is not base64url: it " + util::base64url_problem(**text));
  }
  if (bytes->empty()) {
    return fail("bad_key", where + ": the JWK member " + util::quote(member) + " is empty");
  }
  if (size != 0 && bytes->size() != size) {
    return fail("bad_key", where + ": the JWK member " + util::quote(member) + " is " +
                               std::to_string(bytes->size()) + " bytes; this curve needs " +
                               std::to_string(size));
  }
  return bytes;
}

Result<tls::Pkey> pkey_from_params(const char* type, ParamBuilder& builder, bool pushed,
                                   bool is_private, const std::string& where) {
  if (!pushed) return fail("internal", "cannot build the OpenSSL " + std::string(type) + " key");
  const Params params(OSSL_PARAM_BLD_to_param(builder.get()));
  const PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) {
    return fail("internal", "cannot prepare an OpenSSL " + std::string(type) + " key");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &raw, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1 ||
      raw == nullptr) {
    return fail("bad_key",
                where + ": OpenSSL refuses the JWK's " + std::string(type) + " parameters");
  }
  return tls::Pkey(raw);
}

// Whether an RSA key's private half belongs to its (n, e): OpenSSL's full
// check when the CRT members are given; otherwise a signature made with d
// must verify with (n, e).
bool rsa_private_matches(EVP_PKEY* pkey, bool has_factors) {
  const PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check) return false;
  if (has_factors) return EVP_PKEY_pairwise_check(check.get()) == 1;
  static constexpr std::array<unsigned char, 32> kDigest = {'r', 'e', 'q', 's', 'c', 'o', 'p', 'e'};
  std::size_t size = 0;
  if (EVP_PKEY_sign_init(check.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(check.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_sign(check.get(), nullptr, &size, kDigest.data(), kDigest.size()) != 1) {
    return false;
  }
  std::string signature(size, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(signature.data());
  if (EVP_PKEY_sign(check.get(), bytes, &size, kDigest.data(), kDigest.size()) != 1) return false;
  const PkeyContext verify(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  return verify && EVP_PKEY_verify_init(verify.get()) == 1 &&
         EVP_PKEY_CTX_set_rsa_padding(verify.get(), RSA_PKCS1_PADDING) == 1 &&
         EVP_PKEY_verify(verify.get(), bytes, size, kDigest.data(), kDigest.size()) == 1;
}

// Each *_from_jwk reads the private half only when `read_private`, and says in
// `is_private` whether it did.
Result<tls::Pkey> rsa_from_jwk(const Json& jwk, const std::string& where, bool read_private,
                               bool& is_private) {
  auto n = bytes_member(jwk, "n", where, true);
  if (!n) return tl::unexpected(n.error());
  auto e = bytes_member(jwk, "e", where, true);
  if (!e) return tl::unexpected(e.error());
  if (jwk.contains("oth")) {
    return fail("bad_key", where + ": multi-prime RSA keys (\"oth\") are not supported");
  }
  const Bignum modulus = bignum_from_bytes(**n);
  const Bignum exponent = bignum_from_bytes(**e);
  if (!modulus || !exponent) return fail("internal", "cannot allocate OpenSSL numbers");
  if (BN_num_bits(modulus.get()) > kMaxRsaBits) {
    return fail("bad_key", where + ": the RSA modulus has " +
                               std::to_string(BN_num_bits(modulus.get())) + " bits, more than " +
                               std::to_string(kMaxRsaBits));
  }
  if (BN_num_bits(modulus.get()) < 512 || !BN_is_odd(modulus.get())) {
    return fail("bad_key", where + ": \"n\" is not an RSA modulus (" +
                               std::to_string(BN_num_bits(modulus.get())) + " bits" +
                               (BN_is_odd(modulus.get()) ? ")" : ", even)"));
  }
  if (!BN_is_odd(exponent.get()) || BN_is_one(exponent.get()) ||
      BN_cmp(exponent.get(), modulus.get()) >= 0) {
    return fail("bad_key", where + ": \"e\" is not a usable RSA public exponent",
                "it must be odd, above 1 and below n; 65537 (\"AQAB\") is usual");
  }
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder) return fail("internal", "cannot allocate OpenSSL parameters");
  bool pushed = OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) == 1 &&
                OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) == 1;
  auto d = read_private ? bytes_member(jwk, "d", where, false) : std::optional<std::string>();
  if (!d) return tl::unexpected(d.error());
  // OSSL_PARAM_BLD keeps pointers to the numbers until OSSL_PARAM_BLD_to_param().
  std::vector<Bignum> keep_alive;
  is_private = d->has_value();
  int present = 0;  // how many of the CRT members p, q, dp, dq, qi are given
  if (is_private) {
    keep_alive.push_back(bignum_from_bytes(**d));
    pushed =
        pushed && keep_alive.back() &&
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_D, keep_alive.back().get()) == 1;
    static constexpr std::array<std::pair<const char*, const char*>, 5> kFactors = {{
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    }};
    for (const auto& [member, param] : kFactors)
      present += jwk.contains(member) ? 1 : 0;
    if (present != 0 && present != 5) {
      return fail("bad_key", where + ": the JWK has some of p, q, dp, dq, qi but not all",
                  "RFC 7518 §6.3.2: give all five or none");
    }
    for (const auto& [member, param] : kFactors) {
      if (present == 0) break;
      auto value = bytes_member(jwk, member, where, true);
      if (!value) return tl::unexpected(value.error());
      keep_alive.push_back(bignum_from_bytes(**value));
      pushed = pushed && keep_alive.back() &&
               OSSL_PARAM_BLD_push_BN(builder.get(), param, keep_alive.back().get()) == 1;
    }
  }
  auto pkey = pkey_from_params("RSA", builder, pushed, is_private, where);
  if (pkey && is_private && !rsa_private_matches(pkey->get(), present == 5)) {
    return fail("bad_key", where +
                               (present == 5 ? ": d, p, q, dp, dq and qi are not a private key"
                                             : ": \"d\" is not the private key") +
                               " of (n, e)");
  }
  return pkey;
}

Result<tls::Pkey> ec_from_jwk(const Json& jwk, const std::string& where, bool read_private,
                              bool& is_private) {
  auto crv = string_member(jwk, "crv", where);
  if (!crv) return tl::unexpected(crv.error());
  if (!*crv) return fail("bad_key", where + ": the EC JWK has no \"crv\" member");
  const Curve* curve = curve_by_jose(**crv);
  if (curve == nullptr) {
    return fail("bad_key", where + ": the EC curve " + util::quote(**crv) + " is not supported",
                "JWS uses P-256 (ES256), P-384 (ES384) and P-521 (ES512)");
  }
  const auto size = static_cast<std::size_t>(curve->field_bytes);
  auto x = bytes_member(jwk, "x", where, true, size);
  if (!x) return tl::unexpected(x.error());
  auto y = bytes_member(jwk, "y", where, true, size);
  if (!y) return tl::unexpected(y.error());
  auto d = read_private ? bytes_member(jwk, "d", where, false, size) : std::optional<std::string>();
  if (!d) return tl::unexpected(d.error());
  is_private = d->has_value();
  const std::string point = std::string(1, '\x04') + **x + **y;
  // OpenSSL refuses such a point without saying why; say it here.
  const EcGroup group(EC_GROUP_new_by_curve_name(OBJ_sn2nid(std::string(curve->openssl).c_str())));
  const EcPoint parsed_point(group ? EC_POINT_new(group.get()) : nullptr);
  if (!parsed_point) return fail("internal", "cannot prepare an OpenSSL EC point");
  if (EC_POINT_oct2point(group.get(), parsed_point.get(),
                         reinterpret_cast<const unsigned char*>(point.data()), point.size(),
                         nullptr) != 1) {
    return fail("bad_key", where + ": the point (x, y) is not on the curve " + **crv,
                "an invalid point lets an attacker learn about a private key; fix the JWK");
  }
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder) return fail("internal", "cannot allocate OpenSSL parameters");
  bool pushed =
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      curve->openssl.data(), curve->openssl.size()) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1;
  Bignum private_value;
  if (is_private) {
    private_value = bignum_from_bytes(**d);
    pushed =
        pushed && private_value &&
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_value.get()) == 1;
  }
  auto pkey = pkey_from_params("EC", builder, pushed, is_private, where);
  if (!pkey || !is_private) return pkey;
  const PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
  if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) {
    return fail("bad_key", where + ": \"d\" is not the private key of (x, y)");
  }
  return pkey;
}

Result<tls::Pkey> okp_from_jwk(const Json& jwk, const std::string& where, bool read_private,
                               bool& is_private) {
  auto crv = string_member(jwk, "crv", where);
  if (!crv) return tl::unexpected(crv.error());
  if (!*crv) return fail("bad_key", where + ": the OKP JWK has no \"crv\" member");
  int type = 0;
  std::size_t size = 0;
  if (**crv == "Ed25519") {
    type = EVP_PKEY_ED25519;
    size = 32;
  } else if (**crv == "Ed448") {
    type = EVP_PKEY_ED448;
    size = 57;
  } else if (**crv == "X25519" || **crv == "X448") {
    return fail("bad_key", where + ": " + **crv + " is for key agreement, not signatures",
                "EdDSA tokens are signed with Ed25519 or Ed448 keys");
  } else {
    return fail("bad_key", where + ": the OKP curve " + util::quote(**crv) + " is not supported");
  }
  auto x = bytes_member(jwk, "x", where, true, size);
  if (!x) return tl::unexpected(x.error());
  auto d = read_private ? bytes_member(jwk, "d", where, false, size) : std::optional<std::string>();
  if (!d) return tl::unexpected(d.error());
  is_private = d->has_value();
  const auto* x_bytes = reinterpret_cast<const unsigned char*>((*x)->data());
  if (!is_private) {
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(type, nullptr, x_bytes, size);
    if (raw == nullptr) return fail("bad_key", where + ": OpenSSL refuses the " + **crv + " key");
    return tls::Pkey(raw);
  }
  EVP_PKEY* raw = EVP_PKEY_new_raw_private_key(
      type, nullptr, reinterpret_cast<const unsigned char*>((*d)->data()), size);
  if (raw == nullptr) return fail("bad_key", where + ": OpenSSL refuses the " + **crv + " key");
  tls::Pkey pkey(raw);
  std::string derived(size, '\0');
  std::size_t derived_size = size;
  if (EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(derived.data()),
                                  &derived_size) != 1 ||
      derived != **x) {
    return fail("bad_key", where + ": \"x\" is not the public key of \"d\"");
  }
  return pkey;
}

}  // namespace

Result<Key> key_from_pkey(tls::Pkey pkey, bool is_private, std::string source,
                          std::string_view where) {
  Key key;
  key.has_private = is_private;
  key.source = std::move(source);
  key.bits = EVP_PKEY_get_bits(pkey.get());
  if (EVP_PKEY_is_a(pkey.get(), "RSA") || EVP_PKEY_is_a(pkey.get(), "RSA-PSS")) {
    key.family = KeyFamily::rsa;
    key.pss_only = EVP_PKEY_is_a(pkey.get(), "RSA-PSS");
    if (key.bits > kMaxRsaBits) {
      return fail("bad_key", std::string(where) + ": the RSA key has " + std::to_string(key.bits) +
                                 " bits, more than " + std::to_string(kMaxRsaBits));
    }
  } else if (EVP_PKEY_is_a(pkey.get(), "EC")) {
    const auto group = group_name(pkey.get());
    const Curve* curve = curve_by_openssl(group);
    if (curve == nullptr) {
      return fail("bad_key",
                  std::string(where) + ": the EC key is on " + util::quote(group) +
                      ", which JWS does not use",
                  "JWS uses P-256 (ES256), P-384 (ES384) and P-521 (ES512)");
    }
    key.family = KeyFamily::ec;
    key.curve = curve->jose;
  } else if (EVP_PKEY_is_a(pkey.get(), "ED25519") || EVP_PKEY_is_a(pkey.get(), "ED448")) {
    key.family = KeyFamily::okp;
    key.curve = EVP_PKEY_is_a(pkey.get(), "ED25519") ? "Ed25519" : "Ed448";
  } else {
    return fail("bad_key",
                std::string(where) + ": a " + util::quote(EVP_PKEY_get0_type_name(pkey.get())) +
                    " key cannot sign JWS",
                "JWS uses RSA, EC (P-256, P-384, P-521), Ed25519 and Ed448 keys");
  }
  key.pkey = std::move(pkey);
  return key;
}

Result<Key> key_from_jwk(const Json& jwk, std::string_view name, KeyPurpose purpose) {
  const std::string where(name);
  if (!jwk.is_object()) {
    return fail("bad_key",
                where + ": a JWK is a JSON object, not a JSON " + std::string(jwk.type_name()));
  }
  auto kty = string_member(jwk, "kty", where);
  if (!kty) return tl::unexpected(kty.error());
  if (!*kty) return fail("bad_key", where + ": the JWK has no \"kty\" member", "RFC 7517 §4.1");
  auto kid = string_member(jwk, "kid", where);
  if (!kid) return tl::unexpected(kid.error());
  auto alg = string_member(jwk, "alg", where);
  if (!alg) return tl::unexpected(alg.error());
  auto use = string_member(jwk, "use", where);
  if (!use) return tl::unexpected(use.error());
  std::vector<std::string> key_ops;
  if (const auto ops = jwk.find("key_ops"); ops != jwk.end()) {
    if (!ops->is_array()) {
      return fail("bad_key", where + ": the JWK member \"key_ops\" is not an array");
    }
    for (const auto& op : *ops) {
      if (!op.is_string()) {
        return fail("bad_key", where + ": \"key_ops\" lists a JSON " + std::string(op.type_name()) +
                                   ", not an operation name");
      }
      key_ops.push_back(op.get<std::string>());
    }
  }

  Key key;
  if (**kty == "oct") {
    auto k = bytes_member(jwk, "k", where, true);
    if (!k) return tl::unexpected(k.error());
    key = secret_key(std::move(**k), "JWK");
  } else {
    const bool read_private = purpose == KeyPurpose::sign;
    bool is_private = false;
    Result<tls::Pkey> pkey = fail("bad_key", "");
    if (**kty == "RSA") {
      pkey = rsa_from_jwk(jwk, where, read_private, is_private);
    } else if (**kty == "EC") {
      pkey = ec_from_jwk(jwk, where, read_private, is_private);
    } else if (**kty == "OKP") {
      pkey = okp_from_jwk(jwk, where, read_private, is_private);
    } else {
      return fail("bad_key", where + ": the JWK kty " + util::quote(**kty) + " is not supported",
                  "kty is one of oct, RSA, EC, OKP");
    }
    if (!pkey) return tl::unexpected(pkey.error());
    auto made = key_from_pkey(std::move(*pkey), is_private, "JWK", where);
    if (!made) return made;
    key = std::move(*made);
  }
  key.kid = kid->value_or("");
  key.alg = alg->value_or("");
  key.use = use->value_or("");
  key.key_ops = std::move(key_ops);
  return key;
}

Result<KeySet> load_keys(std::string_view text, std::string_view name, const LoadOptions& options) {
  const std::string where(name);
  const auto body = util::trim(text);
  KeySet set;
  if (body.empty()) return fail("bad_key", where + " is empty", "give a PEM key, a JWK or a JWKS");
  if (body.front() != '{') {
    auto key = key_from_pem(body, name);
    if (!key) return tl::unexpected(key.error());
    key->source += " " + where;
    set.keys.push_back(std::move(*key));
    return set;
  }
  auto json = parse_object(body, where);
  if (!json) return fail("bad_key", json.error().message, "give a PEM key, a JWK or a JWKS");
  if (!json->contains("keys") && !json->contains("kty")) {
    if (const auto uri = json->find("jwks_uri"); uri != json->end() && uri->is_string()) {
      return fail("bad_key", where + " is an OpenID discovery document, not keys",
                  "its keys are at " + util::quote(uri->get<std::string>()) + ": --jwks URL");
    }
    return fail("bad_key",
                where + " is JSON but neither a JWK (no \"kty\") nor a JWKS (no \"keys\")",
                "give a PEM key or certificate, a JWK or a JWKS");
  }
  if (!json->contains("keys")) {
    auto key = key_from_jwk(*json, name, options.purpose);
    if (!key) return tl::unexpected(key.error());
    key->source = "JWK " + where;
    set.keys.push_back(std::move(*key));
    return set;
  }
  const auto& keys = (*json)["keys"];
  if (!keys.is_array()) {
    return fail("bad_key", where + ": the JWKS member \"keys\" is a JSON " +
                               std::string(keys.type_name()) + ", not an array");
  }
  set.is_set = true;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i == kMaxJwksKeys) {
      set.skipped.push_back({"", "members after the " + std::to_string(kMaxJwksKeys) +
                                     "th were not read (of " + std::to_string(keys.size()) + ")"});
      break;
    }
    const auto label = where + " key #" + std::to_string(i + 1);
    const auto kid = keys[i].is_object() && keys[i].contains("kid") && keys[i]["kid"].is_string()
                         ? keys[i]["kid"].get<std::string>()
                         : std::string();
    auto key = key_from_jwk(keys[i], label, options.purpose);
    if (!key) {
      set.skipped.push_back({kid, key.error().message});
      continue;
    }
    if (key->family == KeyFamily::hmac && options.published) {
      set.skipped.push_back({kid, label + ": a symmetric key published at a URL is known to "
                                          "everyone, so it proves nothing about who signed"});
      continue;
    }
    key->source = where;
    set.keys.push_back(std::move(*key));
  }
  if (set.keys.empty()) {
    return fail("bad_key",
                where + " has no usable key" +
                    (set.skipped.empty() ? "" : " (" + set.skipped.front().reason + ")"),
                "a JWKS is {\"keys\": [JWK, ...]}");
  }
  return set;
}

Result<Key> generate_key(std::string_view kind) {
  EVP_PKEY* raw = nullptr;
  if (kind == "RSA") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  } else if (const Curve* curve = curve_by_jose(kind)) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(curve->openssl).c_str());
  } else if (kind == "Ed25519" || kind == "Ed448") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, kind == "Ed25519" ? "ED25519" : "ED448");
  } else {
    return fail("bad_option", "cannot generate a " + util::quote(kind) + " key");
  }
  if (raw == nullptr)
    return fail("internal", "OpenSSL could not generate a " + std::string(kind) + " key");
  return key_from_pkey(tls::Pkey(raw), true, "generated", kind);
}

Key secret_key(std::string secret, std::string source) {
  Key key;
  key.family = KeyFamily::hmac;
  key.bits = static_cast<int>(secret.size() * 8);
  key.has_private = true;
  key.secret = std::move(secret);
  key.source = std::move(source);
  return key;
}

std::string_view key_type(const Key& key) {
  return key_family_name(key.family);
}

std::string describe_key(const Key& key) {
  switch (key.family) {
    case KeyFamily::hmac:
      return std::to_string(key.secret.size()) + "-byte secret";
    case KeyFamily::rsa:
      return std::string(key.pss_only ? "RSA-PSS " : "RSA ") + std::to_string(key.bits) + "-bit " +
             (key.has_private ? "private" : "public") + " key";
    case KeyFamily::ec:
    case KeyFamily::okp:
      return std::string(key.family == KeyFamily::ec ? "EC " : "") + key.curve + " " +
             (key.has_private ? "private" : "public") + " key";
  }
  return {};
}

Result<Json> public_jwk(const Key& key) {
  Json jwk = Json::object();
  jwk["kty"] = std::string(key_type(key));
  if (!key.kid.empty()) jwk["kid"] = key.kid;
  if (!key.alg.empty()) jwk["alg"] = key.alg;
  if (!key.use.empty()) jwk["use"] = key.use;
  const auto put = [&](const char* member, std::optional<std::string> bytes) {
    if (!bytes) return false;
    jwk[member] = util::base64url_encode(*bytes);
    return true;
  };
  bool ok = true;
  switch (key.family) {
    case KeyFamily::hmac:
      return fail("bad_key", "a secret has no public half to publish");
    case KeyFamily::rsa:
      ok = put("n", bignum_param(key.pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0)) &&
           put("e", bignum_param(key.pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0));
      break;
    case KeyFamily::ec: {
      const Curve* curve = curve_by_jose(key.curve);
      const int width = curve != nullptr ? curve->field_bytes : 0;
      jwk["crv"] = key.curve;
      ok = put("x", bignum_param(key.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, width)) &&
           put("y", bignum_param(key.pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, width));
      break;
    }
    case KeyFamily::okp: {
      std::string raw(64, '\0');
      std::size_t size = raw.size();
      ok = EVP_PKEY_get_raw_public_key(key.pkey.get(), reinterpret_cast<unsigned char*>(raw.data()),
                                       &size) == 1;
      raw.resize(size);
      jwk["crv"] = key.curve;
      ok = ok && put("x", raw);
      break;
    }
  }
  if (!ok) return fail("internal", "OpenSSL could not export the " + describe_key(key));
  return jwk;
}

}  // namespace reqscope::jwt
