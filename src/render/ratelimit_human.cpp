#include "reqscope/render/ratelimit_human.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "layout.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

using ratelimit::Algorithm;
using ratelimit::ProbeResult;
using ratelimit::RateLimitHeaders;
using ratelimit::RateLimitReport;
using ratelimit::ResetTime;
using ratelimit::TimeForm;
using ratelimit::TimelineEntry;

constexpr std::size_t kRowLabelWidth = 13;
constexpr std::size_t kValueColumn = kRowLabelWidth + 2;
constexpr std::size_t kFieldIndent = 2;
constexpr std::size_t kMeaningIndent = 4;
// Server text is cut so that one hostile value cannot fill the screen: a
// name or key inside a sentence to the first width, a problem, hint or piece
// of evidence (which may quote the server) to the second.
constexpr std::size_t kServerTextWidth = 60;
constexpr std::size_t kProseWidth = 240;
// Pacing advice leaves this share of the measured rate as headroom.
constexpr double kPacingShare = 0.8;

std::string dash(const Style& style) {
  return style.unicode ? "\u2013" : "-";
}

std::string plus_minus(const Style& style) {
  return style.unicode ? "\u00b1" : "+/-";
}

std::string safe(const std::string& text, std::size_t width = kServerTextWidth) {
  return clip(util::printable(text), width);
}

std::string row(const std::string& label, const std::string& value) {
  return fit(pad("  " + label, kValueColumn), value, std::string(kValueColumn, ' '));
}

std::string bullet(const std::string& text) {
  return util::wrap(util::split_long_words(text, kColumns - 4), kColumns, "  - ", "    ");
}

// Seconds as a reader writes them: "60 s", "1.5 s", "0.25 s".
std::string seconds_text(double seconds) {
  if (std::fabs(seconds) >= 100) return fmt::format("{:.0f} s", seconds);
  auto text = fmt::format("{:.2f}", seconds);
  while (text.back() == '0')
    text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

std::string rate_number(double per_second) {
  return per_second >= 1 ? fmt::format("{:.1f}", per_second) : fmt::format("{:.2g}", per_second);
}

std::string per_second(double rate) {
  return rate_number(rate) + " per second";
}

// A time in the probe, in the unit that suits it: "3.1 ms", "2.005 s".
std::string moment(double ms) {
  if (ms < 1000) return fmt::format("{:.1f} ms", ms);
  return fmt::format("{:.3f} s", ms / 1000);
}

std::string moment_range(double from_ms, double to_ms, const Style& style) {
  if (to_ms < 1000) return fmt::format("{:.1f}{}{:.1f} ms", from_ms, dash(style), to_ms);
  return fmt::format("{:.2f}{}{:.2f} s", from_ms / 1000, dash(style), to_ms / 1000);
}

std::string duration_text(double ms) {
  return ms < 1000 ? format_ms(ms) : fmt::format("{:.1f} s", ms / 1000);
}

const char* reason_phrase(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

std::string status_text(long status) {
  const std::string phrase = reason_phrase(status);
  return phrase.empty() ? std::to_string(status) : fmt::format("{} {}", status, phrase);
}

std::string status_colour(long status, bool limited, const std::string& text, const Style& style) {
  if (status == 0 || status >= 500) return style.red(text);
  if (limited || status >= 400) return style.yellow(text);
  return style.green(text);
}

const char* algorithm_label(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::fixed_window:
      return "fixed window";
    case Algorithm::sliding_window:
      return "sliding window";
    case Algorithm::token_bucket:
      return "token bucket";
    case Algorithm::leaky_bucket:
      return "leaky bucket";
    case Algorithm::unknown:
      break;
  }
  return "unknown";
}

bool is_bucket(Algorithm algorithm) {
  return algorithm == Algorithm::token_bucket || algorithm == Algorithm::leaky_bucket;
}

const char* form_text(TimeForm form) {
  switch (form) {
    case TimeForm::delta_seconds:
      return "seconds from now";
    case TimeForm::unix_seconds:
      return "a Unix time";
    case TimeForm::unix_milliseconds:
      return "a Unix time in milliseconds";
    case TimeForm::http_date:
      return "an HTTP-date";
  }
  return "";
}

// "in 31 s", "now", "5 s ago": how far a reset lies from the response.
std::string span_from_now(double seconds) {
  if (std::fabs(seconds) < 1) return "now";
  const auto span = util::approximate_span(seconds);
  return seconds > 0 ? "in " + span : span + " ago";
}

std::string reset_short(const ResetTime& reset) {
  if (reset.seconds_from_response <= -1) {
    return "reset " + span_from_now(reset.seconds_from_response);
  }
  return "resets " + span_from_now(reset.seconds_from_response);
}

std::string retry_short(const ResetTime& retry) {
  if (retry.seconds_from_response < 1) return "retry now";
  return "retry after " + util::approximate_span(retry.seconds_from_response);
}

// The other way of reading a time: "(at 2026-12-07T17:50:31Z, written as a Unix time)".
std::string both_ways(const ResetTime& time) {
  return fmt::format("(at {}, written as {})", util::rfc3339(time.unix_seconds),
                     form_text(time.form));
}

std::string quota_unit_text(const std::string& unit) {
  if (unit == "content-bytes") return "bytes";
  if (unit == "concurrent-requests") return "concurrent requests";
  return safe(unit);
}

// "50 of 100 left in this 60 s window", "50 left", "none left",
// "100 requests per 60 s window".
std::string counts_text(const RateLimitHeaders& headers) {
  const auto window =
      headers.window_s
          ? fmt::format(" in this {} window", seconds_text(static_cast<double>(*headers.window_s)))
          : std::string();
  if (headers.remaining) {
    const auto left =
        *headers.remaining == 0 ? std::string("none") : std::to_string(*headers.remaining);
    if (headers.limit) return fmt::format("{} of {} left{}", left, *headers.limit, window);
    return left + " left" + window;
  }
  if (headers.limit) {
    return plural(*headers.limit, "request") +
           (headers.window_s ? fmt::format(" per {} window",
                                           seconds_text(static_cast<double>(*headers.window_s)))
                             : std::string());
  }
  return "";
}

std::string policy_text(const ratelimit::Policy& policy) {
  std::string out = policy.name.empty() ? "policy: " : "policy \"" + safe(policy.name) + "\": ";
  if (policy.quota) {
    out += fmt::format("{} {}", *policy.quota, quota_unit_text(policy.quota_unit));
  } else {
    out += "no quota given";
  }
  if (policy.window_s) out += " per " + seconds_text(static_cast<double>(*policy.window_s));
  if (policy.partition_key) out += ", key " + safe(*policy.partition_key);
  return out;
}

// What one policy's RateLimit item says: "policy "default": 50 left, resets in 30 s".
std::string policy_state_text(const ratelimit::Policy& policy, const RateLimitHeaders& headers,
                              bool binding) {
  std::vector<std::string> parts;
  if (policy.remaining) {
    parts.push_back(*policy.remaining == 0 ? std::string("none left")
                                           : fmt::format("{} left", *policy.remaining));
  }
  if (binding && headers.reset) {
    parts.push_back(reset_short(*headers.reset) + " " + both_ways(*headers.reset));
  } else if (policy.reset_s) {
    parts.push_back(
        reset_short({TimeForm::delta_seconds, static_cast<double>(*policy.reset_s), 0}));
  }
  const auto name =
      policy.name.empty() ? std::string("policy") : "policy \"" + safe(policy.name) + "\"";
  return name + ": " + (parts.empty() ? "no figures" : util::join(parts, ", "));
}

bool name_ends_with(const std::string& name, std::string_view suffix) {
  return name.size() >= suffix.size() &&
         util::iequals(std::string_view(name).substr(name.size() - suffix.size()), suffix);
}

// What a field of the dialect the figures come from says, one line each.
std::vector<std::string> field_meaning(const ratelimit::HeaderField& field,
                                       const RateLimitHeaders& headers) {
  const auto& name = field.name;
  if (field.dialect == "retry-after") {
    if (!headers.retry_after) return {};
    return {retry_short(*headers.retry_after) + " " + both_ways(*headers.retry_after)};
  }
  // The figures come from the first dialect whose fields are all well formed.
  if (field.dialect != headers.dialect) {
    if (headers.dialect == "none") return {"not read: a malformed field spoils its dialect"};
    return {fmt::format("not read: the figures come from the {} headers", headers.dialect)};
  }
  if (util::iequals(name, "RateLimit-Policy") ||
      (field.dialect == "draft" && name_ends_with(name, "-limit") && !headers.policy.empty())) {
    std::vector<std::string> out;
    for (const auto& policy : headers.policy)
      out.push_back(policy_text(policy));
    return out;
  }
  if (util::iequals(name, "RateLimit")) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < headers.policy.size(); ++i) {
      const auto& policy = headers.policy[i];
      if (policy.remaining || policy.reset_s)
        out.push_back(policy_state_text(policy, headers, i == 0));
    }
    if (!out.empty()) return out;
    // The -07 form: limit, remaining and reset in one field.
    auto text = counts_text(headers);
    if (headers.reset) {
      text += (text.empty() ? "" : ", ") + reset_short(*headers.reset) + " " +
              both_ways(*headers.reset);
    }
    return {text.empty() ? "no figures" : text};
  }
  if (name_ends_with(name, "-limit") && headers.limit) {
    return {"limit " + plural(*headers.limit, "request") +
            (headers.window_s
                 ? " per " + seconds_text(static_cast<double>(*headers.window_s)) + " window"
                 : "")};
  }
  if (name_ends_with(name, "-remaining") && headers.remaining) {
    return {*headers.remaining == 0 ? std::string("none left")
                                    : plural(*headers.remaining, "request") + " left"};
  }
  if (name_ends_with(name, "-reset") && headers.reset) {
    return {reset_short(*headers.reset) + " " + both_ways(*headers.reset)};
  }
  if (name_ends_with(name, "-used") && headers.used) {
    return {plural(*headers.used, "request") + " used"};
  }
  if (name_ends_with(name, "-resource") && headers.resource) {
    return {"counted against the resource \"" + safe(*headers.resource) + "\""};
  }
  if (name_ends_with(name, "-scope") && headers.scope) {
    return {"scope \"" + safe(*headers.scope) + "\""};
  }
  return {};
}

std::string field_text(const ratelimit::HeaderField& field, const RateLimitHeaders& headers,
                       const Style& style) {
  const std::string indent(kMeaningIndent, ' ');
  const std::string rest(kMeaningIndent + 2, ' ');
  std::string out = clip(std::string(kFieldIndent, ' ') + util::printable(field.name) + ": " +
                             util::printable(field.value),
                         kColumns) +
                    "\n";
  if (field.problem) {
    return out + util::wrap(style.red("malformed:") + " " +
                                util::split_long_words(safe(*field.problem, kProseWidth),
                                                       kColumns - rest.size()),
                            kColumns, indent, rest);
  }
  for (const auto& line : field_meaning(field, headers))
    out += util::wrap(util::split_long_words(line, kColumns - rest.size()), kColumns, indent, rest);
  return out;
}

std::string headers_section(const RateLimitHeaders& headers, const Style& style) {
  if (!headers.any()) return "No rate-limit header in the answer.\n";
  std::string out = style.bold("Rate-limit headers") +
                    (headers.dialect == "none" ? std::string(" (no usable limit)")
                                               : " (dialect " + headers.dialect + ")") +
                    "\n";
  for (const auto& field : headers.fields)
    out += field_text(field, headers, style);
  std::vector<std::string> others;
  for (const auto& dialect : headers.dialects_found) {
    if (dialect != headers.dialect) others.push_back(dialect);
  }
  if (!others.empty()) out += fit("  also present: ", util::join(others, ", "), "    ");
  return out;
}

std::string keyed_section(const std::vector<std::string>& hints, const Style& style) {
  std::string out = style.bold("Keyed on") + "\n";
  for (const auto& hint : hints)
    out += bullet(safe(hint, kProseWidth));
  return out;
}

// The 1-based request's status, for "first 429 at request 11".
long status_at(const ProbeResult& probe, unsigned index) {
  if (index == 0 || index > probe.timeline.size()) return 429;
  return probe.timeline[index - 1].status;
}

double probe_ms(const ProbeResult& probe) {
  return util::to_ms(probe.elapsed);
}

std::optional<std::int64_t> bucket_size(const ProbeResult& probe) {
  return probe.limit ? probe.limit : probe.burst;
}

std::string qualifier(const ProbeResult& probe) {
  if (probe.algorithm == Algorithm::unknown) {
    return fmt::format("(algorithm unknown, {} confidence)",
                       ratelimit::confidence_name(probe.confidence));
  }
  return fmt::format("({}, {} confidence)", algorithm_label(probe.algorithm),
                     ratelimit::confidence_name(probe.confidence));
}

// What the probe learned about the limit in one phrase; empty when nothing.
std::string limit_sentence(const ProbeResult& probe) {
  const auto size = bucket_size(probe);
  if (is_bucket(probe.algorithm) && size && probe.refill_per_s) {
    return fmt::format("bucket of {}, refilling {} {}", *size, per_second(*probe.refill_per_s),
                       qualifier(probe));
  }
  if (probe.limit && probe.window_s) {
    return fmt::format("{} per {} window {}", plural(*probe.limit, "request"),
                       seconds_text(*probe.window_s), qualifier(probe));
  }
  if (probe.limit) {
    return fmt::format("{} before the first limited answer {}", plural(*probe.limit, "request"),
                       qualifier(probe));
  }
  if (probe.first_429_at) {
    return fmt::format("first {} at request {}; the limit is not inferred yet",
                       status_at(probe, *probe.first_429_at), *probe.first_429_at);
  }
  return "";
}

bool stopped_early(const ProbeResult& probe) {
  return probe.stop_reason == "interrupted" || probe.stop_reason == "max_time" ||
         probe.stop_reason == "failed";
}

std::string early_stop_phrase(const ProbeResult& probe) {
  const auto sent = plural(probe.requests_sent, "request");
  if (probe.stop_reason == "interrupted") return "interrupted after " + sent;
  if (probe.stop_reason == "max_time") return "out of time after " + sent;
  const auto kind = probe.failure ? " (" + safe(probe.failure->kind) + ")" : std::string();
  return "a request failed" + kind + " after " + sent;
}

// A verdict: its word, already styled, and the sentence that follows it.
struct Verdict {
  std::string word;
  std::string text;
};

std::string verdict_word(const std::string& word, const Style& style, bool good) {
  return style.bold(good ? style.green(word) : style.yellow(word)) + "  ";
}

Verdict passive_verdict(const RateLimitReport& report, const Style& style) {
  const auto& headers = report.headers;
  const auto described = describe_limit(headers);
  if (ratelimit::is_limited(report.status, headers)) {
    return {verdict_word("LIMITED", style, false),
            status_text(report.status) + ": " +
                (described.empty() ? "no Retry-After, so back off and try later" : described)};
  }
  if (headers.any()) {
    return {verdict_word("OK", style, true),
            described.empty() ? "the rate-limit headers carry no usable figure" : described};
  }
  return {verdict_word("NO HEADERS", style, false),
          "the answer carries no rate-limit header; --probe finds the limit by asking"};
}

Verdict probe_verdict(const ProbeResult& probe, const Style& style) {
  if (probe.stop_reason == "error_status") {
    return {verdict_word("ERROR ANSWER", style, false),
            "the first answer was " + status_text(probe.timeline.front().status) +
                ", not a limit: fix the request (URL, method, credentials) before probing"};
  }
  const auto learned = limit_sentence(probe);
  if (stopped_early(probe)) {
    return {verdict_word("PARTIAL", style, false),
            early_stop_phrase(probe) + "; " + (learned.empty() ? "no 429 so far" : learned)};
  }
  if (!learned.empty()) return {verdict_word("LIMIT FOUND", style, true), learned};
  return {verdict_word("NO LIMIT FOUND", style, false),
          "no 429 within " + plural(probe.requests_sent, "request")};
}

std::string expect_line(const ratelimit::ExpectCheck& expect, const Style& style) {
  const auto word = expect.passed ? style.bold(style.green("EXPECTED LIMIT MET"))
                                  : style.bold(style.red("EXPECTED LIMIT NOT MET"));
  std::string text = fmt::format("expected {}", expect.expected);
  if (expect.tolerance.value > 0) {
    text += fmt::format(" {} {:g}{}", plus_minus(style), expect.tolerance.value,
                        expect.tolerance.percent ? "%" : "");
  }
  const auto where = expect.source == "probe" ? "by probing" : "in the headers";
  text += expect.actual ? fmt::format(", found {} {}", *expect.actual, where)
                        : fmt::format(", found no limit {}", where);
  return util::wrap(text, kColumns, word + "  ", "  ");
}

std::string verdict(const RateLimitReport& report, const Style& style) {
  std::string out;
  if (report.failure) {
    out = style.bold(style.red("FAILED")) + "  " + util::printable(report.failure->kind) + "\n" +
          error_block(*report.failure);
  } else {
    const auto [word, text] =
        report.probe ? probe_verdict(*report.probe, style) : passive_verdict(report, style);
    out = util::wrap(util::split_long_words(text, kColumns - 2), kColumns, word, "  ");
  }
  if (report.expect) out += expect_line(*report.expect, style);
  return out;
}

std::string title(const RateLimitReport& report, const Style& style) {
  return fit(style.bold("RATELIMIT") + "  ",
             util::printable(report.method) + " " + util::printable(report.url),
             std::string(11, ' '));
}

std::string status_line(const RateLimitReport& report, const Style& style) {
  const bool limited = ratelimit::is_limited(report.status, report.headers);
  auto text = status_colour(report.status, limited, status_text(report.status), style);
  if (!report.http_version.empty()) text += ", " + util::printable(report.http_version);
  return style.bold("Status") + "  " + text + "\n";
}

std::string stop_text(const ProbeResult& probe) {
  if (probe.stop_reason == "no_limit") {
    return fmt::format("no limited answer within {}: any limit is higher",
                       plural(probe.requests_sent, "request"));
  }
  if (probe.stop_reason == "max_requests") {
    return fmt::format("stopped at --max-requests {}", probe.requests_sent);
  }
  if (probe.stop_reason == "max_time") {
    return "stopped at the probe's time limit, after " + duration_text(probe_ms(probe));
  }
  if (probe.stop_reason == "interrupted") return "interrupted: what was learned so far";
  if (probe.stop_reason == "error_status") {
    return fmt::format("stopped: the first answer was {}, an error, not a limit",
                       status_text(probe.timeline.empty() ? 0 : probe.timeline.front().status));
  }
  if (probe.stop_reason == "failed") {
    return "failed: " + (probe.failure ? safe(probe.failure->message, kProseWidth)
                                       : std::string("a request failed"));
  }
  return "";
}

std::string probe_summary(const ProbeResult& probe, const Style& style) {
  std::string text = fmt::format("{} in {}", plural(probe.requests_sent, "request"),
                                 duration_text(probe_ms(probe)));
  if (probe.first_429_at) {
    text += fmt::format(", first {} at request {}", status_at(probe, *probe.first_429_at),
                        *probe.first_429_at);
  } else {
    text += ", no 429";
  }
  if (probe.retry_after_honoured) text += ", Retry-After honoured";
  return fit(style.bold("Probe") + ": ", text, "  ");
}

std::string algorithm_text(const ProbeResult& probe) {
  if (probe.algorithm == Algorithm::unknown) {
    return "unknown: the evidence does not tell the families apart";
  }
  std::vector<std::string> others;
  for (const auto algorithm : probe.consistent_with) {
    if (algorithm != probe.algorithm) others.emplace_back(algorithm_label(algorithm));
  }
  std::string text = algorithm_label(probe.algorithm);
  if (!others.empty()) text += " (also consistent with: " + util::join(others, ", ") + ")";
  return text;
}

std::string probe_section(const ProbeResult& probe, const Style& style) {
  std::string out = probe_summary(probe, style);
  if (const auto stop = stop_text(probe); !stop.empty()) {
    out += util::wrap(util::split_long_words(stop, kColumns - 4), kColumns, "  ", "    ");
  }
  const auto not_measured = std::string("not measured");
  out += row("limit", probe.limit ? plural(*probe.limit, "request") : "not found");
  if (probe.window_s) {
    out += row("window", seconds_text(*probe.window_s));
  } else {
    out += row("window",
               is_bucket(probe.algorithm) ? "none: a bucket refills continuously" : not_measured);
  }
  out += row("burst", probe.burst ? plural(*probe.burst, "request") : not_measured);
  out +=
      row("refill", probe.refill_per_s ? rate_number(*probe.refill_per_s) + " requests per second"
                                       : not_measured);
  out += row("algorithm", algorithm_text(probe));
  out += row("confidence", ratelimit::confidence_name(probe.confidence));
  return out;
}

std::string evidence_section(const ProbeResult& probe, const Style& style) {
  std::string out = style.bold("Evidence") + "\n";
  for (const auto& item : probe.evidence)
    out += bullet(safe(item, kProseWidth));
  return out;
}

using Cells = std::vector<std::string>;

// Rows of cells in aligned columns; a column empty in every row takes no
// space, and a row too wide for the screen breaks between its cells.
std::string table(const std::vector<Cells>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& cells : rows) {
    widths.resize(std::max(widths.size(), cells.size()), 0);
    for (std::size_t i = 0; i < cells.size(); ++i)
      widths[i] = std::max(widths[i], util::display_width(cells[i]));
  }
  std::string out;
  for (const auto& cells : rows) {
    std::string line;
    std::vector<std::string> present;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (widths[i] == 0) continue;
      line += "  " + pad(cells[i], widths[i]);
      if (!cells[i].empty()) present.push_back(cells[i]);
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += util::display_width(line) <= kColumns ? line + "\n" : fill(present, "  ", "      ");
  }
  return out;
}

std::string status_cell(const TimelineEntry& entry, std::size_t count, const Style& style) {
  auto text = entry.status == 0 ? std::string("no answer") : std::to_string(entry.status);
  if (count > 1) text += fmt::format(" {}{}", times(style), count);
  return status_colour(entry.status, entry.limited, text, style);
}

std::string remaining_cell(const TimelineEntry* first, const TimelineEntry* last,
                           const Style& style) {
  if (!first) return "";
  if (first == last || first->remaining == last->remaining) {
    return fmt::format("remaining {}", *first->remaining);
  }
  return fmt::format("remaining {}{}{}", *first->remaining, style.arrow(), *last->remaining);
}

std::string retry_cell(const std::optional<double>& retry_after_s) {
  return retry_after_s ? "retry after " + seconds_text(*retry_after_s) : "";
}

Cells entry_cells(const TimelineEntry& entry, std::size_t index, const Style& style) {
  const auto* known = entry.remaining ? &entry : nullptr;
  return {fmt::format("#{}", index),
          "t " + moment(util::to_ms(entry.sent)),
          "took " + moment(util::to_ms(entry.done - entry.sent)),
          status_cell(entry, 1, style),
          remaining_cell(known, known, style),
          retry_cell(entry.retry_after_s),
          safe(entry.phase),
          safe(entry.error_kind)};
}

bool same_answer(const TimelineEntry& a, const TimelineEntry& b) {
  return a.status == b.status && a.limited == b.limited && a.phase == b.phase &&
         a.error_kind == b.error_kind;
}

// A run of equal answers, entries [begin, end) of the timeline.
Cells run_cells(const std::vector<TimelineEntry>& timeline, std::size_t begin, std::size_t end,
                const Style& style) {
  const auto& first = timeline[begin];
  const auto& last = timeline[end - 1];
  const TimelineEntry* first_known = nullptr;
  const TimelineEntry* last_known = nullptr;
  std::optional<double> retry_after_s;
  for (std::size_t i = begin; i < end; ++i) {
    if (timeline[i].remaining) {
      if (!first_known) first_known = &timeline[i];
      last_known = &timeline[i];
    }
    if (timeline[i].retry_after_s) retry_after_s = timeline[i].retry_after_s;
  }
  const auto count = end - begin;
  const auto sent_from = util::to_ms(first.sent);
  const auto sent_to = util::to_ms(last.sent);
  return {count == 1 ? fmt::format("#{}", begin + 1)
                     : fmt::format("#{}{}{}", begin + 1, dash(style), end),
          count == 1 ? moment(sent_from) : moment_range(sent_from, sent_to, style),
          status_cell(first, count, style),
          remaining_cell(first_known, last_known, style),
          retry_cell(retry_after_s),
          safe(first.phase),
          safe(first.error_kind)};
}

std::string timeline_section(const ProbeResult& probe, bool verbose, const Style& style) {
  const auto& timeline = probe.timeline;
  std::vector<Cells> rows;
  if (verbose) {
    for (std::size_t i = 0; i < timeline.size(); ++i)
      rows.push_back(entry_cells(timeline[i], i + 1, style));
  } else {
    std::size_t begin = 0;
    for (std::size_t i = 1; i <= timeline.size(); ++i) {
      if (i == timeline.size() || !same_answer(timeline[begin], timeline[i])) {
        rows.push_back(run_cells(timeline, begin, i, style));
        begin = i;
      }
    }
  }
  const auto heading = verbose ? std::string(" (each request, t from the probe's start)")
                               : std::string(" (runs of equal answers; -v shows each request)");
  return style.bold("Timeline") + heading + "\n" + table(rows);
}

}  // namespace

std::string describe_limit(const RateLimitHeaders& headers) {
  std::vector<std::string> parts;
  if (auto counts = counts_text(headers); !counts.empty()) parts.push_back(std::move(counts));
  // Retry-After is what a client acts on; a reset beside it adds nothing.
  if (headers.retry_after) {
    parts.push_back(retry_short(*headers.retry_after));
  } else if (headers.reset) {
    parts.push_back(reset_short(*headers.reset));
  }
  return util::join(parts, ", ");
}

std::string render_ratelimit(const RateLimitReport& report, const HumanOptions& options) {
  const auto& style = options.style;
  std::string out = title(report, style);
  out += verdict(report, style);
  if (report.status != 0) {
    out += "\n" + status_line(report, style);
    out += "\n" + headers_section(report.headers, style);
  }
  if (!report.keyed_on.empty()) out += "\n" + keyed_section(report.keyed_on, style);
  // A probe that never got an answer learned nothing beyond the failure.
  if (report.probe && !report.failure) {
    const auto& probe = *report.probe;
    out += "\n" + probe_section(probe, style);
    if (!probe.evidence.empty()) out += "\n" + evidence_section(probe, style);
    if (!probe.timeline.empty()) out += "\n" + timeline_section(probe, options.verbose, style);
  }
  return out;
}

namespace {

std::string status_note(const RateLimitReport& report) {
  std::string text =
      "A server that limits how often a client may call it answers 429 Too Many Requests "
      "(RFC 6585) once the client has spent its allowance; some answer 403 or 503 instead. It "
      "may add Retry-After (RFC 9110): how long to wait before asking again, either as seconds "
      "(\"Retry-After: 30\") or as an HTTP-date (\"Retry-After: Mon, 07 Dec 2026 17:50:31 "
      "GMT\"). Rate-limit headers (RateLimit and RateLimit-Policy, or X-RateLimit-*) announce "
      "the allowance before it runs out: the limit, what is left and when it resets.";
  if (report.status == 0) return text;
  const auto described = describe_limit(report.headers);
  return text + fmt::format(" Here the first answer was {}{}.", status_text(report.status),
                            described.empty() ? std::string(" with no rate-limit figure")
                                              : ": " + described);
}

std::string found_numbers(const ProbeResult& probe) {
  std::vector<std::string> parts;
  if (probe.limit) parts.push_back(plural(*probe.limit, "request") + " at once from rest");
  if (probe.window_s) parts.push_back("a window of " + seconds_text(*probe.window_s));
  if (probe.burst) parts.push_back("a burst of " + plural(*probe.burst, "request"));
  if (probe.refill_per_s) parts.push_back("refill at " + per_second(*probe.refill_per_s));
  return util::join(parts, ", ");
}

const char* signature(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::fixed_window:
      return "A fixed window gives its whole allowance back at once, when a new window starts.";
    case Algorithm::sliding_window:
      return "A sliding window gives capacity back gradually, as the earliest requests age out.";
    case Algorithm::token_bucket:
      return "A token bucket admits a burst, then requests at a steady rate.";
    case Algorithm::leaky_bucket:
      return "A metering leaky bucket admits a burst, then requests at its drain rate.";
    case Algorithm::unknown:
      break;
  }
  return "";
}

// Evidence is written as clauses; in prose each becomes a sentence.
std::string as_sentence(std::string text) {
  if (text.empty()) return text;
  if (text.front() >= 'a' && text.front() <= 'z')
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  if (text.back() != '.') text += '.';
  return text;
}

std::string found_note(const RateLimitReport& report) {
  if (report.failure) {
    return fmt::format("No answer arrived ({}), so there is nothing to read yet: fix that first.",
                       util::printable(report.failure->kind));
  }
  if (!report.probe) {
    const auto described = describe_limit(report.headers);
    if (described.empty()) {
      return "Without --probe this run only read the answer's headers, and they name no "
             "limit. --probe finds it by asking: bursts until the first 429, then waits and "
             "measures how capacity comes back.";
    }
    return "Without --probe this run only read the answer's headers: " + described +
           ". Headers announce a budget, not how it refills; --probe measures that by asking.";
  }
  const auto& probe = *report.probe;
  if (probe.stop_reason == "error_status") {
    return "The first answer was an error, not a limit, so the probe stopped there: a burst "
           "of errors would measure the error path, not the limit. Fix the request (the URL, "
           "the method, the credentials) and probe again.";
  }
  if (!probe.limit && !probe.first_429_at && stopped_early(probe)) {
    return fmt::format(
        "The probe stopped ({}) before any limited answer, so the limit is still "
        "unknown.",
        early_stop_phrase(probe));
  }
  if (!probe.limit && !probe.first_429_at) {
    return fmt::format(
        "The probe sent {} without a limited answer: any limit is higher than that, or "
        "counts over a longer window. A larger --max-requests looks further; each request "
        "counts against the real limit.",
        plural(probe.requests_sent, "request"));
  }
  std::string text;
  if (probe.algorithm == Algorithm::unknown) {
    text = fmt::format(
        "The probe found a limit ({}) but not enough evidence to tell the families apart, "
        "with {} confidence.",
        found_numbers(probe).empty()
            ? "first limited answer at request " + std::to_string(probe.first_429_at.value_or(0))
            : found_numbers(probe),
        ratelimit::confidence_name(probe.confidence));
  } else {
    text =
        fmt::format("This run found a {} ({} confidence): {}. {}", algorithm_label(probe.algorithm),
                    ratelimit::confidence_name(probe.confidence), found_numbers(probe),
                    signature(probe.algorithm));
  }
  if (!probe.evidence.empty()) {
    std::vector<std::string> seen;
    for (const auto& item : probe.evidence)
      seen.push_back(as_sentence(safe(item, kProseWidth)));
    text += " What it saw: " + util::join(seen, " ");
  }
  std::vector<std::string> others;
  for (const auto algorithm : probe.consistent_with) {
    if (algorithm != probe.algorithm) others.emplace_back(algorithm_label(algorithm));
  }
  if (!others.empty()) {
    text += " The evidence also fits: " + util::join(others, ", ") +
            "; the same pacing suits each of them.";
  }
  return text;
}

std::string backoff_note() {
  return "When an answer is limited, wait as long as Retry-After says before trying again: the "
         "server knows when capacity returns. Without it, back off exponentially with full "
         "jitter: before retry number n, sleep = random(0, min(cap, base * 2^n)), for example "
         "with base 100 ms and cap 30 s, so that clients that failed together do not retry "
         "together. Cap the retries (say 5) and then fail with the server's answer. When many "
         "clients, threads or processes share one key, spread their requests over time and "
         "share the budget, or their retries spend each other's allowance.";
}

// The steady rate this run's numbers allow, in requests per second.
std::optional<double> measured_rate(const RateLimitReport& report) {
  if (report.probe) {
    const auto& probe = *report.probe;
    if (probe.refill_per_s && *probe.refill_per_s > 0) return probe.refill_per_s;
    if (probe.limit && probe.window_s && *probe.window_s > 0) {
      return static_cast<double>(*probe.limit) / *probe.window_s;
    }
  }
  const auto& headers = report.headers;
  if (headers.limit && headers.window_s && *headers.window_s > 0) {
    return static_cast<double>(*headers.limit) / static_cast<double>(*headers.window_s);
  }
  return std::nullopt;
}

// What the headers leave until their reset: "Right now 50 requests are left ...".
std::string budget_note(const RateLimitHeaders& headers) {
  if (!headers.remaining || !headers.reset || headers.reset->seconds_from_response < 1) return "";
  const auto seconds = headers.reset->seconds_from_response;
  const auto span = util::approximate_span(seconds);
  if (*headers.remaining == 0) {
    return fmt::format(" Right now none are left: send nothing until the reset in {}.", span);
  }
  return fmt::format(" Right now {} left until the reset in {}: at most {} until then.",
                     *headers.remaining == 1 ? std::string("1 request is")
                                             : plural(*headers.remaining, "request") + " are",
                     span, per_second(static_cast<double>(*headers.remaining) / seconds));
}

std::string pacing_note(const RateLimitReport& report) {
  const auto rate = measured_rate(report);
  // After a probe the first answer's budget is spent: it would mislead.
  const auto budget = report.probe ? std::string() : budget_note(report.headers);
  if (!rate) {
    return "This run measured no rate, so pace by what the API documents, and watch the "
           "rate-limit headers and 429 answers as you go." +
           budget;
  }
  std::string text = fmt::format(
      "Stay under {} requests per second, {}; with headroom for clock drift and other "
      "clients, aim for about {}.",
      rate_number(*rate), report.probe ? "what this run measured" : "what the headers announce",
      per_second(*rate * kPacingShare));
  if (report.probe) {
    if (const auto burst = report.probe->burst ? report.probe->burst : report.probe->limit) {
      text += fmt::format(" Send at most {} at once after a pause.", plural(*burst, "request"));
    }
  }
  return text + budget;
}

}  // namespace

std::string explain_ratelimit(const RateLimitReport& report) {
  std::string out = "\nWhat these numbers mean\n";
  out += paragraph("429 Too Many Requests and Retry-After", status_note(report));
  out += paragraph(
      "Fixed window",
      "A counter per clock-aligned window (each minute from :00, say): every request adds "
      "one, requests beyond the limit are refused, and the counter resets all at once when the "
      "next window starts. A client that spends its limit at the end of one window and again "
      "at the start of the next gets up to 2x the limit through across the boundary.");
  out += paragraph(
      "Sliding window",
      "Counts the requests of the last S seconds, wherever you look from. There is no boundary "
      "to exploit: capacity comes back one request at a time, as old requests age out of the "
      "window.");
  out += paragraph(
      "Token bucket",
      "A bucket of B tokens refilled at R tokens per second; each request takes one, and a "
      "request that finds the bucket empty is refused. A rested client can burst up to B "
      "requests, then continue at R per second.");
  out += paragraph(
      "Leaky bucket",
      "Requests drain at a fixed rate. As a queue it delays requests rather than rejecting "
      "them, until the queue is full. As a meter (nginx limit_req with nodelay, GCRA) it "
      "admits or refuses each request at once, and from outside it behaves like a token "
      "bucket: the burst is its depth, the rate its drain.");
  out += paragraph("What this run found", found_note(report));
  out += paragraph("Backing off", backoff_note());
  out += paragraph("Pacing", pacing_note(report));
  return out;
}

}  // namespace reqscope::render
