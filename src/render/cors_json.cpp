#include "reqscope/render/cors_json.hpp"

#include "reqscope/util/duration.hpp"

namespace reqscope::render {

namespace {

Json checks_json(const std::vector<cors::Check>& checks, bool show_secrets) {
  Json out = Json::array();
  for (const auto& check : checks) {
    out.push_back({{"id", check.id},
                   {"rule", check.rule},
                   {"ok", check.ok},
                   {"detail", check.detail},
                   {"headers", headers_json(check.headers, show_secrets)},
                   {"fix", check.fix.empty() ? Json(nullptr) : Json(check.fix)}});
  }
  return out;
}

Json exchange_json(const cors::Exchange& exchange, bool show_secrets) {
  return {{"sent", exchange.sent},
          {"status", exchange.sent ? Json(exchange.response.status) : Json(nullptr)},
          {"headers", headers_json(exchange.response.headers, show_secrets)},
          {"checks", checks_json(exchange.checks, show_secrets)}};
}

Json findings_json(const std::vector<cors::Finding>& findings) {
  Json out = Json::array();
  for (const auto& finding : findings) {
    out.push_back({{"id", finding.id},
                   {"severity", finding.severity},
                   {"message", finding.message},
                   {"fix", finding.fix},
                   {"origin", finding.origin.empty() ? Json(nullptr) : Json(finding.origin)}});
  }
  return out;
}

Json total_ms(const std::optional<http::TraceResult>& trace) {
  return trace ? Json(util::to_ms(trace->total)) : Json(nullptr);
}

Json scan_json(const std::vector<cors::ScanExchange>& scan) {
  Json out = Json::array();
  for (const auto& exchange : scan) {
    Json entry = {{"id", exchange.probe.id},     {"origin", exchange.probe.origin},
                  {"method", exchange.method},   {"status", nullptr},
                  {"allow_origin", nullptr},     {"allow_credentials", nullptr},
                  {"allowed", exchange.allowed}, {"error", nullptr}};
    if (exchange.trace && exchange.trace->ok()) {
      const auto response = cors::response_of(*exchange.trace);
      entry["status"] = response.status;
      if (auto v = cors::get_header(response.headers, "Access-Control-Allow-Origin"))
        entry["allow_origin"] = *v;
      if (auto v = cors::get_header(response.headers, "Access-Control-Allow-Credentials"))
        entry["allow_credentials"] = *v;
    } else if (exchange.trace) {
      entry["error"] = error_json(exchange.trace->failure->error);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

Json cors_evaluation_json(const cors::Evaluation& evaluation, bool show_secrets) {
  const auto* failure = evaluation.first_failure();
  Json preflight = nullptr;
  if (evaluation.preflight) {
    preflight = exchange_json(*evaluation.preflight, show_secrets);
    preflight["reasons"] = evaluation.plan.reasons;
    preflight["request_headers"] = headers_json(evaluation.plan.headers, show_secrets);
    const auto age = cors::preflight_max_age(evaluation.preflight->response.headers);
    preflight["max_age_s"] = evaluation.preflight->sent ? Json(age.seconds) : Json(nullptr);
  }
  return {{"origin", evaluation.request.origin.serialize()},
          {"method", evaluation.plan.method},
          {"credentials", evaluation.request.credentials},
          {"verdict", evaluation.allowed ? "allowed" : "blocked"},
          {"reason", failure ? Json(failure->id) : Json(nullptr)},
          {"preflight", preflight},
          {"actual", exchange_json(evaluation.actual, show_secrets)},
          {"readable_headers", evaluation.readable_headers},
          {"findings", findings_json(evaluation.findings)}};
}

Json cors_document(const cors::CorsRun& run, bool scanned, bool show_secrets) {
  Json out = {{"schema", kCorsSchema}, {"url", run.url}};
  const auto evaluation = cors_evaluation_json(run.evaluation, show_secrets);
  for (const auto& [key, value] : evaluation.items())
    out[key] = value;
  if (out["preflight"].is_object()) out["preflight"]["total_ms"] = total_ms(run.preflight_trace);
  out["actual"]["total_ms"] = total_ms(run.actual_trace);
  out["scan"] = scanned ? scan_json(run.scan) : Json(nullptr);
  out["interrupted"] = run.interrupted;
  return out;
}

}  // namespace reqscope::render
