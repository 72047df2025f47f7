// Fuzz target for the CORS evaluator: reqscope::cors::parse_origin() on the
// first line, then a request (method on the second line, request headers up
// to a blank line) and a response (status, then headers) built from the rest,
// evaluated as preflight and actual response. Any input must parse or fail
// with a one-line "bad_origin" error, and the verdict must agree with the
// checks; a broken invariant aborts, which libFuzzer and the replay test report.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "reqscope/cors/evaluation.hpp"
#include "reqscope/cors/origin.hpp"
#include "reqscope/cors/scan.hpp"
#include "reqscope/util/text.hpp"

namespace {

namespace cors = reqscope::cors;
namespace http = reqscope::http;

[[noreturn]] void invariant_failed(const char* what) {
  std::fprintf(stderr, "cors_fuzz: invariant failed: %s\n", what);
  std::abort();
}

void check(bool holds, const char* what) {
  if (!holds) invariant_failed(what);
}

// Splits off the text before the next '\n' (all of it when there is none).
std::string_view next_line(std::string_view& text) {
  const auto end = text.find('\n');
  const auto line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line;
}

cors::Origin origin_from(std::string_view line) {
  const auto origin = cors::parse_origin(line);
  if (!origin) {
    check(origin.error().kind == "bad_origin", "origin errors are kind bad_origin");
    check(!origin.error().message.empty() && origin.error().message.find('\n') == std::string::npos,
          "origin errors are one line");
    return *cors::parse_origin("https://app.example");
  }
  const auto again = cors::parse_origin(origin->serialize());
  check(again.has_value() && again->serialize() == origin->serialize(),
        "a serialized origin parses to itself");
  return *origin;
}

// Header lines up to a blank line or the end; lines that are not headers are skipped.
http::Headers headers_from(std::string_view& text) {
  http::Headers headers;
  while (!text.empty()) {
    const auto line = next_line(text);
    if (line.empty()) break;
    if (auto header = http::parse_header_line(line)) headers.push_back(*header);
  }
  return headers;
}

void check_plan(const cors::PreflightPlan& plan) {
  check(plan.needed == !plan.reasons.empty(),
        "a preflight is needed exactly when there are reasons");
  for (std::size_t i = 1; i < plan.unsafe_headers.size(); ++i) {
    check(plan.unsafe_headers[i - 1].name < plan.unsafe_headers[i].name,
          "unsafe header names are sorted and unique");
  }
  for (const auto& header : plan.unsafe_headers) {
    check(header.name == reqscope::util::to_lower(header.name),
          "unsafe header names are lower case");
  }
}

void check_evaluation(const cors::Evaluation& evaluation) {
  const auto* failure = evaluation.first_failure();
  check(evaluation.allowed == (failure == nullptr && evaluation.actual.sent),
        "allowed exactly when every check passed and the request was sent");
  const auto checks_have_fixes = [](const std::vector<cors::Check>& checks) {
    return std::all_of(checks.begin(), checks.end(),
                       [](const cors::Check& c) { return c.ok || !c.fix.empty(); });
  };
  check(checks_have_fixes(evaluation.actual.checks), "every failed check names a fix");
  if (evaluation.preflight)
    check(checks_have_fixes(evaluation.preflight->checks), "every failed check names a fix");
  if (!evaluation.allowed)
    check(evaluation.readable_headers.empty(), "a blocked response has no readable headers");
  for (const auto& name : evaluation.readable_headers)
    check(name != "set-cookie" && name != "set-cookie2", "Set-Cookie is never readable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto origin = origin_from(next_line(text));
  const auto method = next_line(text);
  const bool credentials = method.starts_with("+");
  cors::Request request{origin, std::string(credentials ? method.substr(1) : method),
                        headers_from(text), credentials};
  if (request.method.empty() || !http::is_token(request.method)) request.method = "GET";
  check_plan(cors::plan_preflight(request));

  cors::Response response;
  const auto status_line = next_line(text);
  response.status = status_line.empty() ? 0 : static_cast<unsigned char>(status_line[0]) + 100;
  response.headers = headers_from(text);
  check_evaluation(cors::evaluate(request, response, response));

  std::vector<cors::ProbeResponse> probes;
  for (const auto& probe : cors::scan_probes(origin))
    probes.push_back({probe, response});
  for (const auto& finding : cors::scan_findings(request, response, probes)) {
    check(!finding.id.empty() && !finding.fix.empty(), "findings have an id and a fix");
  }
  return 0;
}
