#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "reqscope/error.hpp"

namespace reqscope::lab {

// The longest delay any lab endpoint will wait, in milliseconds.
inline constexpr long kMaxDelayMs = 60000;
// The largest body /bytes and /drip will send, and the largest request body accepted.
inline constexpr long kMaxBodyBytes = 100L * 1024 * 1024;
// The longest redirect chain /redirect will build.
inline constexpr long kMaxRedirects = 50;

struct LabOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;  // 0: pick a free port
  bool https = false;
  std::string cert_file;  // with key_file: serve this certificate instead of a generated one
  std::string key_file;
};

// reqscope's teaching and test server: a cpp-httplib server on its own thread.
// Listening when start() returns; stop() (or destruction) ends pending delays
// and joins every thread.
class LabServer {
 public:
  static Result<std::unique_ptr<LabServer>> start(const LabOptions& options);
  ~LabServer();
  LabServer(const LabServer&) = delete;
  LabServer& operator=(const LabServer&) = delete;

  std::string url() const;
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  explicit LabServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace reqscope::lab
