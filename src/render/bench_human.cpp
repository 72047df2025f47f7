#include "reqscope/render/bench_human.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "bench_common.hpp"
#include "layout.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::render {

namespace {

using bench::all_passed;
using bench_view::error_count;
using bench_view::method_of;

constexpr std::size_t kRowLabelWidth = 13;
constexpr std::size_t kValueColumn = kRowLabelWidth + 2;
// The latency table: a label, then seven figures that format_ms() keeps
// within 9 characters, so one space always separates them.
constexpr std::size_t kTableLabelWidth = 9;
constexpr std::size_t kCellWidth = 10;
constexpr std::size_t kHistogramBarWidth = 40;
constexpr std::size_t kErrorKindWidth = 16;
constexpr std::size_t kSampleIndent = 4;
// Beyond this an error sample in prose only repeats what its kind says.
constexpr std::size_t kProseSampleWidth = 120;
// Open loop: p99 latency this many times p99 service time means queueing.
constexpr double kQueueingRatio = 1.5;
// Below this p99, as for a single trace, no phase is worth a diagnosis.
constexpr double kFastP99Ms = 10.0;

std::string percent(double fraction) {
  return fmt::format("{:.1f}%", fraction * 100);
}

std::string rate_text(double per_second) {
  if (per_second >= 100) return fmt::format("{:.0f} req/s", per_second);
  return fmt::format("{:.{}f} req/s", per_second, per_second >= 10 ? 1 : 2);
}

// The configured rate as the user typed it: "200", "0.5".
std::string rate_option_text(double rate) {
  return fmt::format("{:.6g} req/s", rate);
}

std::string repeat(const char* glyph, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out += glyph;
  return out;
}

std::string share_of(std::uint64_t part, std::uint64_t whole) {
  return percent(static_cast<double>(part) /
                 static_cast<double>(std::max<std::uint64_t>(whole, 1)));
}

std::string safe_sample(const std::string& message, std::size_t width) {
  return clip(util::printable(message), width);
}

std::string row(const std::string& label, const std::string& value) {
  return fit(pad("  " + label, kValueColumn), value, std::string(kValueColumn, ' '));
}

std::string error_sample(const bench::BenchResult& result, std::string_view kind) {
  const auto found = result.error_samples.find(kind);
  return found == result.error_samples.end() ? std::string() : found->second;
}

// The kind most requests failed with; the first listed wins a tie.
std::string_view most_common_error(const bench::BenchResult& result) {
  std::string_view common = bench::kErrorKinds.front();
  for (const auto kind : bench::kErrorKinds) {
    if (error_count(result, kind) > error_count(result, common)) common = kind;
  }
  return common;
}

std::uint64_t rejected_count(const bench::BenchResult& result) {
  std::uint64_t rejected = 0;
  for (const auto& [status, count] : result.status_counts) {
    if (status >= 400 && status < 500) rejected += count;
  }
  return rejected;
}

std::string phase_label(const std::string& phase) {
  if (phase == "queue") return "queueing before the send";
  if (phase == "connect") return "TCP connect";
  if (phase == "tls") return "the TLS handshake";
  if (phase == "wait") return "server wait";
  if (phase == "transfer") return "transfer";
  return "sending and client overhead";
}

std::string load_model(const bench::BenchConfig& config) {
  std::string out =
      config.open_loop() ? "open loop at " + rate_option_text(*config.rate) : "closed loop";
  out += ", " + plural(config.connections, "connection") + ", " + plural(config.threads, "thread");
  if (config.streams_per_connection > 1) {
    out += fmt::format(", {} streams per connection", config.streams_per_connection);
  }
  return out;
}

// One line when it fits; else the load model gets a line of its own, so the
// two spaces that set it apart are never squeezed by wrapping.
std::string title(const bench::BenchResult& result, const Style& style) {
  const auto& config = result.config;
  const auto first = style.bold("BENCH") + "  ";
  const auto request = method_of(config) + " " + util::printable(config.url.to_string());
  const auto model = load_model(config);
  const auto indent = std::string(7, ' ');
  const auto line = first + request + "  " + model;
  if (util::display_width(line) <= kColumns) return line + "\n";
  return fit(first, request, indent) + fit(indent, model, indent);
}

std::string counts_sentence(const bench::BenchResult& result, const Style& style) {
  const auto in =
      result.partial() ? std::string() : " in " + format_ms(util::to_ms(result.duration));
  if (result.requests == 0) return "No request completed" + in + ".";
  if (result.responses == 0) {
    const auto kind = most_common_error(result);
    std::string text = fmt::format("{}{}, every one failed; most often {} ({}{})",
                                   plural(result.requests, "request"), in, kind, times(style),
                                   error_count(result, kind));
    const auto sample = error_sample(result, kind);
    return text + (sample.empty() ? "." : ": \"" + safe_sample(sample, kProseSampleWidth) + "\".");
  }
  return fmt::format("{}{}, {} ({}).", plural(result.requests, "request"), in,
                     plural(result.errors, "error"), percent(bench::error_rate(result)));
}

std::string diagnosis_sentence(const bench::Diagnosis& diagnosis, const Style& style) {
  if (diagnosis.shares.empty()) return "";
  std::string text =
      fmt::format(" Time goes to {} ({:.0f}% of latency)", phase_label(diagnosis.dominant_phase),
                  diagnosis.shares.front().share * 100);
  if (diagnosis.tail != bench::Tail::none) {
    text += fmt::format("; tail p99/p50 = {:.1f}{} ({})", diagnosis.tail_ratio, times(style),
                        bench::tail_name(diagnosis.tail));
  }
  return text + ".";
}

std::string verdict(const bench::BenchResult& result,
                    const std::vector<bench::ThresholdCheck>& checks,
                    const bench::Diagnosis& diagnosis, const Style& style) {
  std::string first;
  if (result.partial()) {
    first = style.bold(style.yellow("PARTIAL")) + ": stopped by Ctrl-C after " +
            format_ms(util::to_ms(result.duration)) + ". ";
  } else if (bench::no_response(result)) {
    first = style.bold(style.red("FAILED")) + "  ";
  } else if (!all_passed(checks)) {
    first = style.bold(style.red("CHECK FAILED")) + "  ";
  } else if (diagnosis.rate_not_met) {
    first = style.bold(style.yellow("RATE MISSED")) + "  ";
  } else if (result.errors > 0) {
    first = style.bold(style.yellow("ERRORS")) + "  ";
  } else {
    first = style.bold(style.green("OK")) + "  ";
  }
  std::string text = counts_sentence(result, style);
  if (result.stop_reason == bench::StopReason::max_requests) {
    text += fmt::format(" Stopped at --max-requests {}.", result.config.max_requests);
  }
  text += diagnosis_sentence(diagnosis, style);
  const auto failed = static_cast<std::size_t>(std::count_if(
      checks.begin(), checks.end(), [](const bench::ThresholdCheck& check) { return !check.ok; }));
  if (failed > 0)
    text += fmt::format(" {} of {} failed.", failed, plural(checks.size(), "threshold"));
  return util::wrap(util::split_long_words(text, kColumns - 2), kColumns, first, "  ");
}

std::string warnings(const bench::BenchResult& result, const bench::Diagnosis& diagnosis,
                     const Style& style) {
  const auto warning = style.yellow("warning:") + " ";
  std::string out;
  if (diagnosis.rate_not_met) {
    out += util::wrap(
        fmt::format("the open loop could not keep up with --rate {}: {} unsent, sends up to {} "
                    "late. Raise -c or lower --rate.",
                    rate_option_text(result.config.rate.value_or(0)),
                    plural(result.unsent, "request"), format_ms(util::to_ms(result.max_send_lag))),
        kColumns, "  " + warning, "    ");
  }
  if (const auto failed = error_count(result, "http_5xx"); failed > 0) {
    out += util::wrap(fmt::format("the server failed {} with a 5xx status; its logs say why.",
                                  plural(failed, "request")),
                      kColumns, "  " + warning, "    ");
  }
  if (const auto rejected = rejected_count(result); rejected > 0) {
    out += util::wrap(fmt::format("the server rejected {} with a 4xx status; check the URL, "
                                  "method and headers.",
                                  plural(rejected, "request")),
                      kColumns, "  " + warning, "    ");
  }
  return out;
}

std::string throughput_section(const bench::BenchResult& result) {
  const auto& config = result.config;
  std::string out = "Throughput\n";
  auto rate = rate_text(bench::requests_per_second(result));
  if (config.open_loop()) rate += " (target " + rate_option_text(*config.rate) + ")";
  out += row("requests/s", rate);
  out += row("received", format_bytes(static_cast<std::uint64_t>(bench::bytes_per_second(result))) +
                             "/s, " + format_bytes(result.bytes_received) + " in all");
  out += row("requests", fmt::format("{} completed, {}", result.requests,
                                     plural(result.responses, "response")));
  out += row("connections", fmt::format("{} opened", result.connections_opened));
  out += row("duration", format_ms(util::to_ms(result.duration)));
  if (!result.address.empty()) {
    out +=
        row("server",
            util::printable(result.address) +
                (result.http_version.empty() ? "" : ", " + util::printable(result.http_version)));
  }
  return out;
}

std::string latency_row(const std::string& label, const bench::LatencyFigures& figures) {
  std::string out = fmt::format("{:<{}}", label, kTableLabelWidth);
  for (const double ms : {figures.min_ms, figures.p50_ms, figures.p90_ms, figures.p99_ms,
                          figures.p999_ms, figures.max_ms, figures.mean_ms}) {
    out += fmt::format("{:>{}}", format_ms(ms), kCellWidth);
  }
  return out + "\n";
}

std::string latency_section(const bench::BenchResult& result, const Style& style) {
  if (result.latency.count() == 0) {
    return pad(style.bold("Latency"), kValueColumn) + "none: no response arrived\n";
  }
  const bool open = result.config.open_loop();
  std::string out = pad(style.bold("Latency"), kTableLabelWidth);
  for (const char* column : {"min", "p50", "p90", "p99", "p99.9", "max", "mean"})
    out += fmt::format("{:>{}}", column, kCellWidth);
  out += "\n";
  const auto total = bench::figures_of(result.latency);
  out += latency_row(open ? "latency" : "total", total);
  if (open) out += latency_row("service", bench::figures_of(result.service));
  const std::pair<const char*, const stats::Histogram*> phases[] = {{"connect", &result.connect},
                                                                    {"tls", &result.tls},
                                                                    {"wait", &result.wait},
                                                                    {"transfer", &result.transfer}};
  for (const auto& [name, histogram] : phases) {
    if (histogram->count() > 0) out += latency_row(name, bench::figures_of(*histogram));
  }
  out += fmt::format("  stdev of {} {}\n", open ? "latency" : "total", format_ms(total.stdev_ms));
  if (result.connect.count() > 0) {
    out += fmt::format("  connect and tls: {} only\n",
                       plural(result.connect.count(), "new connection"));
  }
  if (open) {
    out += "  latency: from each request's intended send time (what users waited)\n";
    out += "  service: from its actual send (what the server took)\n";
  }
  return out;
}

std::string status_colour(int status, const std::string& text, const Style& style) {
  if (status >= 500) return style.red(text);
  if (status >= 400) return style.yellow(text);
  if (status < 300) return style.green(text);
  return text;
}

std::string status_section(const bench::BenchResult& result, const Style& style) {
  const auto first = pad("Status", kValueColumn);
  if (result.status_counts.empty()) return first + "none\n";
  std::vector<std::string> items;
  for (const auto& [status, count] : result.status_counts) {
    items.push_back(
        status_colour(status, fmt::format("{} {}{}", status, times(style), count), style));
  }
  return fill(items, first, std::string(kValueColumn, ' '));
}

std::string errors_section(const bench::BenchResult& result) {
  if (result.errors == 0) return pad("Errors", kValueColumn) + "none\n";
  std::string out = "Errors\n";
  for (const auto kind : bench::kErrorKinds) {
    const auto count = error_count(result, kind);
    if (count == 0) continue;
    out += fmt::format("  {:<{}}{:>8} {:>8}\n", kind, kErrorKindWidth, count,
                       "(" + share_of(count, result.requests) + ")");
    // Below its kind, on one line of its own: the first message is evidence, not prose.
    if (const auto sample = error_sample(result, kind); !sample.empty()) {
      out += std::string(kSampleIndent, ' ') + safe_sample(sample, kColumns - kSampleIndent) + "\n";
    }
  }
  return out;
}

std::string bin_label(double le_ms, const Style& style) {
  const char* at_most = style.unicode ? "\u2264" : "<=";
  if (le_ms >= 1000) return fmt::format("{} {:g} s", at_most, le_ms / 1000);
  return fmt::format("{} {:g} ms", at_most, le_ms);
}

std::string histogram_section(const bench::BenchResult& result, const Style& style) {
  const auto bins = bench::display_bins(result.latency);
  if (bins.empty()) return "";
  std::uint64_t largest = 0;
  std::vector<std::string> labels;
  std::size_t label_width = 0;
  for (const auto& bin : bins) {
    largest = std::max(largest, bin.count);
    labels.push_back(bin_label(bin.le_ms, style));
    label_width = std::max(label_width, util::display_width(labels.back()));
  }
  std::string out =
      style.bold(result.config.open_loop() ? "Latency histogram" : "Total latency histogram") +
      "\n";
  for (std::size_t i = 0; i < bins.size(); ++i) {
    const auto count = bins[i].count;
    const auto share = static_cast<double>(count) / static_cast<double>(largest);
    auto width = static_cast<std::size_t>(std::lround(share * kHistogramBarWidth));
    if (count > 0) width = std::max<std::size_t>(width, 1);
    // Padded by hand: a Unicode bar's bytes are not its columns.
    const auto bar =
        style.cyan(repeat(style.bar(), width)) + std::string(kHistogramBarWidth - width, ' ');
    out += "  " + pad(labels[i], label_width + 2) + bar +
           fmt::format("{:>9} {:>7}\n", count, share_of(count, result.latency.count()));
  }
  return out;
}

std::string series_section(const std::vector<bench::SecondSample>& series) {
  if (series.empty()) return "";
  std::string out = "Each second\n";
  out += fmt::format("{:>8}{:>12}{:>12}{:>12}{:>10}\n", "t", "requests", "p50", "p99", "errors");
  for (const auto& second : series) {
    out += fmt::format("{:>8}{:>12}{:>12}{:>12}{:>10}\n", fmt::format("{} s", second.t_s),
                       second.requests, format_ms(second.p50_ms), format_ms(second.p99_ms),
                       second.errors);
  }
  return out;
}

std::string thresholds_section(const std::vector<bench::ThresholdCheck>& checks,
                               const Style& style) {
  if (checks.empty()) return "";
  std::string out = "Thresholds\n";
  for (const auto& check : checks) {
    const auto mark = check.ok ? style.green("ok  ") : style.red("FAIL");
    out += util::wrap(check.message, kColumns, "  " + mark + "  ", "        ");
  }
  return out;
}

// A --compare figure with its unit, read from its name as figures_for_compare() gives it.
std::string figure_text(const std::string& name, double value) {
  if (name == "rps") return rate_text(value);
  if (name == "error_rate") return percent(value);
  if (name.size() > 3 && name.ends_with("_ms")) return format_ms(value);
  return fmt::format("{:.6g}", value);
}

std::string change_text(const bench::Change& change, const Style& style) {
  if (!change.change_pct) return "n/a";
  const auto text = fmt::format("{:+.1f}%", *change.change_pct);
  if (change.after == change.before) return text;
  return change.better() ? style.green(text + " better") : style.red(text + " worse");
}

std::string comparison_section(const BenchComparison& comparison, const Style& style) {
  std::string out = fit("Compared with ", util::printable(comparison.baseline_path), "  ");
  out += fmt::format("  {:<12}{:>15}{:>15}  {}\n", "figure", "before", "after", "change");
  for (const auto& change : comparison.changes) {
    out += fmt::format("  {:<12}{:>15}{:>15}  {}\n", clip(util::printable(change.name), 12),
                       figure_text(change.name, change.before),
                       figure_text(change.name, change.after), change_text(change, style));
  }
  return out;
}

}  // namespace

std::string render_bench(const bench::BenchResult& result,
                         const std::vector<bench::ThresholdCheck>& checks,
                         const std::optional<BenchComparison>& comparison,
                         const HumanOptions& options) {
  const auto& style = options.style;
  const auto diagnosis = bench::diagnose(result);
  std::string out = title(result, style);
  out += verdict(result, checks, diagnosis, style);
  out += warnings(result, diagnosis, style);
  out += "\n" + throughput_section(result);
  out += "\n" + latency_section(result, style);
  out += "\n" + status_section(result, style);
  out += errors_section(result);
  if (const auto histogram = histogram_section(result, style); !histogram.empty()) {
    out += "\n" + histogram;
  }
  if (options.verbose) {
    if (const auto series = series_section(result.series); !series.empty()) out += "\n" + series;
  }
  if (!checks.empty()) out += "\n" + thresholds_section(checks, style);
  if (comparison) out += "\n" + comparison_section(*comparison, style);
  return out;
}

namespace {

std::string percentiles_note(const bench::LatencyFigures& latency, const std::string& name) {
  // The chance that a page making this many calls meets at least one p99.
  constexpr int kCallsPerPage = 20;
  const double page_share = 1 - std::pow(0.99, kCallsPerPage);
  // The mean hides a tail only when p99 is well above it.
  const bool mean_hides_tail = latency.p99_ms > 2 * latency.mean_ms;
  return fmt::format(
      "Half the responses took at most {} ({} p50, the median); 99 in 100 took at most {} "
      "(p99) and the slowest {}. The mean, {}, {}. Users meet the tail often: a page that "
      "makes {} calls waits for the slowest, so {:.0f}% of page loads wait at least as long as "
      "p99.",
      format_ms(latency.p50_ms), name, format_ms(latency.p99_ms), format_ms(latency.max_ms),
      format_ms(latency.mean_ms),
      mean_hides_tail ? "hides the tail: a few slow requests among many fast ones barely move it"
                      : "is close to the tail here: requests are slow alike, not a few of them",
      kCallsPerPage, page_share * 100);
}

std::string mean_of(const stats::Histogram& histogram) {
  return histogram.count() == 0 ? "none here" : "mean " + format_ms(histogram.mean_ns() / 1e6);
}

std::string phases_note(const bench::BenchResult& result) {
  return fmt::format(
      "Each response's time splits into phases. connect: the TCP handshake, one round trip, "
      "paid only when a connection is opened ({} opened for {}; keep-alive reuses the rest; "
      "{}). tls: the TLS handshake on a new https connection ({}). wait: from the request "
      "sent to the first byte of the response, the server's think time plus one round trip "
      "({}). transfer: from the first byte of the response to its last ({}).",
      result.connections_opened, plural(result.responses, "response"), mean_of(result.connect),
      mean_of(result.tls), mean_of(result.wait), mean_of(result.transfer));
}

std::string wait_suggestion(const bench::Diagnosis& diagnosis) {
  if (diagnosis.tail == bench::Tail::heavy) {
    return fmt::format(
        " The tail is heavy (p99/p50 = {:.1f}x): some requests wait far longer than others. "
        "Look for slow or N+1 database queries, blocking code (locks, synchronous I/O), slow "
        "upstream calls, or too few workers, so that requests queue behind each other.",
        diagnosis.tail_ratio);
  }
  return fmt::format(
      " The tail is {} (p99/p50 = {:.1f}x): requests are evenly slow or fast, so the cost is "
      "in every request. Profile the handler: its queries, upstream calls and serialization.",
      bench::tail_name(diagnosis.tail), diagnosis.tail_ratio);
}

std::string dominant_note(const bench::BenchResult& result, const bench::Diagnosis& diagnosis) {
  const auto& phase = diagnosis.dominant_phase;
  std::string text = fmt::format("The largest share of latency here is {} ({:.0f}%).",
                                 phase_label(phase), diagnosis.shares.front().share * 100);
  if (const auto p99 = bench::figures_of(result.latency).p99_ms; p99 < kFastP99Ms) {
    return text + fmt::format(
                      " Yet 99 in 100 responses took under {}: at this speed no phase is worth "
                      "a diagnosis.",
                      format_ms(std::max(p99, 0.01)));
  }
  if (phase == "wait") return text + wait_suggestion(diagnosis);
  if (phase == "connect" || phase == "tls") {
    return text +
           " Setting up connections costs more than serving: a new connection per request "
           "(no keep-alive), network distance (each handshake is a round trip), or the cost "
           "of TLS. Reuse connections (keep-alive, HTTP/2); TLS 1.3 and session resumption "
           "save round trips.";
  }
  if (phase == "transfer") {
    return text +
           fmt::format(
               " Responses are large (about {} each) or bandwidth is short: compress "
               "or paginate them, or check how the server streams them.",
               format_bytes(result.bytes_received / std::max<std::uint64_t>(result.responses, 1)));
  }
  if (phase == "queue") {
    return text + fmt::format(
                      " Requests went out later than they were due: every connection was busy "
                      "(the server cannot keep up with {} over {}), or this machine could not "
                      "send them on time.",
                      rate_option_text(result.config.rate.value_or(0)),
                      plural(result.config.connections, "connection"));
  }
  return text +
         " The time falls outside the measured phases: sending the request, or the "
         "client itself; check the load on this machine.";
}

std::string loop_note(const bench::BenchResult& result, const bench::Diagnosis& diagnosis) {
  const auto& config = result.config;
  if (!config.open_loop()) {
    return fmt::format(
        "This run was a closed loop: {} sent its next request only when the "
        "previous one was answered. When the server stalls, the sender stalls with it, so the "
        "requests users would have sent meanwhile are never counted and the percentiles look "
        "better than what users see (coordinated omission). --rate R runs an open loop that "
        "measures each request from when it was due.",
        config.connections == 1 ? std::string("its one connection")
                                : fmt::format("each of its {} connections", config.connections));
  }
  std::string text = fmt::format(
      "This run was an open loop at {}: each request was due at a fixed time and its latency "
      "counts from then, so a stall counts for every request due during it (no coordinated "
      "omission). latency is what users waited; service, from the actual send, is what the "
      "server took.",
      rate_option_text(*config.rate));
  if (diagnosis.queueing_ratio > kQueueingRatio) {
    return text + fmt::format(
                      " Here p99 latency is {:.1f}x p99 service: requests waited for a "
                      "connection, so the server cannot keep up with this rate.",
                      diagnosis.queueing_ratio);
  }
  if (diagnosis.queueing_ratio > 0) {
    return text + fmt::format(
                      " Here p99 latency is {:.1f}x p99 service: the server kept up with "
                      "this rate.",
                      diagnosis.queueing_ratio);
  }
  return text;
}

std::string failure_note(const bench::BenchResult& result) {
  if (result.requests == 0) {
    return "No request completed, so there is nothing to measure yet.";
  }
  const auto kind = most_common_error(result);
  const auto sample = error_sample(result, kind);
  return fmt::format(
      "No response arrived, so there is no latency to read. Most requests failed with {}{}. "
      "Fix that first: is the server running, and reachable at this address and port?",
      kind, sample.empty() ? "" : " (\"" + safe_sample(sample, kProseSampleWidth) + "\")");
}

}  // namespace

std::string errors_note(const bench::BenchResult& result) {
  const auto server_errors = error_count(result, "http_5xx");
  const auto transport = result.errors - server_errors;
  std::string text = fmt::format(
      "{} of {} failed ({}). The percentiles above cover the responses only. ", result.errors,
      plural(result.requests, "request"), percent(bench::error_rate(result)));
  if (server_errors > 0) {
    text += fmt::format(
        "{} answered with a 5xx status: the server took the request and failed it, often "
        "when a dependency (a database, an upstream) fails or times out under load, so a fast "
        "5xx can flatter the latency. ",
        plural(server_errors, "request"));
  }
  if (transport > 0) {
    text += fmt::format(
        "{} got no response at all (see Errors for the kinds): refused or reset connections "
        "under load often mean the server's accept queue or worker pool is full. ",
        plural(transport, "request"));
  }
  return text + "--max-error-rate makes a CI run fail on this.";
}

std::string explain_bench(const bench::BenchResult& result) {
  const auto diagnosis = bench::diagnose(result);
  std::string out = "\nWhat these numbers mean\n";
  if (result.latency.count() == 0) {
    out += paragraph("This run", failure_note(result));
  } else {
    const auto latency = bench::figures_of(result.latency);
    out += paragraph("Percentiles and the tail",
                     percentiles_note(latency, result.config.open_loop() ? "latency" : "total"));
    out += paragraph("Phases", phases_note(result));
    if (!diagnosis.shares.empty()) {
      out += paragraph("What this run suggests", dominant_note(result, diagnosis));
    }
    if (result.errors > 0) out += paragraph("Errors", errors_note(result));
  }
  out += paragraph(result.config.open_loop() ? "Open loop" : "Closed loop and coordinated omission",
                   loop_note(result, diagnosis));
  return out;
}

}  // namespace reqscope::render
