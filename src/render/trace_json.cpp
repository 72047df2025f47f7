#include "reqscope/render/trace_json.hpp"

#include "reqscope/http/repeat.hpp"
#include "reqscope/render/dns_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

Json tls_json(const tls::Summary& tls) {
  return {{"version", tls.version},     {"cipher", tls.cipher},
          {"alpn", tls.alpn},           {"subject", tls.subject},
          {"issuer", tls.issuer},       {"sans", tls.sans},
          {"not_after", tls.not_after}, {"days_left", tls.days_left},
          {"verified", tls.verified},   {"verify_result", tls.verify_result}};
}

Json phases_json(const http::Phases& phases) {
  Json out = Json::object();
  for (const char* name : http::kPhaseNames)
    out[std::string(name) + "_ms"] = http::phase_ms(phases, name);
  return out;
}

Json hop_json(const http::Hop& hop, bool show_secrets) {
  return {{"url", hop.url},
          {"status", hop.status},
          {"http_version", hop.http_version},
          {"remote_ip", hop.remote_ip},
          {"remote_port", hop.remote_port},
          {"reused", hop.reused},
          {"dns", hop.dns ? resolution_json(*hop.dns) : Json(nullptr)},
          {"connects", connects_json(hop.connects)},
          {"tls", hop.tls ? tls_json(*hop.tls) : Json(nullptr)},
          {"request",
           {{"method", hop.method},
            {"line", hop.request_line},
            {"headers", headers_json(hop.request_headers, show_secrets)}}},
          {"response",
           {{"headers", headers_json(hop.response_headers, show_secrets)},
            {"body_bytes", hop.body_bytes}}},
          {"redirect_url", hop.redirect_url.empty() ? Json(nullptr) : Json(hop.redirect_url)},
          {"phases", phases_json(hop.phases)}};
}

}  // namespace

Json headers_json(const http::Headers& headers, bool show_secrets) {
  Json out = Json::array();
  for (const auto& h : headers) {
    out.push_back({{"name", h.name},
                   {"value", show_secrets ? h.value : http::redact_value(h.name, h.value)}});
  }
  return out;
}

Json resolution_json(const dns::Resolution& resolution) {
  Json queries = Json::array();
  for (const auto& q : resolution.queries) {
    Json answers = Json::array();
    for (const auto& a : q.answers)
      answers.push_back({{"address", a.address}, {"ttl_s", a.ttl_s}});
    queries.push_back({{"name", q.name},
                       {"type", q.type},
                       {"status", q.status},
                       {"canonical_name", q.canonical_name},
                       {"answers", answers},
                       {"ms", util::to_ms(q.duration)}});
  }
  Json out{{"host", resolution.host},           {"source", resolution.source},
           {"servers", resolution.servers},     {"queries", queries},
           {"addresses", resolution.addresses}, {"ms", util::to_ms(resolution.duration)}};
  if (resolution.source == "walk") {
    out["walks"] = Json::array();
    for (const auto& walk : resolution.walks)
      out["walks"].push_back(walk_json(walk));
  }
  return out;
}

Json connects_json(const std::vector<http::ConnectAttempt>& attempts) {
  Json connects = Json::array();
  for (const auto& c : attempts) {
    connects.push_back({{"address", c.address},
                        {"port", c.port},
                        {"family", c.family},
                        {"result", c.result},
                        {"detail", c.detail},
                        {"ms", util::to_ms(c.duration)}});
  }
  return connects;
}

Json error_json(const Error& error) {
  return {{"kind", error.kind}, {"message", error.message}, {"hint", error.hint}};
}

Json error_document(const std::string& schema, const Error& error) {
  return {{"schema", schema}, {"error", error_json(error)}};
}

Json trace_json(const http::TraceResult& trace, bool show_secrets) {
  Json hops = Json::array();
  for (const auto& hop : trace.hops)
    hops.push_back(hop_json(hop, show_secrets));
  Json out = {{"url", trace.url},
              {"ok", trace.ok()},
              {"started_at", util::rfc3339_ms(trace.started_at)},
              {"hops", hops},
              {"phases", phases_json(http::trace_phases(trace))},
              {"total_ms", util::to_ms(trace.total)}};
  if (trace.failure) {
    out["error"] = error_json(trace.failure->error);
    out["error"]["phase"] = trace.failure->phase;
  }
  return out;
}

Json checks_json(const std::vector<http::Check>& checks) {
  Json out = Json::array();
  for (const auto& c : checks)
    out.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  return out;
}

Json stats_json(const std::map<std::string, stats::Summary>& stats) {
  Json out = Json::object();
  for (const char* name : http::kPhaseNames) {
    const auto found = stats.find(name);
    if (found == stats.end()) continue;
    const auto& s = found->second;
    out[std::string(name) + "_ms"] = {{"count", s.count}, {"min", s.min}, {"p50", s.p50},
                                      {"p90", s.p90},     {"p99", s.p99}, {"max", s.max},
                                      {"mean", s.mean}};
  }
  return out;
}

Json trace_document(const std::vector<http::TraceResult>& runs,
                    const std::vector<http::Check>& checks, std::size_t requested_runs,
                    bool show_secrets) {
  Json document = {{"schema", kTraceSchema}};
  const bool checks_ok = http::all_passed(checks);
  if (requested_runs <= 1) {
    const Json trace = trace_json(runs.front(), show_secrets);
    for (const auto& [key, value] : trace.items())
      document[key] = value;
    document["ok"] = runs.front().ok() && checks_ok;
  } else {
    Json runs_json = Json::array();
    bool all_ok = true;
    for (const auto& run : runs) {
      runs_json.push_back(trace_json(run, show_secrets));
      all_ok = all_ok && run.ok();
    }
    document["url"] = runs.front().url;
    const bool interrupted = runs.size() < requested_runs;
    document["ok"] = all_ok && checks_ok && !interrupted;
    document["interrupted"] = interrupted;
    document["runs"] = runs_json;
    document["stats"] = stats_json(http::summarize_runs(runs));
  }
  document["checks"] = checks_json(checks);
  return document;
}

}  // namespace reqscope::render
