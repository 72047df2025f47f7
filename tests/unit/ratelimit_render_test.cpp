#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "render_checks.hpp"
#include "reqscope/render/ratelimit_human.hpp"
#include "reqscope/render/ratelimit_json.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;
using namespace std::chrono;
using ratelimit::Algorithm;
using ratelimit::Confidence;
using ratelimit::ResetTime;
using ratelimit::TimeForm;

namespace {

// 2026-12-07T17:50:31Z, 31 s after the answer.
constexpr std::int64_t kResetUnix = 1796665831;

ResetTime in_31_s(TimeForm form) {
  return {form, 31, kResetUnix};
}

// A 200 that says: 50 of 100 left in a 60 s window, per client address.
ratelimit::RateLimitReport ietf_report() {
  ratelimit::RateLimitReport report;
  report.url = "http://127.0.0.1:8080/items";
  report.status = 200;
  report.http_version = "HTTP/1.1";
  auto& headers = report.headers;
  headers.dialect = "ietf";
  headers.dialects_found = {"ietf"};
  headers.limit = 100;
  headers.remaining = 50;
  headers.window_s = 60;
  headers.reset = in_31_s(TimeForm::delta_seconds);
  ratelimit::Policy policy;
  policy.name = "default";
  policy.quota = 100;
  policy.window_s = 60;
  policy.remaining = 50;
  policy.reset_s = 31;
  policy.partition_key = "203.0.113.7";
  headers.policy = {policy};
  headers.fields = {
      {"RateLimit-Policy", "\"default\";q=100;w=60;pk=:MjAzLjAuMTEzLjc=:", "ietf", {}},
      {"RateLimit", "\"default\";r=50;t=31", "ietf", {}}};
  report.keyed_on = {"the policy's partition key: one allowance per client address"};
  return report;
}

// A 429 with only X-RateLimit headers and a Retry-After.
ratelimit::RateLimitReport limited_report() {
  ratelimit::RateLimitReport report;
  report.url = "http://127.0.0.1:8080/items";
  report.status = 429;
  report.http_version = "HTTP/1.1";
  auto& headers = report.headers;
  headers.dialect = "x";
  headers.dialects_found = {"x"};
  headers.limit = 100;
  headers.remaining = 0;
  headers.reset = in_31_s(TimeForm::unix_seconds);
  headers.retry_after = in_31_s(TimeForm::http_date);
  headers.fields = {{"X-RateLimit-Limit", "100", "x", {}},
                    {"X-RateLimit-Remaining", "0", "x", {}},
                    {"X-RateLimit-Reset", std::to_string(kResetUnix), "x", {}},
                    {"Retry-After", "Mon, 07 Dec 2026 17:50:31 GMT", "retry-after", {}}};
  return report;
}

ratelimit::TimelineEntry entry(double sent_ms, long status, std::optional<std::int64_t> remaining,
                               const std::string& phase) {
  ratelimit::TimelineEntry out;
  out.sent = duration_cast<nanoseconds>(duration<double, std::milli>(sent_ms));
  out.done = out.sent + microseconds(300);
  out.status = status;
  out.limited = status == 429;
  out.remaining = remaining;
  out.phase = phase;
  if (out.limited) out.retry_after_s = 2;
  return out;
}

// A fixed window of 10 per 2 s: ten 200s, one 429, a wait, ten 200s again.
ratelimit::ProbeResult fixed_probe() {
  ratelimit::ProbeResult probe;
  for (int i = 0; i < 10; ++i)
    probe.timeline.push_back(entry(0.3 * i, 200, 9 - i, "burst"));
  probe.timeline.push_back(entry(3.4, 429, 0, "burst"));
  for (int i = 0; i < 10; ++i)
    probe.timeline.push_back(entry(2005 + 0.3 * i, 200, 9 - i, "refill"));
  probe.timeline.push_back(entry(4200, 429, 0, "refill"));
  probe.requests_sent = static_cast<unsigned>(probe.timeline.size());
  probe.first_429_at = 11;
  probe.limit = 10;
  probe.window_s = 2.0;
  probe.burst = 10;
  probe.refill_per_s = 5.0;
  probe.algorithm = Algorithm::fixed_window;
  probe.consistent_with = {Algorithm::fixed_window, Algorithm::sliding_window};
  probe.confidence = Confidence::high;
  probe.evidence = {"10 requests were allowed, then request 11 was refused with 429",
                    "after waiting out Retry-After (2 s), all 10 came back at once"};
  probe.retry_after_honoured = true;
  probe.elapsed = std::chrono::milliseconds(4200);
  return probe;
}

ratelimit::RateLimitReport probed_report() {
  auto report = ietf_report();
  report.probe = fixed_probe();
  return report;
}

using reqscope::test::check_fits;
using reqscope::test::contains;
using reqscope::test::flat;
using reqscope::test::lines_of;

std::string human(const ratelimit::RateLimitReport& report, bool verbose = false) {
  render::HumanOptions options;
  options.verbose = verbose;
  return render::render_ratelimit(report, options);
}

std::vector<std::string> keys_of(const render::Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it)
    keys.push_back(it.key());
  return keys;
}

}  // namespace

TEST_CASE("describe_limit says what is left, of what, and when it comes back", "[ratelimit]") {
  auto headers = ietf_report().headers;
  CHECK(render::describe_limit(headers) == "50 of 100 left in this 60 s window, resets in 31 s");
  headers.window_s.reset();
  CHECK(render::describe_limit(headers) == "50 of 100 left, resets in 31 s");
  headers.limit.reset();
  headers.reset.reset();
  CHECK(render::describe_limit(headers) == "50 left");

  ratelimit::RateLimitHeaders limited;
  limited.retry_after = in_31_s(TimeForm::delta_seconds);
  CHECK(render::describe_limit(limited) == "retry after 31 s");
  limited.remaining = 0;
  limited.limit = 100;
  CHECK(render::describe_limit(limited) == "none of 100 left, retry after 31 s");

  ratelimit::RateLimitHeaders past;
  past.limit = 10;
  past.window_s = 2;
  past.reset = ResetTime{TimeForm::unix_seconds, -5, kResetUnix - 36};
  CHECK(render::describe_limit(past) == "10 requests per 2 s window, reset 5 s ago");

  CHECK(render::describe_limit(ratelimit::RateLimitHeaders{}).empty());
}

TEST_CASE("a passive ratelimit view puts the verdict first and explains each header",
          "[ratelimit]") {
  const auto text = human(ietf_report());
  INFO(text);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() > 4);
  CHECK(lines[0] == "RATELIMIT  GET http://127.0.0.1:8080/items");
  CHECK(lines[1] == "OK  50 of 100 left in this 60 s window, resets in 31 s");
  CHECK(contains(text, "\nStatus  200 OK, HTTP/1.1\n"));
  CHECK(contains(text, "\nRate-limit headers (dialect ietf)\n"));
  CHECK(contains(text, "  RateLimit-Policy: \"default\";q=100;w=60;pk=:MjAzLjAuMTEzLjc=:\n"));
  CHECK(contains(text, "    policy \"default\": 100 requests per 60 s, key 203.0.113.7\n"));
  CHECK(contains(flat(text),
                 "policy \"default\": 50 left, resets in 31 s (at "
                 "2026-12-07T17:50:31Z, written as seconds from now)"));
  CHECK(contains(text, "\nKeyed on\n  - the policy's partition key"));
  CHECK_FALSE(contains(text, "also present"));
  CHECK_FALSE(contains(text, "Probe"));
  CHECK_FALSE(contains(text, "\x1b"));
  check_fits(text);
}

TEST_CASE("a limited answer shows Retry-After and each reset both ways", "[ratelimit]") {
  auto report = limited_report();
  report.method = "POST";
  const auto text = human(report);
  INFO(text);
  const auto lines = lines_of(text);
  CHECK(lines[0] == "RATELIMIT  POST http://127.0.0.1:8080/items");
  CHECK(lines[1] == "LIMITED  429 Too Many Requests: none of 100 left, retry after 31 s");
  CHECK(contains(text, "\nStatus  429 Too Many Requests, HTTP/1.1\n"));
  CHECK(contains(text, "\nRate-limit headers (dialect x)\n"));
  CHECK(contains(text, "  X-RateLimit-Limit: 100\n    limit 100 requests\n"));
  CHECK(contains(text, "  X-RateLimit-Remaining: 0\n    none left\n"));
  CHECK(contains(flat(text), "resets in 31 s (at 2026-12-07T17:50:31Z, written as a Unix time)"));
  CHECK(
      contains(flat(text), "retry after 31 s (at 2026-12-07T17:50:31Z, written as an HTTP-date)"));
  CHECK_FALSE(contains(text, "also present"));
  check_fits(text);
}

TEST_CASE("an answer without rate-limit headers suggests --probe", "[ratelimit]") {
  ratelimit::RateLimitReport report;
  report.url = "http://127.0.0.1:8080/";
  report.status = 200;
  const auto text = human(report);
  INFO(text);
  CHECK(contains(flat(text), "NO HEADERS  the answer carries no rate-limit header; --probe"));
  CHECK(contains(text, "\nStatus  200 OK\n"));
  CHECK(contains(text, "No rate-limit header in the answer.\n"));
  check_fits(text);
}

TEST_CASE("a ratelimit run without an answer says FAILED with the error and its hint",
          "[ratelimit]") {
  ratelimit::RateLimitReport report;
  report.url = "http://127.0.0.1:9/";
  report.failure = Error{"connect_refused", "Connection refused by 127.0.0.1:9",
                         "Is the server running on that port?"};
  const auto text = human(report);
  INFO(text);
  const auto lines = lines_of(text);
  CHECK(lines[1] == "FAILED  connect_refused");
  CHECK(lines[2] == "  Connection refused by 127.0.0.1:9");
  CHECK(lines[3] == "  hint: Is the server running on that port?");
  CHECK_FALSE(contains(text, "Status"));
  CHECK_FALSE(contains(text, "Rate-limit headers"));

  const auto doc = render::ratelimit_document(report);
  CHECK(keys_of(doc) == std::vector<std::string>{"schema", "url", "status", "headers", "keyed_on",
                                                 "probe", "expect", "ok", "error"});
  CHECK(doc["status"].is_null());
  CHECK(doc["ok"] == false);
  CHECK(doc["error"]["kind"] == "connect_refused");
  CHECK(doc["error"]["hint"] == "Is the server running on that port?");
}

TEST_CASE("a probe that found a window reports limit, window, evidence and a condensed timeline",
          "[ratelimit]") {
  const auto text = human(probed_report());
  INFO(text);
  const auto lines = lines_of(text);
  CHECK(lines[1] == "LIMIT FOUND  10 requests per 2 s window (fixed window, high confidence)");
  CHECK(contains(text,
                 "\nProbe: 22 requests in 4.2 s, first 429 at request 11, Retry-After "
                 "honoured\n"));
  CHECK(contains(text, "\n  limit        10 requests\n"));
  CHECK(contains(text, "\n  window       2 s\n"));
  CHECK(contains(text, "\n  burst        10 requests\n"));
  CHECK(contains(text, "\n  refill       5.0 requests per second\n"));
  CHECK(contains(text, "\n  algorithm    fixed window (also consistent with: sliding window)\n"));
  CHECK(contains(text, "\n  confidence   high\n"));
  CHECK(contains(text, "\nEvidence\n  - 10 requests were allowed"));
  CHECK(contains(text, "\nTimeline (runs of equal answers; -v shows each request)\n"));
  CHECK(
      contains(text, "\n  #1-10   0.0-2.7 ms   200 x10  remaining 9->0                   burst\n"));
  CHECK(
      contains(text, "\n  #11     3.4 ms       429      remaining 0     retry after 2 s  burst\n"));
  CHECK(contains(text,
                 "\n  #12-21  2.00-2.01 s  200 x10  remaining 9->0                   refill\n"));
  CHECK(contains(text,
                 "\n  #22     4.200 s      429      remaining 0     retry after 2 s  refill\n"));
  CHECK_FALSE(contains(text, "stopped"));
  CHECK(lines_of(text.substr(text.find("Timeline"))).size() == 5);
  check_fits(text);
}

TEST_CASE("a verbose probe timeline shows every request", "[ratelimit]") {
  const auto text = human(probed_report(), true);
  INFO(text);
  CHECK(contains(text, "\nTimeline (each request, t from the probe's start)\n"));
  CHECK(lines_of(text.substr(text.find("Timeline"))).size() == 23);
  CHECK(contains(text,
                 "\n  #1   t 0.0 ms   took 0.3 ms  200  remaining 9                   burst\n"));
  CHECK(contains(text,
                 "\n  #11  t 3.4 ms   took 0.3 ms  429  remaining 0  retry after 2 s  burst\n"));
  CHECK(contains(text,
                 "\n  #12  t 2.005 s  took 0.3 ms  200  remaining 9                   refill\n"));
  CHECK(contains(text,
                 "\n  #22  t 4.200 s  took 0.3 ms  429  remaining 0  retry after 2 s  refill\n"));
  check_fits(text);
}

TEST_CASE("a failed request shows its error kind in the timeline", "[ratelimit]") {
  auto report = probed_report();
  auto failed = entry(4300, 0, std::nullopt, "refill");
  failed.error_kind = "timeout";
  report.probe->timeline.push_back(failed);
  report.probe->stop_reason = "failed";
  report.probe->failure = Error{"timeout", "no answer within 5000 ms", ""};
  const auto condensed = human(report);
  INFO(condensed);
  CHECK(lines_of(condensed)[1] ==
        "PARTIAL  a request failed (timeout) after 22 requests; 10 "
        "requests per 2 s");
  CHECK(contains(condensed, "\n  failed: no answer within 5000 ms\n"));
  CHECK(contains(condensed, "no answer"));
  CHECK(contains(condensed, "refill  timeout\n"));
  CHECK(contains(human(report, true), "no answer  "));
  check_fits(condensed);
}

TEST_CASE("a bucket reads as its size and refill rate", "[ratelimit]") {
  auto report = ietf_report();
  auto probe = fixed_probe();
  probe.limit = 6;
  probe.burst = 6;
  probe.window_s.reset();
  probe.refill_per_s = 10.0;
  probe.algorithm = Algorithm::token_bucket;
  probe.consistent_with = {Algorithm::token_bucket, Algorithm::leaky_bucket};
  probe.confidence = Confidence::medium;
  report.probe = probe;
  const auto text = human(report);
  INFO(text);
  CHECK(contains(flat(text),
                 " LIMIT FOUND  bucket of 6, refilling 10.0 per second (token "
                 "bucket, medium confidence) "));
  CHECK(contains(text, "\n  window       none: a bucket refills continuously\n"));
  CHECK(contains(text, "(also consistent with: leaky bucket)"));
  check_fits(text);
}

TEST_CASE("a probe without a 429 says NO LIMIT FOUND and why it stopped", "[ratelimit]") {
  auto report = ietf_report();
  ratelimit::ProbeResult probe;
  for (int i = 0; i < 200; ++i)
    probe.timeline.push_back(entry(i * 1.0, 200, std::nullopt, "burst"));
  probe.requests_sent = 200;
  probe.stop_reason = "no_limit";
  probe.elapsed = std::chrono::microseconds(199300);
  report.probe = probe;
  const auto text = human(report);
  INFO(text);
  CHECK(lines_of(text)[1] == "NO LIMIT FOUND  no 429 within 200 requests");
  CHECK(contains(text, "Probe: 200 requests in 199.3 ms, no 429\n"));
  CHECK(contains(text, "  no limited answer within 200 requests: any limit is higher\n"));
  CHECK(contains(text, "\n  limit        not found\n"));
  CHECK(contains(text, "\n  algorithm    unknown"));
  CHECK(contains(text, "  #1-200  0.0-199.0 ms  200 x200  burst\n"));
  CHECK_FALSE(contains(text, "Evidence"));
  check_fits(text);
}

TEST_CASE("an interrupted probe says PARTIAL with what it learned so far", "[ratelimit]") {
  auto report = probed_report();
  report.probe->stop_reason = "interrupted";
  report.probe->algorithm = Algorithm::unknown;
  report.probe->confidence = Confidence::low;
  report.probe->window_s.reset();
  auto text = human(report);
  INFO(text);
  CHECK(contains(flat(text),
                 " PARTIAL  interrupted after 22 requests; 10 requests before the "
                 "first limited answer (algorithm unknown, low confidence) "));
  CHECK(contains(text, "\n  interrupted: what was learned so far\n"));

  report.probe->stop_reason = "max_time";
  report.probe->limit.reset();
  text = human(report);
  CHECK(contains(flat(text),
                 " PARTIAL  out of time after 22 requests; first 429 at request 11; "
                 "the limit is not inferred yet "));
  CHECK(contains(text, "  stopped at the probe's time limit, after 4.2 s\n"));

  report.probe->stop_reason = "max_requests";
  CHECK(contains(human(report), "  stopped at --max-requests 22\n"));
}

TEST_CASE("an expected limit adds a second verdict line", "[ratelimit]") {
  auto report = probed_report();
  report.expect = ratelimit::ExpectCheck{10, {1, false}, 10, "probe", true};
  auto lines = lines_of(human(report));
  CHECK(lines[2] == "EXPECTED LIMIT MET  expected 10 +/- 1, found 10 by probing");

  report.expect = ratelimit::ExpectCheck{20, {10, true}, 10, "probe", false};
  lines = lines_of(human(report));
  CHECK(lines[2] == "EXPECTED LIMIT NOT MET  expected 20 +/- 10%, found 10 by probing");

  auto passive = ietf_report();
  passive.expect = ratelimit::ExpectCheck{100, {}, std::nullopt, "headers", false};
  CHECK(lines_of(human(passive))[2] ==
        "EXPECTED LIMIT NOT MET  expected 100, found no limit in the headers");

  render::HumanOptions options;
  options.style.unicode = true;
  report.expect = ratelimit::ExpectCheck{10, {1, false}, 10, "probe", true};
  const auto text = render::render_ratelimit(report, options);
  CHECK(contains(text, "expected 10 \u00b1 1, found 10"));
  CHECK(contains(text, "#1\u201310"));
  CHECK(contains(text, "200 \u00d710"));
  CHECK(contains(text, "9\u21920"));
  check_fits(text);
}

TEST_CASE("the ratelimit view colours only when asked", "[ratelimit]") {
  auto report = probed_report();
  report.headers.fields.push_back({"RateLimit-Reset", "soon", "draft", "not a number: \"soon\""});
  render::HumanOptions options;
  CHECK_FALSE(contains(render::render_ratelimit(report, options), "\x1b"));
  options.style.color = true;
  const auto text = render::render_ratelimit(report, options);
  CHECK(contains(text, "\x1b[32m"));
  CHECK(contains(text, "\x1b[31mmalformed:\x1b[0m"));
  check_fits(text);
}

TEST_CASE("malformed and other-dialect headers are shown for what they are", "[ratelimit]") {
  auto report = ietf_report();
  report.headers.dialects_found = {"ietf", "x"};
  report.headers.fields.push_back(
      {"X-RateLimit-Remaining", "-3", "x", "not a count: \"-3\" (a negative number)"});
  report.headers.fields.push_back({"X-RateLimit-Limit", "100", "x", {}});
  const auto text = human(report);
  INFO(text);
  CHECK(contains(text,
                 "  X-RateLimit-Remaining: -3\n    malformed: not a count: \"-3\" (a "
                 "negative number)\n"));
  CHECK(contains(text,
                 "  X-RateLimit-Limit: 100\n    not read: the figures come from the ietf "
                 "headers\n"));
  CHECK(contains(text, "  also present: x\n"));

  report.headers.dialect = "none";
  CHECK(contains(human(report), "\nRate-limit headers (no usable limit)\n"));
  CHECK(contains(human(report),
                 "  X-RateLimit-Limit: 100\n    not read: a malformed field spoils "
                 "its dialect\n"));
  check_fits(text);
}

TEST_CASE("hostile header values render printable and cut to the screen", "[ratelimit]") {
  auto report = ietf_report();
  const std::string hostile = "\x1b[2J\x1b]0;pwned\x07\r\nX-Injected: 1" + std::string(5000, 'A');
  report.headers.fields.push_back({"X-RateLimit-Resource", hostile, "x", {}});
  report.headers.fields.push_back(
      {"RateLimit-Limit", hostile, "draft", "not a number: " + hostile});
  report.headers.policy.front().name = hostile;
  report.headers.policy.front().partition_key = std::string(3000, 'k');
  report.keyed_on.push_back("resource " + hostile);
  report.probe = fixed_probe();
  report.probe->evidence.push_back(hostile);
  report.probe->timeline.front().phase = hostile;
  const auto text = human(report) + render::explain_ratelimit(report);
  INFO(text);
  CHECK_FALSE(contains(text, "\x1b"));
  CHECK_FALSE(contains(text, "\x07"));
  CHECK_FALSE(contains(text, "\r"));
  CHECK_FALSE(contains(text, "\nX-Injected"));
  CHECK(contains(text, "\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0aX-Injected: 1AAA"));
  const auto lines = lines_of(text);
  const auto resource = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.rfind("  X-RateLimit-Resource: ", 0) == 0;
  });
  REQUIRE(resource != lines.end());
  CHECK(resource->ends_with("AAA..."));
  CHECK(util::display_width(*resource) == render::kColumns);
  CHECK(text.size() < 40'000);
  check_fits(text);

  const auto doc = render::ratelimit_document(report);
  CHECK_NOTHROW(doc.dump(-1, ' ', false, render::Json::error_handler_t::replace));
}

TEST_CASE("ratelimit --explain teaches the families and pacing from this run", "[ratelimit]") {
  const auto text = render::explain_ratelimit(probed_report());
  INFO(text);
  REQUIRE(text.size() > 1);
  CHECK(text.front() == '\n');
  const auto prose = flat(text);
  CHECK(contains(prose, "429 Too Many Requests (RFC 6585)"));
  CHECK(contains(prose, "Retry-After (RFC 9110)"));
  CHECK(contains(prose, "HTTP-date"));
  CHECK(contains(prose, "2x the limit"));
  CHECK(contains(prose, "age out of the window"));
  CHECK(contains(prose, "A bucket of B tokens refilled at R tokens per second"));
  CHECK(contains(prose, "nginx limit_req with nodelay, GCRA"));
  CHECK(contains(prose,
                 "This run found a fixed window (high confidence): 10 requests at once "
                 "from rest, a window of 2 s"));
  CHECK(contains(prose, "all 10 came back at once."));
  CHECK(contains(prose, "The evidence also fits: sliding window"));
  CHECK(contains(prose, "sleep = random(0, min(cap, base * 2^n))"));
  CHECK(contains(prose, "Stay under 5.0 requests per second"));
  CHECK(contains(prose, "about 4.0 per second"));
  check_fits(text);

  const auto passive = flat(render::explain_ratelimit(limited_report()));
  CHECK(contains(passive, "Here the first answer was 429 Too Many Requests: none of 100 left"));
  CHECK(contains(passive, "Without --probe"));
  CHECK(contains(passive, "This run measured no rate"));
  CHECK(contains(passive, "Right now none are left: send nothing until the reset in 31 s."));
  CHECK(contains(flat(render::explain_ratelimit(ietf_report())),
                 "Right now 50 requests are left until the reset in 31 s: at most 1.6 per "
                 "second until then."));

  auto none = ietf_report();
  none.probe = ratelimit::ProbeResult{};
  none.probe->requests_sent = 200;
  CHECK(contains(flat(render::explain_ratelimit(none)),
                 "The probe sent 200 requests without a limited answer"));
  CHECK(contains(flat(render::explain_ratelimit(none)), "Stay under 1.7 requests per second"));
}

TEST_CASE("the ratelimit JSON document has the issue's keys first and in order",
          "[ratelimit][json]") {
  auto report = probed_report();
  report.expect = ratelimit::ExpectCheck{10, {10, true}, 10, "probe", true};
  const auto doc = render::ratelimit_document(report);
  CHECK(keys_of(doc) == std::vector<std::string>{"schema", "url", "status", "headers", "keyed_on",
                                                 "probe", "expect", "ok"});
  CHECK(doc["schema"] == "reqscope.ratelimit/1");
  CHECK(doc["url"] == "http://127.0.0.1:8080/items");
  CHECK(doc["status"] == 200);
  const auto& headers = doc["headers"];
  CHECK(keys_of(headers) == std::vector<std::string>{"dialect", "limit", "remaining", "reset_s",
                                                     "policy", "retry_after_s", "used", "window_s",
                                                     "reset_at", "reset_form", "retry_after_form",
                                                     "resource", "scope", "dialects_found",
                                                     "fields"});
  CHECK(headers["dialect"] == "ietf");
  CHECK(headers["limit"] == 100);
  CHECK(headers["remaining"] == 50);
  CHECK(headers["reset_s"] == 31.0);
  CHECK(headers["reset_at"] == "2026-12-07T17:50:31Z");
  CHECK(headers["window_s"] == 60);
  CHECK(keys_of(headers["policy"][0]) == std::vector<std::string>{"name", "quota", "quota_unit",
                                                                  "window_s", "remaining",
                                                                  "reset_s", "partition_key"});
  CHECK(headers["policy"][0]["partition_key"] == "203.0.113.7");
  CHECK(keys_of(headers["fields"][0]) ==
        std::vector<std::string>{"name", "value", "dialect", "problem"});
  CHECK(headers["fields"][0]["problem"].is_null());
  CHECK(doc["keyed_on"].size() == 1);

  const auto& probe = doc["probe"];
  CHECK(keys_of(probe) == std::vector<std::string>{"requests_sent", "first_429_at", "limit",
                                                   "window_s", "burst", "refill_per_s", "algorithm",
                                                   "confidence", "timeline", "consistent_with",
                                                   "evidence", "stop_reason", "elapsed_ms",
                                                   "retry_after_honoured", "failure"});
  CHECK(probe["requests_sent"] == 22);
  CHECK(probe["first_429_at"] == 11);
  CHECK(probe["limit"] == 10);
  CHECK(probe["window_s"] == 2.0);
  CHECK(probe["refill_per_s"] == 5.0);
  CHECK(probe["timeline"].size() == 22);
  CHECK(keys_of(probe["timeline"][0]) ==
        std::vector<std::string>{"t_ms", "status", "remaining", "done_ms", "limited",
                                 "retry_after_s", "phase", "error_kind"});
  CHECK(probe["timeline"][10]["status"] == 429);
  CHECK(probe["timeline"][10]["limited"] == true);
  CHECK(probe["timeline"][10]["retry_after_s"] == 2.0);
  CHECK(probe["timeline"][0]["error_kind"].is_null());
  CHECK(probe["stop_reason"] == "complete");
  CHECK(probe["retry_after_honoured"] == true);
  CHECK(probe["failure"].is_null());
  CHECK(probe["evidence"].size() == 2);

  CHECK(keys_of(doc["expect"]) == std::vector<std::string>{"expected", "tolerance",
                                                           "tolerance_percent", "actual", "source",
                                                           "passed"});
  CHECK(doc["expect"]["tolerance"] == 10.0);
  CHECK(doc["expect"]["tolerance_percent"] == true);
  CHECK(doc["ok"] == true);
}

TEST_CASE("absent ratelimit figures are null in JSON, never omitted", "[ratelimit][json]") {
  ratelimit::RateLimitReport report;
  report.url = "http://127.0.0.1:8080/";
  report.status = 200;
  report.probe = ratelimit::ProbeResult{};
  report.probe->timeline.push_back(entry(0, 0, std::nullopt, "burst"));
  const auto doc = render::ratelimit_document(report);
  const auto& headers = doc["headers"];
  CHECK(headers["dialect"] == "none");
  for (const char* key : {"limit", "remaining", "reset_s", "retry_after_s", "used", "window_s",
                          "reset_at", "reset_form", "retry_after_form", "resource", "scope"}) {
    INFO(key);
    CHECK(headers[key].is_null());
  }
  CHECK(headers["policy"].empty());
  CHECK(headers["fields"].empty());
  CHECK(doc["keyed_on"].is_array());
  const auto& probe = doc["probe"];
  for (const char* key : {"first_429_at", "limit", "window_s", "burst", "refill_per_s"}) {
    INFO(key);
    CHECK(probe[key].is_null());
  }
  CHECK(probe["timeline"][0]["status"].is_null());
  CHECK(probe["timeline"][0]["remaining"].is_null());
  CHECK(probe["timeline"][0]["retry_after_s"].is_null());
  CHECK(doc["expect"].is_null());
  CHECK(doc["ok"] == true);
  CHECK_FALSE(doc.contains("error"));

  report.probe.reset();
  CHECK(render::ratelimit_document(report)["probe"].is_null());
}

TEST_CASE("ratelimit JSON times are rounded and forms named", "[ratelimit][json]") {
  auto report = limited_report();
  report.probe = fixed_probe();
  report.probe->timeline.front().sent = nanoseconds(1'234'567);
  report.probe->timeline.front().done = nanoseconds(2'345'678'901);
  report.probe->failure = Error{"timeout", "no answer", "raise --timeout"};
  report.expect = ratelimit::ExpectCheck{20, {}, 10, "probe", false};
  const auto doc = render::ratelimit_document(report);
  CHECK(doc["probe"]["timeline"][0]["t_ms"] == 1.235);
  CHECK(doc["probe"]["timeline"][0]["done_ms"] == 2345.679);
  CHECK(doc["headers"]["reset_form"] == ratelimit::time_form_name(TimeForm::unix_seconds));
  CHECK(doc["headers"]["retry_after_form"] == ratelimit::time_form_name(TimeForm::http_date));
  CHECK(doc["headers"]["retry_after_s"] == 31.0);
  CHECK(doc["probe"]["algorithm"] == ratelimit::algorithm_name(Algorithm::fixed_window));
  CHECK(doc["probe"]["confidence"] == ratelimit::confidence_name(Confidence::high));
  CHECK(doc["probe"]["consistent_with"][1] == ratelimit::algorithm_name(Algorithm::sliding_window));
  CHECK(doc["probe"]["failure"]["kind"] == "timeout");
  CHECK(doc["ok"] == false);
  CHECK_FALSE(doc.contains("error"));
}
