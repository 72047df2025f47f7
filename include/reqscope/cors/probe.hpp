#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/cors/evaluation.hpp"
#include "reqscope/cors/scan.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/http/url.hpp"

namespace reqscope::cors {

struct ProbeOptions {
  // Connection settings (timeout, TLS, resolve overrides, body); method and
  // headers are set per request.
  http::TraceOptions transport;
  bool scan = false;
  // Called before each scan probe and once after the last (done == total).
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// One --scan request and its response.
struct ScanExchange {
  ScanProbe probe;
  std::string method;
  std::optional<http::TraceResult> trace;
  // Whether the CORS check passed for a page of the probe's origin, in the
  // request's credentials mode: what the server lets that origin read.
  bool allowed = false;
};

struct CorsRun {
  std::string url;
  Evaluation evaluation;
  std::optional<http::TraceResult> preflight_trace;
  std::optional<http::TraceResult> actual_trace;
  std::vector<ScanExchange> scan;
  std::optional<http::TraceFailure> failure;  // set: the verdict is unknown (exit 3)
  bool interrupted = false;                   // the cancel flag stopped --scan early
  bool ok() const { return !failure.has_value(); }
};

// One cross-origin call as a browser makes it, as often as asked: the
// preflight when one is needed, then the request unless the preflight failed.
// It keeps a Tracer for each, so runs with `keep_connection` reuse connections.
class CallTracer {
 public:
  CallTracer(Request request, const http::TraceOptions& transport);

  struct Call {
    std::optional<http::TraceResult> preflight;  // sent when the plan needs one
    std::optional<http::TraceResult> actual;     // sent unless the preflight failed
    std::optional<http::TraceFailure> failure;   // its message names the request that failed
    Evaluation evaluation;                       // of what was answered
    bool ok() const { return !failure.has_value(); }
  };
  Call run(const http::Url& url, bool keep_connection = false);

 private:
  Request request_;
  PreflightPlan plan_;
  std::unique_ptr<http::Tracer> preflight_;
  http::Tracer actual_;
};

// The call as one trace, for the waterfall: the preflight's hop, then the request's.
http::TraceResult as_one_trace(const CallTracer::Call& call);

// The most requests one --scan sends, the page's own included.
inline constexpr std::size_t kMaxScanRequests = 8;

// Sends what the browser would: the preflight when one is needed, then the
// actual request unless the preflight failed; with `scan`, one more request per
// probe origin (preflights when one is needed, else GET or HEAD: a POST is
// never repeated). Evaluates it all.
CorsRun run_cors(const http::Url& url, const Request& request, const ProbeOptions& options);

// `base` set up to send one of the page's requests as fetch() does: `method` and
// `headers`, the body only when `with_body`, redirects not followed (the
// browser CORS-checks each itself), and Content-Length: 0 for a POST or PUT
// without a body.
http::TraceOptions fetch_options(const http::TraceOptions& base, std::string method,
                                 http::Headers headers, bool with_body);

// Refuses (kind "bad_origin") an origin that is the URL's own: a browser applies
// no CORS to a same-origin call, so there is nothing to check.
Result<void> check_cross_origin(const Origin& origin, const http::Url& url);

// Builds the response the evaluator sees from a trace's final hop.
Response response_of(const http::TraceResult& trace);

}  // namespace reqscope::cors
