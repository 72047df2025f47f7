#pragma once

#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string_view>

namespace reqscope::jwt {

// Owning handles for the OpenSSL objects used only inside the JWT code.
struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct ParamBuilderDeleter {
  void operator()(OSSL_PARAM_BLD* builder) const { OSSL_PARAM_BLD_free(builder); }
};
struct ParamsDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct DecoderContextDeleter {
  void operator()(OSSL_DECODER_CTX* context) const { OSSL_DECODER_CTX_free(context); }
};
struct EcdsaSignatureDeleter {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
struct EcGroupDeleter {
  void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
};
struct EcPointDeleter {
  void operator()(EC_POINT* point) const { EC_POINT_free(point); }
};

using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, ParamBuilderDeleter>;
using Params = std::unique_ptr<OSSL_PARAM, ParamsDeleter>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;
using DecoderContext = std::unique_ptr<OSSL_DECODER_CTX, DecoderContextDeleter>;
using EcdsaSignature = std::unique_ptr<ECDSA_SIG, EcdsaSignatureDeleter>;
using EcGroup = std::unique_ptr<EC_GROUP, EcGroupDeleter>;
using EcPoint = std::unique_ptr<EC_POINT, EcPointDeleter>;

// An unsigned big-endian number as a BIGNUM.
inline Bignum bignum_from_bytes(std::string_view bytes) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

}  // namespace reqscope::jwt
