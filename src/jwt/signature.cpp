#include "reqscope/jwt/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "curves.hpp"
#include "openssl_handles.hpp"
#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::jwt {

namespace {

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The coordinate size of the key's curve; key_mismatch() has checked it is one of kCurves.
int field_bytes(const Key& key) {
  const Curve* curve = curve_by_jose(key.curve);
  return curve != nullptr ? curve->field_bytes : 0;
}

bool is_pss(Algorithm algorithm) {
  return algorithm == Algorithm::ps256 || algorithm == Algorithm::ps384 ||
         algorithm == Algorithm::ps512;
}

std::string hmac(Algorithm algorithm, const Key& key, std::string_view input) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(digest_name(algorithm)).c_str());
  std::string mac(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  // HMAC() takes a non-null key pointer even for an empty secret.
  static const unsigned char kEmpty = 0;
  const unsigned char* secret = key.secret.empty() ? &kEmpty : bytes_of(key.secret);
  if (md == nullptr ||
      HMAC(md, secret, static_cast<int>(key.secret.size()), bytes_of(input), input.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &size) == nullptr) {
    return {};
  }
  mac.resize(size);
  return mac;
}

// Prepares `context` to sign or verify with `algorithm`: the digest, and for
// RSA the padding (PSS with a salt as long as the digest, RFC 7518 §3.5).
bool init_digest(EVP_MD_CTX* context, Algorithm algorithm, const Key& key, bool signing) {
  const std::string digest(digest_name(algorithm));
  EVP_PKEY_CTX* pkey_context = nullptr;
  const char* md = digest.empty() ? nullptr : digest.c_str();
  const int initialised = signing ? EVP_DigestSignInit_ex(context, &pkey_context, md, nullptr,
                                                          nullptr, key.pkey.get(), nullptr)
                                  : EVP_DigestVerifyInit_ex(context, &pkey_context, md, nullptr,
                                                            nullptr, key.pkey.get(), nullptr);
  if (initialised != 1) return false;
  if (key.family != KeyFamily::rsa) return true;
  if (is_pss(algorithm)) {
    return EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_context, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  return EVP_PKEY_CTX_set_rsa_padding(pkey_context, RSA_PKCS1_PADDING) == 1;
}

// An ECDSA R || S signature as DER, after checking 0 < r, s < n.
SignatureCheck ecdsa_der(Algorithm algorithm, const Key& key, std::string_view signature,
                         std::string& der) {
  const auto name = std::string(algorithm_name(algorithm));
  const auto half = static_cast<std::size_t>(field_bytes(key));
  if (signature.size() != 2 * half) {
    const bool looks_der = !signature.empty() && signature.front() == '\x30';
    return {false, name + " signatures are " + std::to_string(2 * half) +
                       " bytes (R || S); this one is " + std::to_string(signature.size()) +
                       (looks_der ? ", and looks DER-encoded, which JWS does not use" : "")};
  }
  Bignum r = bignum_from_bytes(signature.substr(0, half));
  Bignum s = bignum_from_bytes(signature.substr(half));
  const EcGroup group(EC_GROUP_new_by_curve_name(curve_by_jose(key.curve)->nid));
  if (!r || !s || !group) return {false, "OpenSSL could not read the signature"};
  const BIGNUM* order = EC_GROUP_get0_order(group.get());
  for (const auto& [label, value] : {std::pair{"r", r.get()}, std::pair{"s", s.get()}}) {
    if (BN_is_zero(value)) {
      return {false, std::string(label) +
                         " is 0: no valid ECDSA signature has that (the \"psychic signature\", "
                         "CVE-2022-21449)"};
    }
    if (BN_cmp(value, order) >= 0) {
      return {false, std::string(label) + " is not below the order of " + key.curve +
                         ", so the signature is invalid"};
    }
  }
  EcdsaSignature parsed(ECDSA_SIG_new());
  if (!parsed || ECDSA_SIG_set0(parsed.get(), r.get(), s.get()) != 1) {
    return {false, "OpenSSL could not build the ECDSA signature"};
  }
  static_cast<void>(r.release());
  static_cast<void>(s.release());
  unsigned char* encoded = nullptr;
  const int size = i2d_ECDSA_SIG(parsed.get(), &encoded);
  if (size <= 0) return {false, "OpenSSL could not encode the ECDSA signature"};
  der.assign(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(size));
  OPENSSL_free(encoded);
  return {true, {}};
}

// DER ECDSA (what OpenSSL produces) to the fixed-size R || S JWS uses.
Result<std::string> ecdsa_raw(const Key& key, std::string_view der) {
  const auto* data = bytes_of(der);
  const EcdsaSignature parsed(d2i_ECDSA_SIG(nullptr, &data, static_cast<long>(der.size())));
  if (!parsed) return fail("internal", "OpenSSL produced an unreadable ECDSA signature");
  const int half = field_bytes(key);
  std::string raw(static_cast<std::size_t>(2 * half), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), out, half) != half ||
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), out + half, half) != half) {
    return fail("internal", "OpenSSL produced an ECDSA signature larger than the curve");
  }
  return raw;
}

std::string key_phrase(const Key& key) {
  std::string phrase = describe_key(key);
  if (!key.kid.empty()) phrase += " (kid " + key.kid + ")";
  return phrase;
}

}  // namespace

std::optional<std::string> key_mismatch(Algorithm algorithm, const Key& key) {
  const auto name = std::string(algorithm_name(algorithm));
  const auto needed = key_family(algorithm);
  if (needed != key.family) {
    const std::string wanted = needed == KeyFamily::hmac  ? "a shared secret"
                               : needed == KeyFamily::rsa ? "an RSA key"
                               : needed == KeyFamily::ec  ? "an EC key"
                                                          : "an Ed25519 or Ed448 key";
    std::string why = name + " needs " + wanted + ", but the key is the " + describe_key(key);
    if (needed == KeyFamily::hmac && !key.has_private) {
      why += "; treating a public key as an HMAC secret is the key-confusion attack";
    }
    return why;
  }
  if (needed == KeyFamily::ec && key.curve != required_curve(algorithm)) {
    return name + " is defined on " + std::string(required_curve(algorithm)) +
           ", but the key is on " + key.curve;
  }
  if (needed == KeyFamily::rsa && key.pss_only && !is_pss(algorithm)) {
    return name + " uses PKCS#1 v1.5 padding, but the key is restricted to RSA-PSS";
  }
  return std::nullopt;
}

std::optional<KeyRefusal> refuse_key(Algorithm algorithm, const Key& key, KeyPurpose purpose) {
  if (auto mismatch = key_mismatch(algorithm, key))
    return KeyRefusal{"key_type_mismatch", *mismatch};
  if (key.use == "enc") {
    return KeyRefusal{"key_type_mismatch",
                      "the key is for encryption (its JWK \"use\" is \"enc\"), not signatures"};
  }
  const std::string operation = purpose == KeyPurpose::sign ? "sign" : "verify";
  if (!key.key_ops.empty() &&
      std::find(key.key_ops.begin(), key.key_ops.end(), operation) == key.key_ops.end()) {
    return KeyRefusal{"key_type_mismatch",
                      "the key's JWK \"key_ops\" do not include \"" + operation + "\""};
  }
  const auto name = algorithm_name(algorithm);
  if (!key.alg.empty() && key.alg != name) {
    return KeyRefusal{"alg_not_allowed", "the key is declared for " + util::quote(key.alg) +
                                             " (its JWK \"alg\"), not " + std::string(name)};
  }
  return std::nullopt;
}

SignatureCheck verify_signature(Algorithm algorithm, const Key& key, std::string_view signing_input,
                                std::string_view signature) {
  if (auto mismatch = key_mismatch(algorithm, key)) return {false, *mismatch};
  const auto name = std::string(algorithm_name(algorithm));
  const std::string verified = name + " signature verified with the " + key_phrase(key);
  if (key.family == KeyFamily::hmac) {
    const auto expected = hmac(algorithm, key, signing_input);
    if (expected.empty()) return {false, "OpenSSL could not compute the HMAC"};
    if (signature.size() != expected.size()) {
      return {false, name + " signatures are " + std::to_string(expected.size()) +
                         " bytes; this one is " + std::to_string(signature.size())};
    }
    if (CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0) {
      return {false,
              "the HMAC does not match: the token was changed or signed with another "
              "secret"};
    }
    return {true, verified};
  }
  std::string der;
  std::string_view checked = signature;
  if (key.family == KeyFamily::rsa) {
    const auto size = static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()));
    if (signature.size() != size) {
      return {false, name + " signatures with this " + std::to_string(key.bits) + "-bit key are " +
                         std::to_string(size) + " bytes; this one is " +
                         std::to_string(signature.size())};
    }
  } else if (key.family == KeyFamily::ec) {
    auto converted = ecdsa_der(algorithm, key, signature, der);
    if (!converted.ok) return converted;
    checked = der;
  }
  const DigestContext context(EVP_MD_CTX_new());
  if (!context || !init_digest(context.get(), algorithm, key, false)) {
    return {false, "OpenSSL cannot verify " + name + " with the " + key_phrase(key)};
  }
  if (EVP_DigestVerify(context.get(), bytes_of(checked), checked.size(), bytes_of(signing_input),
                       signing_input.size()) != 1) {
    std::string detail =
        "the signature does not match: the token was changed or signed with another key";
    if (is_pss(algorithm)) {
      detail += " (or with another PSS salt length: " + name +
                " needs one as long as the hash, RFC 7518 §3.5)";
    }
    return {false, detail};
  }
  return {true, verified};
}

Result<std::string> create_signature(Algorithm algorithm, const Key& key,
                                     std::string_view signing_input) {
  if (auto refusal = refuse_key(algorithm, key, KeyPurpose::sign)) {
    return fail("bad_key", refusal->detail);
  }
  const auto name = std::string(algorithm_name(algorithm));
  if (key.family == KeyFamily::hmac) {
    auto mac = hmac(algorithm, key, signing_input);
    if (mac.empty()) return fail("internal", "OpenSSL could not compute the HMAC");
    return mac;
  }
  if (!key.has_private) {
    return fail("bad_key",
                "the " + describe_key(key) + " cannot sign: signing needs the private key",
                "give the private key (PEM or a JWK with \"d\")");
  }
  const DigestContext context(EVP_MD_CTX_new());
  if (!context || !init_digest(context.get(), algorithm, key, true)) {
    return fail("internal", "OpenSSL cannot sign " + name + " with the " + describe_key(key));
  }
  std::size_t size = 0;
  if (EVP_DigestSign(context.get(), nullptr, &size, bytes_of(signing_input),
                     signing_input.size()) != 1) {
    return fail("internal", "OpenSSL cannot size the " + name + " signature");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     bytes_of(signing_input), signing_input.size()) != 1) {
    return fail("internal", "OpenSSL failed to sign with the " + describe_key(key));
  }
  signature.resize(size);
  if (key.family == KeyFamily::ec) return ecdsa_raw(key, signature);
  return signature;
}

Result<std::string> sign_token(Algorithm algorithm, const Key& key, const std::string& kid,
                               const Json& claims) {
  Json header = Json::object();
  header["alg"] = std::string(algorithm_name(algorithm));
  header["typ"] = "JWT";
  if (!kid.empty()) header["kid"] = kid;
  std::string header_text;
  std::string claims_text;
  try {
    header_text = header.dump();
    claims_text = claims.dump();
  } catch (const Json::exception&) {
    return fail("bad_option", "the claims or the kid are not valid UTF-8",
                "JSON text must be UTF-8 (RFC 8259 §8.1)");
  }
  const auto input =
      util::base64url_encode(header_text) + "." + util::base64url_encode(claims_text);
  auto signature = create_signature(algorithm, key, input);
  if (!signature) return tl::unexpected(signature.error());
  return input + "." + util::base64url_encode(*signature);
}

}  // namespace reqscope::jwt
