#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/dns/resolve.hpp"
#include "reqscope/error.hpp"
#include "reqscope/http/header.hpp"
#include "reqscope/http/overrides.hpp"
#include "reqscope/http/phases.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/tls/summary.hpp"

namespace reqscope::http {

enum class HttpVersion { automatic, http1_1, http2 };

struct TraceOptions {
  std::string method;  // empty: GET, or POST when a body is given
  Headers headers;
  std::optional<std::string> body;
  bool follow_redirects = false;
  int max_redirects = 20;
  dns::Family family = dns::Family::any;
  std::vector<ResolveOverride> resolve_overrides;
  std::vector<ConnectToOverride> connect_to_overrides;
  bool insecure = false;
  std::string ca_file;
  HttpVersion http_version = HttpVersion::automatic;
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
  std::string hosts_path = "/etc/hosts";
  std::vector<std::string> dns_servers;  // "IP:PORT"; empty: the system's resolvers
  // Set: resolve by walking the DNS from these roots instead of asking a resolver.
  std::optional<dns::WalkOptions> dns_walk;
  // When set and it becomes true, the transfer in flight stops with kind "interrupted".
  const std::atomic<bool>* cancel = nullptr;
};

// The method a request goes out with: as given, else GET, or POST with a body (as libcurl does).
std::string effective_method(const std::string& method, bool has_body);
// Whether libcurl needs CURLOPT_CUSTOMREQUEST for this method: all but GET
// without a body, POST with one, and HEAD.
bool needs_custom_method(const std::string& method, bool has_body);

struct ConnectAttempt {
  std::string address;
  std::uint16_t port = 0;
  std::string family;  // "IPv4" or "IPv6"
  std::string result;  // "ok", "refused", "timeout", "unreachable", "error"
  std::string detail;  // the system's reason when not ok
  std::chrono::nanoseconds duration{0};
};

struct Hop {
  std::string url;
  std::string method;
  long status = 0;
  std::string http_version;  // "HTTP/1.1", "HTTP/2"
  std::string remote_ip;
  std::uint16_t remote_port = 0;
  bool reused = false;
  std::optional<dns::Resolution> dns;  // "cached" when an earlier hop or run resolved the host
  std::vector<ConnectAttempt> connects;
  std::optional<tls::Summary> tls;
  std::string request_line;
  Headers request_headers;
  Headers response_headers;
  std::uint64_t body_bytes = 0;
  std::string redirect_url;
  Phases phases;
};

// One failure, located: which kind, in which phase, of which hop.
struct TraceFailure {
  Error error;
  std::string phase;  // "dns", "connect", "tls", "send", "wait", "transfer", "redirect"
};

struct TraceResult {
  std::string url;
  std::vector<Hop> hops;  // a failed hop is included with what was measured
  std::optional<TraceFailure> failure;
  std::chrono::nanoseconds total{0};
  std::chrono::system_clock::time_point started_at;
  bool ok() const { return !failure.has_value(); }
};

// Runs traces with one configuration. A Tracer keeps its libcurl handle, so
// consecutive run()s reuse connections and DNS answers only when `keep_connection`.
class Tracer {
 public:
  explicit Tracer(TraceOptions options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  TraceResult run(const Url& url, bool keep_connection = false);

 private:
  struct State;
  TraceOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace reqscope::http
