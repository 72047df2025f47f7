#include "reqscope/cors/evaluation.hpp"

#include <algorithm>

namespace reqscope::cors {

std::optional<Finding> wildcard_with_credentials(const http::Headers& headers) {
  if (get_header(headers, "Access-Control-Allow-Origin") != "*" ||
      get_header(headers, "Access-Control-Allow-Credentials") != "true") {
    return std::nullopt;
  }
  return Finding{
      "wildcard_with_credentials", "medium",
      "Access-Control-Allow-Origin is * with Access-Control-Allow-Credentials: true; browsers "
      "refuse every credentialed call to it",
      "echo the request's origin from an allow-list instead of *, with Vary: Origin", ""};
}

const Check* Evaluation::first_failure() const {
  if (preflight) {
    for (const auto& check : preflight->checks) {
      if (!check.ok) return &check;
    }
  }
  for (const auto& check : actual.checks) {
    if (!check.ok) return &check;
  }
  return nullptr;
}

std::vector<std::string> Evaluation::fixes() const {
  std::vector<std::string> out;
  const auto collect = [&](const std::vector<Check>& checks) {
    for (const auto& check : checks) {
      if (!check.ok && !check.fix.empty() &&
          std::find(out.begin(), out.end(), check.fix) == out.end())
        out.push_back(check.fix);
    }
  };
  if (preflight) collect(preflight->checks);
  collect(actual.checks);
  return out;
}

Evaluation evaluate(const Request& request, const std::optional<Response>& preflight,
                    const std::optional<Response>& actual) {
  Evaluation evaluation;
  evaluation.request = request;
  evaluation.plan = plan_preflight(request);
  bool preflight_passed = true;
  if (evaluation.plan.needed) {
    Exchange exchange;
    if (preflight) {
      exchange.sent = true;
      exchange.response = *preflight;
      exchange.checks = check_preflight(request, evaluation.plan, *preflight);
    }
    preflight_passed = exchange.sent && passed(exchange.checks);
    evaluation.preflight = std::move(exchange);
  }
  if (actual && preflight_passed) {
    evaluation.actual.sent = true;
    evaluation.actual.response = *actual;
    evaluation.actual.checks = check_actual(request, *actual);
  }
  evaluation.allowed =
      preflight_passed && evaluation.actual.sent && passed(evaluation.actual.checks);
  if (evaluation.allowed) evaluation.readable_headers = readable_headers(request, *actual);
  evaluation.findings = response_findings(evaluation);
  return evaluation;
}

std::vector<Finding> response_findings(const Evaluation& evaluation) {
  std::vector<Finding> findings;
  const auto& actual = evaluation.actual;
  auto wildcard = evaluation.preflight && evaluation.preflight->sent
                      ? wildcard_with_credentials(evaluation.preflight->response.headers)
                      : std::nullopt;
  if (!wildcard && actual.sent) wildcard = wildcard_with_credentials(actual.response.headers);
  if (wildcard) findings.push_back(std::move(*wildcard));
  return findings;
}

bool has_high_finding(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == "high"; });
}

}  // namespace reqscope::cors
