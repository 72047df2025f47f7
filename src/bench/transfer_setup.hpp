#pragma once

#include <curl/curl.h>

#include <string>

#include "../http/curl_handle.hpp"
#include "reqscope/bench/config.hpp"

namespace reqscope::bench {

// The options every transfer of a run shares, built once and read by every
// thread: libcurl copies strings but keeps pointers to lists and the body.
class TransferSetup {
 public:
  // `connect_address` is the IP address (IPv6 without brackets) the host was
  // resolved to; every connection goes there, so no transfer resolves again.
  TransferSetup(const BenchConfig& config, const std::string& connect_address,
                std::uint16_t connect_port);

  // Sets every option of one transfer on a fresh easy handle.
  void apply(CURL* easy) const;

  bool multiplexed() const { return multiplexed_; }

 private:
  const BenchConfig& config_;
  std::string url_;
  std::string method_;
  bool custom_method_ = false;
  bool head_ = false;
  bool multiplexed_ = false;
  long http_version_ = CURL_HTTP_VERSION_2TLS;
  std::string user_agent_;
  http::Slist headers_;
  http::Slist connect_to_;
};

}  // namespace reqscope::bench
