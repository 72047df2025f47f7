// Key files in PEM: the block is found and named first, so each failure can
// say which form it was and what to do about it.

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>

#include "key_detail.hpp"
#include "openssl_handles.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::jwt {

namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

struct PemBlock {
  std::string label;
  std::string_view text;  // from "-----BEGIN" to the end of "-----END ...-----"
};

// The PEM blocks in `text`, in order.
std::vector<PemBlock> pem_blocks(std::string_view text) {
  std::vector<PemBlock> blocks;
  constexpr std::string_view kBegin = "-----BEGIN ";
  std::size_t at = 0;
  while ((at = text.find(kBegin, at)) != std::string_view::npos) {
    const auto label_end = text.find("-----", at + kBegin.size());
    if (label_end == std::string_view::npos) break;
    std::string label(text.substr(at + kBegin.size(), label_end - at - kBegin.size()));
    const std::string end_marker = "-----END " + label + "-----";
    const auto end = text.find(end_marker, label_end);
    if (end == std::string_view::npos) {
      blocks.push_back({std::move(label), text.substr(at)});
      break;
    }
    blocks.push_back({std::move(label), text.substr(at, end + end_marker.size() - at)});
    at = end + end_marker.size();
  }
  return blocks;
}

struct PemForm {
  std::string_view label;
  std::string_view description;
  bool is_private;
};

constexpr std::array<PemForm, 5> kKeyForms = {{
    {"PUBLIC KEY", "SPKI public key (PEM)", false},
    {"RSA PUBLIC KEY", "PKCS#1 RSA public key (PEM)", false},
    {"PRIVATE KEY", "PKCS#8 private key (PEM)", true},
    {"RSA PRIVATE KEY", "PKCS#1 RSA private key (PEM)", true},
    {"EC PRIVATE KEY", "SEC1 EC private key (PEM)", true},
}};

Result<tls::Pkey> decode_key_block(std::string_view block, bool is_private) {
  EVP_PKEY* decoded = nullptr;
  const int selection = is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  DecoderContext decoder(OSSL_DECODER_CTX_new_for_pkey(&decoded, "PEM", nullptr, nullptr, selection,
                                                       nullptr, nullptr));
  if (!decoder) return fail("internal", "cannot create an OpenSSL key decoder");
  const auto* data = reinterpret_cast<const unsigned char*>(block.data());
  std::size_t length = block.size();
  if (OSSL_DECODER_from_data(decoder.get(), &data, &length) != 1 || decoded == nullptr) {
    return fail("bad_key", "", "");
  }
  return tls::Pkey(decoded);
}

Result<tls::Pkey> certificate_key(std::string_view block) {
  Bio bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) return fail("internal", "cannot create an OpenSSL memory BIO");
  tls::Certificate certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) return fail("bad_key", "", "");
  EVP_PKEY* key = X509_get_pubkey(certificate.get());
  if (key == nullptr) return fail("bad_key", "", "");
  return tls::Pkey(key);
}

}  // namespace

Result<Key> key_from_pem(std::string_view text, std::string_view name) {
  const std::string where(name);
  const auto blocks = pem_blocks(text);
  if (blocks.empty() && text.find("-----BEGIN") != std::string_view::npos) {
    return fail("bad_key", where + " has a -----BEGIN line that is not complete",
                "a PEM block starts with a line like -----BEGIN PUBLIC KEY-----");
  }
  if (blocks.empty()) {
    return fail("bad_key", where + " is neither PEM (no -----BEGIN line) nor a JSON JWK",
                "give a PEM key or certificate, a JWK or a JWKS; an HMAC secret goes in "
                "--secret-file");
  }
  for (const auto& block : blocks) {
    if (block.label == "EC PARAMETERS") continue;  // `openssl ecparam -genkey` writes it first
    if (block.label == "ENCRYPTED PRIVATE KEY" ||
        block.text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
      return fail("bad_key", where + " holds an encrypted private key",
                  "decrypt it first: openssl pkey -in KEY -out plain.pem");
    }
    std::string description;
    Result<tls::Pkey> pkey = fail("bad_key", "");
    bool is_private = false;
    if (block.label == "CERTIFICATE") {
      description = "X.509 certificate (PEM)";
      pkey = certificate_key(block.text);
    } else {
      const PemForm* form = nullptr;
      for (const auto& candidate : kKeyForms) {
        if (candidate.label == block.label) form = &candidate;
      }
      if (form == nullptr) {
        return fail("bad_key",
                    where + " holds a PEM " + util::quote(block.label) + " block, not a key",
                    "give a public key, a private key or a certificate in PEM");
      }
      description = form->description;
      is_private = form->is_private;
      pkey = decode_key_block(block.text, is_private);
    }
    if (!pkey) {
      if (pkey.error().kind != "bad_key") return tl::unexpected(pkey.error());
      return fail("bad_key", where + ": the " + description + " does not decode",
                  "check that the file is complete and was not edited; openssl pkey -in FILE "
                  "-noout checks a key");
    }
    return key_from_pkey(std::move(*pkey), is_private, description, where);
  }
  return fail("bad_key", where + " holds only EC parameters, no key",
              "give the file with the EC PRIVATE KEY block");
}

}  // namespace reqscope::jwt
