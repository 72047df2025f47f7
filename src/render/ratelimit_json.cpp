#include "reqscope/render/ratelimit_json.hpp"

#include <cmath>
#include <functional>
#include <string>

#include "reqscope/util/duration.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

using ratelimit::ProbeResult;
using ratelimit::RateLimitHeaders;
using ratelimit::ResetTime;

// Microsecond precision for milliseconds, millisecond precision for seconds:
// finer digits are below what a request's timing can tell.
double rounded(double value) {
  return std::round(value * 1000) / 1000;
}

template <typename T, typename F = std::identity>
Json optional_json(const std::optional<T>& value, F convert = {}) {
  return value ? Json(convert(*value)) : Json(nullptr);
}

// A status of 0 means no answer arrived: null, like every absent figure.
Json status_json(long status) {
  return status == 0 ? Json(nullptr) : Json(status);
}

Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

double seconds_from_response(const ResetTime& time) {
  return rounded(time.seconds_from_response);
}

std::string form_of(const ResetTime& time) {
  return ratelimit::time_form_name(time.form);
}

std::string time_of(const ResetTime& time) {
  return util::rfc3339(time.unix_seconds);
}

Json policies_json(const std::vector<ratelimit::Policy>& policies) {
  Json out = Json::array();
  for (const auto& policy : policies) {
    out.push_back({{"name", policy.name},
                   {"quota", optional_json(policy.quota)},
                   {"quota_unit", policy.quota_unit},
                   {"window_s", optional_json(policy.window_s)},
                   {"remaining", optional_json(policy.remaining)},
                   {"reset_s", optional_json(policy.reset_s)},
                   {"partition_key", optional_json(policy.partition_key)}});
  }
  return out;
}

Json fields_json(const std::vector<ratelimit::HeaderField>& fields) {
  Json out = Json::array();
  for (const auto& field : fields) {
    out.push_back({{"name", field.name},
                   {"value", field.value},
                   {"dialect", field.dialect},
                   {"problem", optional_json(field.problem)}});
  }
  return out;
}

Json headers_json(const RateLimitHeaders& headers) {
  return {{"dialect", headers.dialect},
          {"limit", optional_json(headers.limit)},
          {"remaining", optional_json(headers.remaining)},
          {"reset_s", optional_json(headers.reset, seconds_from_response)},
          {"policy", policies_json(headers.policy)},
          {"retry_after_s", optional_json(headers.retry_after, seconds_from_response)},
          {"used", optional_json(headers.used)},
          {"window_s", optional_json(headers.window_s)},
          {"reset_at", optional_json(headers.reset, time_of)},
          {"reset_form", optional_json(headers.reset, form_of)},
          {"retry_after_form", optional_json(headers.retry_after, form_of)},
          {"resource", optional_json(headers.resource)},
          {"scope", optional_json(headers.scope)},
          {"dialects_found", headers.dialects_found},
          {"fields", fields_json(headers.fields)}};
}

Json timeline_json(const std::vector<ratelimit::TimelineEntry>& timeline) {
  Json out = Json::array();
  for (const auto& entry : timeline) {
    out.push_back({{"t_ms", rounded(util::to_ms(entry.sent))},
                   {"status", status_json(entry.status)},
                   {"remaining", optional_json(entry.remaining)},
                   {"done_ms", rounded(util::to_ms(entry.done))},
                   {"limited", entry.limited},
                   {"retry_after_s", optional_json(entry.retry_after_s, rounded)},
                   {"phase", entry.phase},
                   {"error_kind", text_or_null(entry.error_kind)}});
  }
  return out;
}

Json algorithms_json(const std::vector<ratelimit::Algorithm>& algorithms) {
  Json out = Json::array();
  for (const auto algorithm : algorithms)
    out.push_back(ratelimit::algorithm_name(algorithm));
  return out;
}

Json probe_json(const std::optional<ProbeResult>& probe) {
  if (!probe) return nullptr;
  return {{"requests_sent", probe->requests_sent},
          {"first_429_at", optional_json(probe->first_429_at)},
          {"limit", optional_json(probe->limit)},
          {"window_s", optional_json(probe->window_s, rounded)},
          {"burst", optional_json(probe->burst)},
          {"refill_per_s", optional_json(probe->refill_per_s, rounded)},
          {"algorithm", ratelimit::algorithm_name(probe->algorithm)},
          {"confidence", ratelimit::confidence_name(probe->confidence)},
          {"timeline", timeline_json(probe->timeline)},
          {"consistent_with", algorithms_json(probe->consistent_with)},
          {"evidence", probe->evidence},
          {"stop_reason", probe->stop_reason},
          {"elapsed_ms", rounded(util::to_ms(probe->elapsed))},
          {"retry_after_honoured", probe->retry_after_honoured},
          {"failure", optional_json(probe->failure, error_json)}};
}

Json expect_json(const std::optional<ratelimit::ExpectCheck>& expect) {
  if (!expect) return nullptr;
  return {{"expected", expect->expected},
          {"tolerance", expect->tolerance.value},
          {"tolerance_percent", expect->tolerance.percent},
          {"actual", optional_json(expect->actual)},
          {"source", expect->source},
          {"passed", expect->passed}};
}

}  // namespace

Json ratelimit_document(const ratelimit::RateLimitReport& report) {
  // True exactly when the command exits 0: not interrupted, no failed request.
  const bool probe_ok = !report.probe || (report.probe->stop_reason != "interrupted" &&
                                          report.probe->stop_reason != "failed");
  const bool ok = !report.failure && probe_ok && (!report.expect || report.expect->passed);
  Json document{{"schema", kRateLimitSchema},           {"url", report.url},
                {"status", status_json(report.status)}, {"headers", headers_json(report.headers)},
                {"keyed_on", report.keyed_on},          {"probe", probe_json(report.probe)},
                {"expect", expect_json(report.expect)}, {"ok", ok}};
  if (report.failure) document["error"] = error_json(*report.failure);
  return document;
}

}  // namespace reqscope::render
