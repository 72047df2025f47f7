#pragma once

#include <openssl/bio.h>

#include <memory>
#include <string>

namespace reqscope::tls {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// An in-memory BIO that OpenSSL's printers write into.
using MemoryBio = std::unique_ptr<BIO, BioDeleter>;

inline MemoryBio make_memory_bio() {
  return MemoryBio(BIO_new(BIO_s_mem()));
}

// Everything written into a memory BIO so far.
inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string{};
}

}  // namespace reqscope::tls
