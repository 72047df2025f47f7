#include "reqscope/cors/probe.hpp"

#include <algorithm>

namespace reqscope::cors {

namespace {

http::TraceResult send(const http::Url& url, const http::TraceOptions& transport,
                       std::string method, http::Headers headers, bool with_body) {
  http::Tracer tracer(fetch_options(transport, std::move(method), std::move(headers), with_body));
  return tracer.run(url);
}

http::Headers with_origin(http::Headers headers, const std::string& origin) {
  for (auto& header : headers) {
    if (header.name == "Origin") header.value = origin;
  }
  return headers;
}

// The failure with the request it ended named first in its message.
http::TraceFailure located(http::TraceFailure failure, const std::string& request) {
  failure.error.message = request + ": " + failure.error.message;
  return failure;
}

int severity_rank(const std::string& severity) {
  if (severity == "high") return 0;
  if (severity == "medium") return 1;
  if (severity == "low") return 2;
  return 3;
}

bool cancelled(const ProbeOptions& options) {
  return options.transport.cancel != nullptr && options.transport.cancel->load();
}

void run_scan(const http::Url& url, const ProbeOptions& options, CorsRun& run) {
  const auto& evaluation = run.evaluation;
  const auto& plan = evaluation.plan;
  const bool preflights = plan.needed;
  const Response baseline =
      preflights ? evaluation.preflight->response : evaluation.actual.response;
  const std::string method = preflights ? "OPTIONS" : plan.method == "HEAD" ? "HEAD" : "GET";
  const auto headers = preflights ? plan.headers : actual_request_headers(evaluation.request);
  std::vector<ProbeResponse> responses;
  auto probes = scan_probes(evaluation.request.origin);
  const std::size_t sent = (run.preflight_trace ? 1 : 0) + (run.actual_trace ? 1 : 0);
  probes.resize(std::min(probes.size(), kMaxScanRequests - sent));
  for (const auto& probe : probes) {
    if (cancelled(options)) {
      run.interrupted = true;
      break;
    }
    if (options.progress) options.progress(run.scan.size(), probes.size());
    ScanExchange exchange{probe, method, std::nullopt};
    exchange.trace =
        send(url, options.transport, method, with_origin(headers, probe.origin), false);
    if (exchange.trace->ok()) {
      const auto response = response_of(*exchange.trace);
      auto page = evaluation.request;
      if (auto origin = parse_origin(probe.origin)) page.origin = *origin;
      exchange.allowed = passed(cors_check(page, response));
      responses.push_back({probe, response});
    }
    run.scan.push_back(std::move(exchange));
  }
  if (cancelled(options)) run.interrupted = true;
  if (options.progress) options.progress(probes.size(), probes.size());
  auto& findings = run.evaluation.findings;
  for (auto& finding : scan_findings(evaluation.request, baseline, responses)) {
    const bool known = std::any_of(findings.begin(), findings.end(),
                                   [&](const Finding& f) { return f.id == finding.id; });
    if (!known) findings.push_back(std::move(finding));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return severity_rank(a.severity) < severity_rank(b.severity);
  });
}

}  // namespace

http::TraceOptions fetch_options(const http::TraceOptions& base, std::string method,
                                 http::Headers headers, bool with_body) {
  auto options = base;
  options.method = std::move(method);
  options.headers = std::move(headers);
  options.follow_redirects = false;
  if (!with_body) {
    options.body.reset();
  } else if (options.body) {
    // libcurl asks large bodies for "Expect: 100-continue", a header fetch() never sends.
    options.headers.push_back({"Expect", ""});
  } else if (!options.body && (options.method == "POST" || options.method == "PUT")) {
    // An empty body makes libcurl send Content-Length: 0, as fetch() does; the
    // empty Content-Type stops libcurl adding its form type.
    options.body = "";
    if (!get_header(options.headers, "Content-Type"))
      options.headers.push_back({"Content-Type", ""});
  }
  return options;
}

Result<void> check_cross_origin(const Origin& origin, const http::Url& url) {
  if (origin.opaque || origin.scheme != url.scheme || origin.host != url.host ||
      origin.port != url.port) {
    return {};
  }
  return fail("bad_origin",
              "--origin " + origin.serialize() +
                  " is the URL's own origin: a browser applies no CORS to this call",
              "give the origin of the page that calls this API");
}

Response response_of(const http::TraceResult& trace) {
  if (trace.hops.empty()) return {};
  const auto& hop = trace.hops.back();
  return {hop.status, hop.response_headers};
}

CallTracer::CallTracer(Request request, const http::TraceOptions& transport)
    : request_(std::move(request)),
      plan_(plan_preflight(request_)),
      actual_(fetch_options(transport, plan_.method, actual_request_headers(request_), true)) {
  if (plan_.needed) {
    preflight_ =
        std::make_unique<http::Tracer>(fetch_options(transport, "OPTIONS", plan_.headers, false));
  }
}

CallTracer::Call CallTracer::run(const http::Url& url, bool keep_connection) {
  Call call;
  std::optional<Response> preflight;
  if (preflight_) {
    call.preflight = preflight_->run(url, keep_connection);
    if (!call.preflight->ok()) {
      call.failure = located(*call.preflight->failure, "the preflight (OPTIONS)");
      call.evaluation = evaluate(request_, std::nullopt, std::nullopt);
      return call;
    }
    preflight = response_of(*call.preflight);
    if (!passed(check_preflight(request_, plan_, *preflight))) {
      call.evaluation = evaluate(request_, preflight, std::nullopt);
      return call;
    }
  }
  call.actual = actual_.run(url, keep_connection);
  if (!call.actual->ok()) {
    call.failure = located(*call.actual->failure, "the actual request (" + plan_.method + ")");
    call.evaluation = evaluate(request_, preflight, std::nullopt);
    return call;
  }
  call.evaluation = evaluate(request_, preflight, response_of(*call.actual));
  return call;
}

http::TraceResult as_one_trace(const CallTracer::Call& call) {
  if (!call.actual) return *call.preflight;
  auto trace = *call.actual;
  if (call.preflight) {
    trace.hops.insert(trace.hops.begin(), call.preflight->hops.begin(), call.preflight->hops.end());
    trace.total += call.preflight->total;
    trace.started_at = call.preflight->started_at;
  }
  return trace;
}

CorsRun run_cors(const http::Url& url, const Request& request, const ProbeOptions& options) {
  CorsRun run;
  run.url = url.to_string();
  auto call = CallTracer(request, options.transport).run(url);
  run.preflight_trace = std::move(call.preflight);
  run.actual_trace = std::move(call.actual);
  run.failure = std::move(call.failure);
  run.evaluation = std::move(call.evaluation);
  if (run.ok() && options.scan) run_scan(url, options, run);
  return run;
}

}  // namespace reqscope::cors
