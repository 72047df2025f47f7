#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>

namespace reqscope::lab {

// Waits for a duration, or less when the lab stops; false when it stopped.
using Pause = std::function<bool(std::chrono::microseconds)>;

// The lab's endpoints for load tests, whose answers vary from one request to
// the next as a real backend's do: /latency?p50=&p99= waits a random,
// log-normally distributed time, and /flaky?error_rate=&delay= fails at
// random with a 500.
void add_latency_routes(httplib::Server& server, Pause pause);

}  // namespace reqscope::lab
