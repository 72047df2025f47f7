#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>

namespace reqscope::lab {

// The lab's CORS endpoint, /cors/{name}: its query parameters choose the
// allowed origins and the Access-Control-* headers, so every verdict of
// `reqscope cors`, and each classic misconfiguration, can be reproduced. A
// browser sends the preflight and the actual request to the same URL, so both
// are answered from the same parameters.
class CorsRoutes {
 public:
  void add_to(httplib::Server& server);

 private:
  std::atomic<std::uint64_t> next_request_id_{1};
};

}  // namespace reqscope::lab
