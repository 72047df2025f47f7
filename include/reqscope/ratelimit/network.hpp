#pragma once

#include <memory>

#include "reqscope/error.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/ratelimit/probe.hpp"

namespace reqscope::ratelimit {

// A Sender over the trace engine: one Tracer per concurrent request, each
// keeping its connection, so a burst is as fast as the server allows.
// `options.cancel` interrupts sends and sleeps.
std::unique_ptr<Sender> make_network_sender(const http::Url& url, const http::TraceOptions& options,
                                            unsigned concurrency);

// The passive check: one request, as trace sends it (with the trace's
// failure when there is no answer).
struct PassiveResult {
  http::TraceResult trace;
  RateLimitHeaders headers;
  bool limited = false;
};
PassiveResult check_once(const http::Url& url, const http::TraceOptions& options);

}  // namespace reqscope::ratelimit
