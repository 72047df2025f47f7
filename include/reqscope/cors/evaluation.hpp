#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reqscope/cors/request.hpp"
#include "reqscope/cors/response.hpp"

namespace reqscope::cors {

// Something worth fixing that does not decide this request's verdict.
struct Finding {
  std::string id;        // stable, e.g. "missing_vary", "origin_reflected"
  std::string severity;  // "high", "medium", "low" or "info"
  std::string message;
  std::string fix;
  std::string origin;  // the origin a --scan probe sent; empty otherwise
};

// One request the browser would send, and what it decided about the response.
struct Exchange {
  bool sent = false;
  Response response;
  std::vector<Check> checks;
};

struct Evaluation {
  Request request;
  PreflightPlan plan;
  std::optional<Exchange> preflight;  // present when plan.needed
  Exchange actual;                    // not sent when the preflight failed
  bool allowed = false;
  std::vector<std::string> readable_headers;
  std::vector<Finding> findings;

  // The first failed check (preflight first), or nullptr when allowed.
  const Check* first_failure() const;
  // Every distinct fix of the failed checks, in order: all the changes the call needs.
  std::vector<std::string> fixes() const;
};

// Decides what the browser would: `preflight` is the preflight's response (used
// only when the plan needs one), `actual` the actual response when it was sent.
// A failed preflight leaves the actual request unsent, as in the browser.
Evaluation evaluate(const Request& request, const std::optional<Response>& preflight,
                    const std::optional<Response>& actual);

// Findings from the responses alone: a wildcard with credentials. (Whether
// Allow-Origin varies with Origin, so that Vary: Origin matters, takes --scan.)
std::vector<Finding> response_findings(const Evaluation& evaluation);

// The wildcard_with_credentials finding when `headers` pair Allow-Origin * with
// Allow-Credentials: true.
std::optional<Finding> wildcard_with_credentials(const http::Headers& headers);

// True when any finding has severity "high".
bool has_high_finding(const std::vector<Finding>& findings);

}  // namespace reqscope::cors
