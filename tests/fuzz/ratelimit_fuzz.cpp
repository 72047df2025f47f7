// Fuzz target for rate-limit header parsing: the input is split into lines,
// each "Name: value" line is a response header, and the headers are given to
// reqscope::ratelimit::parse_rate_limit_headers(). Every value is also parsed
// as an RFC 9651 List and Dictionary on its own. A broken invariant aborts,
// which libFuzzer and the replay test report:
//   - every field has a dialect, and a problem is one printable line;
//   - a field with a problem contributes nothing: the same response without
//     it reads the same;
//   - the dialect is one that was found, with a well-formed field;
//   - counts, quotas and remaining are never negative, windows are positive;
//   - a parsed structured field, written back, parses to the same thing.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "reqscope/http/header.hpp"
#include "reqscope/ratelimit/headers.hpp"
#include "reqscope/ratelimit/structured_field.hpp"
#include "reqscope/util/text.hpp"

namespace {

namespace http = reqscope::http;
namespace ratelimit = reqscope::ratelimit;
namespace sf = reqscope::ratelimit::sf;

constexpr std::int64_t kReceivedAt = 1'700'000'000;

[[noreturn]] void invariant_failed(const char* what) {
  std::fprintf(stderr, "ratelimit_fuzz: invariant failed: %s\n", what);
  std::abort();
}

void check(bool holds, const char* what) {
  if (!holds) invariant_failed(what);
}

http::Headers headers_from(std::string_view text) {
  http::Headers headers;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    http::Header header;
    if (http::parse_response_header(line, header)) headers.push_back(std::move(header));
  }
  return headers;
}

// RFC 9651 canonical form, so that two parses can be compared as text.
std::string canonical_parameters(const sf::Parameters& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters) {
    out += ";" + key;
    if (value.type != sf::Type::boolean || !value.boolean) out += "=" + sf::serialize(value);
  }
  return out;
}

std::string canonical_member(const sf::Member& member) {
  if (!member.is_inner_list)
    return sf::serialize(member.item.value) + canonical_parameters(member.item.parameters);
  std::string out = "(";
  for (std::size_t i = 0; i < member.inner.size(); ++i) {
    if (i > 0) out += " ";
    out += sf::serialize(member.inner[i].value) + canonical_parameters(member.inner[i].parameters);
  }
  return out + ")" + canonical_parameters(member.parameters);
}

std::string canonical(const sf::List& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out += (i > 0 ? ", " : "") + canonical_member(list[i]);
  return out;
}

bool one_printable_line(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

void check_structured_field(std::string_view value) {
  const auto list = sf::parse_list(value);
  if (!list) {
    check(list.error().kind == "bad_structured_field", "list errors are bad_structured_field");
    check(one_printable_line(list.error().message), "list errors are one printable line");
    return;
  }
  check(value.size() <= sf::kMaxFieldLength, "an over-long field is refused");
  const auto written = canonical(*list);
  if (written.size() > sf::kMaxFieldLength) return;
  const auto again = sf::parse_list(written);
  check(again.has_value(), "a list written back parses");
  check(canonical(*again) == written, "a list written back parses to itself");
  const auto dictionary = sf::parse_dictionary(value);
  if (!dictionary) check(one_printable_line(dictionary.error().message), "one-line errors");
}

bool same_reset(const std::optional<ratelimit::ResetTime>& a,
                const std::optional<ratelimit::ResetTime>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->form == b->form && a->unix_seconds == b->unix_seconds &&
                a->seconds_from_response == b->seconds_from_response);
}

bool same_figures(const ratelimit::RateLimitHeaders& a, const ratelimit::RateLimitHeaders& b) {
  const auto same_policy = [](const ratelimit::Policy& x, const ratelimit::Policy& y) {
    return x.name == y.name && x.quota == y.quota && x.quota_unit == y.quota_unit &&
           x.window_s == y.window_s && x.remaining == y.remaining && x.reset_s == y.reset_s &&
           x.partition_key == y.partition_key;
  };
  return a.dialect == b.dialect && a.limit == b.limit && a.remaining == b.remaining &&
         a.used == b.used && same_reset(a.reset, b.reset) && a.window_s == b.window_s &&
         same_reset(a.retry_after, b.retry_after) && a.resource == b.resource &&
         a.scope == b.scope &&
         std::equal(a.policy.begin(), a.policy.end(), b.policy.begin(), b.policy.end(),
                    same_policy);
}

void check_fields(const ratelimit::RateLimitHeaders& parsed) {
  static constexpr std::string_view kDialects[] = {"ietf", "draft", "x", "x-rate-limit",
                                                   "retry-after"};
  for (const auto& field : parsed.fields) {
    check(
        std::find(std::begin(kDialects), std::end(kDialects), field.dialect) != std::end(kDialects),
        "every field has a known dialect");
    if (field.problem) {
      check(!field.problem->empty() && one_printable_line(*field.problem),
            "a problem is one printable line");
    }
  }
  check(parsed.any() == !parsed.fields.empty(), "any() says whether a field was found");
  const bool problems = std::any_of(parsed.fields.begin(), parsed.fields.end(),
                                    [](const auto& field) { return field.problem.has_value(); });
  check(parsed.has_problems() == problems, "has_problems() agrees with the fields");
  if (parsed.dialect == "none") return;
  check(std::find(parsed.dialects_found.begin(), parsed.dialects_found.end(), parsed.dialect) !=
            parsed.dialects_found.end(),
        "the dialect was found");
  check(std::any_of(parsed.fields.begin(), parsed.fields.end(),
                    [&](const auto& f) { return f.dialect == parsed.dialect && !f.problem; }),
        "the dialect has a well-formed field");
}

void check_figures(const ratelimit::RateLimitHeaders& parsed) {
  const auto non_negative = [](const std::optional<std::int64_t>& v) { return !v || *v >= 0; };
  check(non_negative(parsed.limit) && non_negative(parsed.remaining) && non_negative(parsed.used),
        "counts are never negative");
  check(!parsed.window_s || *parsed.window_s > 0, "windows are positive");
  for (const auto& policy : parsed.policy) {
    check(non_negative(policy.quota) && non_negative(policy.remaining) &&
              non_negative(policy.reset_s),
          "policy figures are never negative");
    check(!policy.window_s || *policy.window_s > 0, "policy windows are positive");
  }
  for (const auto& reset : {parsed.reset, parsed.retry_after}) {
    check(!reset || std::isfinite(reset->seconds_from_response), "reset times are finite");
  }
}

// The response without the headers of fields that have a problem.
http::Headers without_problem_fields(const http::Headers& headers,
                                     const ratelimit::RateLimitHeaders& parsed) {
  http::Headers kept;
  for (const auto& header : headers) {
    const bool dropped = std::any_of(
        parsed.fields.begin(), parsed.fields.end(),
        [&](const auto& f) { return f.problem && reqscope::util::iequals(f.name, header.name); });
    if (!dropped) kept.push_back(header);
  }
  return kept;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto headers = headers_from(text);
  for (const auto& header : headers)
    check_structured_field(header.value);

  const auto parsed = ratelimit::parse_rate_limit_headers(headers, kReceivedAt);
  check_fields(parsed);
  check_figures(parsed);
  if (parsed.has_problems()) {
    const auto clean =
        ratelimit::parse_rate_limit_headers(without_problem_fields(headers, parsed), kReceivedAt);
    check(!clean.has_problems(), "well-formed fields stay well-formed on their own");
    check(same_figures(parsed, clean), "a field with a problem contributes nothing");
  }
  for (const auto status : {200L, 403L, 429L, 503L}) {
    const bool limited = ratelimit::is_limited(status, parsed);
    check(status != 429 || limited, "429 is always limited");
    check(status != 200 || !limited, "200 is never limited");
  }
  for (const auto& hint : ratelimit::keyed_on_hints(parsed, headers))
    check(one_printable_line(hint), "hints are one printable line");
  return 0;
}
