#include "reqscope/render/trace_human.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reqscope/http/repeat.hpp"
#include "reqscope/render/dns_human.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::render {

namespace {

constexpr int kBarWidth = 40;
// Below this total, no phase is worth a diagnosis.
constexpr double kFastTotalMs = 10.0;

std::string repeat_glyph(const Style& style, int count) {
  std::string out;
  for (int i = 0; i < count; ++i)
    out += style.bar();
  return out;
}

std::string verdict_line(const http::TraceResult& trace, const std::vector<http::Check>& checks,
                         const Style& style) {
  if (!trace.ok()) {
    return style.bold(style.red("FAILED")) + "  " + trace.failure->error.kind + " in the " +
           trace.failure->phase + " phase after " + format_ms(util::to_ms(trace.total));
  }
  const auto& last = trace.hops.back();
  const bool checks_ok = http::all_passed(checks);
  const bool status_checked =
      std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c.name == "status"; });
  std::string word = style.bold(style.green("OK"));
  if (!checks_ok) {
    word = style.bold(style.red("CHECK FAILED"));
  } else if (!status_checked && last.status >= 500) {
    word = style.bold(style.red("SERVER ERROR"));
  } else if (!status_checked && last.status >= 400) {
    word = style.bold(style.yellow("CLIENT ERROR"));
  }
  const auto* dot = style.dot();
  return fmt::format("{}  {} in {} {} {} hop{} {} {} {} {}", word, last.status,
                     format_ms(util::to_ms(trace.total)), dot, trace.hops.size(),
                     trace.hops.size() == 1 ? "" : "s", dot, last.http_version, dot,
                     last.remote_ip.find(':') != std::string::npos
                         ? fmt::format("[{}]:{}", last.remote_ip, last.remote_port)
                         : fmt::format("{}:{}", last.remote_ip, last.remote_port));
}

// With --repeat: how many runs succeeded and the typical and worst total.
std::string repeat_verdict_line(const std::vector<http::TraceResult>& runs,
                                const std::vector<http::Check>& checks, std::size_t requested_runs,
                                const Style& style) {
  const auto failed = static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [](const http::TraceResult& r) { return !r.ok(); }));
  const bool checks_ok = http::all_passed(checks);
  std::string word = style.bold(style.green("OK"));
  if (runs.size() < requested_runs) {
    word = style.bold(style.yellow("INTERRUPTED"));
  } else if (failed > 0) {
    word = style.bold(style.red("FAILED"));
  } else if (!checks_ok) {
    word = style.bold(style.red("CHECK FAILED"));
  }
  std::string line =
      fmt::format("{}  {} of {} runs succeeded", word, runs.size() - failed, requested_runs);
  const auto stats = http::summarize_runs(runs);
  if (const auto total = stats.find("total"); total != stats.end()) {
    line += fmt::format(" {} total p50 {}, max {}", style.dot(), format_ms(total->second.p50),
                        format_ms(total->second.max));
  }
  return line;
}

std::string dns_line(const dns::Resolution& dns, const Style& style, bool verbose) {
  const auto* arrow = style.arrow();
  const auto addresses = util::join(dns.addresses, ", ");
  if (dns.source == "literal") return "IP literal, no lookup";
  if (dns.source == "cached")
    return fmt::format("{} {} {} (cached from an earlier lookup)", dns.host, arrow, addresses);
  if (dns.source == "hosts")
    return fmt::format("{} {} {} (from /etc/hosts)", dns.host, arrow, addresses);
  if (dns.source == "localhost")
    return fmt::format("{} {} {} (localhost, RFC 6761)", dns.host, arrow, addresses);
  if (dns.source == "override")
    return fmt::format("{} {} {} (--resolve)", dns.host, arrow, addresses);
  if (dns.source == "walk") {
    std::string out = fmt::format("{} {} {} (walked from the root)", dns.host, arrow,
                                  addresses.empty() ? "nothing" : addresses);
    for (const auto& walk : dns.walks) {
      out += "\n" + render_walk_steps(walk.steps, style, "           ", verbose);
      out.pop_back();
    }
    return out;
  }
  std::string out =
      fmt::format("{} {} {} via {}", dns.host, arrow, addresses.empty() ? "nothing" : addresses,
                  dns.servers.empty() ? "system resolver" : dns.servers.front());
  for (const auto& q : dns.queries) {
    std::string answers;
    for (const auto& a : q.answers)
      answers += fmt::format("{}{} (TTL {} s)", answers.empty() ? "" : ", ", a.address, a.ttl_s);
    out += fmt::format("\n           {:<4} {:<8} {:>9}", q.type, q.status,
                       format_ms(util::to_ms(q.duration)));
    if (!answers.empty()) out += "  " + answers;
  }
  return out;
}

void render_headers(std::string& out, const char* arrow, const http::Headers& headers,
                    bool show_secrets) {
  for (const auto& h : headers) {
    out +=
        fmt::format("    {} {}: {}\n", arrow, h.name,
                    util::printable(show_secrets ? h.value : http::redact_value(h.name, h.value)));
  }
}

void render_waterfall(std::string& out, const http::Phases& phases, const Style& style) {
  const double total = std::max(util::to_ms(phases.total), 1e-9);
  double offset = 0;
  for (const char* name : http::kPhaseNames) {
    const double ms = http::phase_ms(phases, name);
    if (std::string_view(name) == "total") {
      out += fmt::format("  {:<9}{:>11}\n", name, format_ms(ms));
      break;
    }
    const int start = static_cast<int>(std::floor(offset / total * kBarWidth));
    // No bar for a phase that prints as 0.00 ms, however large its share.
    int width = ms < 0.005 ? 0 : static_cast<int>(std::lround(ms / total * kBarWidth));
    width = std::min(width, kBarWidth - std::min(start, kBarWidth - 1));
    const std::string bar = width > 0 ? std::string(static_cast<std::size_t>(start), ' ') +
                                            style.cyan(repeat_glyph(style, width))
                                      : std::string();
    out += bar.empty() ? fmt::format("  {:<9}{:>11}\n", name, format_ms(ms))
                       : fmt::format("  {:<9}{:>11}  {}\n", name, format_ms(ms), bar);
    offset += ms;
  }
}

void render_hop(std::string& out, std::size_t index, const http::Hop& hop,
                const HumanOptions& options) {
  const auto& style = options.style;
  out += fmt::format("\n{}  {} {}\n", style.bold(fmt::format("Hop {}", index + 1)), hop.method,
                     hop.url);
  if (hop.dns) out += fmt::format("  {:<9}{}\n", "dns", dns_line(*hop.dns, style, options.verbose));
  for (const auto& c : hop.connects) {
    const auto result = c.result == "ok" ? style.green(c.result) : style.red(c.result);
    out += fmt::format("  {:<9}{} port {} {} {} in {}{}\n", "connect", c.address, c.port, c.family,
                       result, format_ms(util::to_ms(c.duration)),
                       c.detail.empty() ? "" : " (" + c.detail + ")");
  }
  if (hop.reused)
    out += fmt::format("  {:<9}reused an open connection to {}\n", "connect", hop.remote_ip);
  if (hop.tls) {
    const auto& t = *hop.tls;
    out += fmt::format("  {:<9}{} {} ALPN {}\n", "tls", t.version, t.cipher,
                       t.alpn.empty() ? "none" : t.alpn);
    out += fmt::format("           leaf {}\n           issuer {}\n", util::printable(t.subject),
                       util::printable(t.issuer));
    const auto sans = util::join(t.sans, ", ");
    if (!sans.empty()) out += fmt::format("           SANs {}\n", util::printable(sans));
    out += fmt::format("           expires {} ({} days left)\n", t.not_after, t.days_left);
    out += fmt::format("           verify {}\n",
                       t.verified ? style.green("ok") : style.red(t.verify_result));
  }
  if (options.verbose) {
    if (!hop.request_line.empty()) {
      out += fmt::format("    > {}\n", util::printable(hop.request_line));
    }
    render_headers(out, ">", hop.request_headers, options.show_secrets);
    render_headers(out, "<", hop.response_headers, options.show_secrets);
  }
  if (hop.status != 0) {
    out += fmt::format("  {:<9}{} {} {} {} body {}\n", "response",
                       style.bold(std::to_string(hop.status)), style.dot(), hop.http_version,
                       style.dot(), format_bytes(hop.body_bytes));
    if (!hop.redirect_url.empty())
      out += fmt::format("  {:<9}{} {}\n", "redirect", style.arrow(),
                         util::printable(hop.redirect_url));
  }
  out += "\n";
  render_waterfall(out, hop.phases, style);
}

void render_runs(std::string& out, const std::vector<http::TraceResult>& runs, const Style& style) {
  out += "\nEach run, in ms\n";
  out += fmt::format("{:<6}", "run");
  for (const char* name : http::kPhaseNames)
    out += fmt::format("{:>10}", name);
  out += "\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    out += fmt::format("{:<6}", i + 1);
    if (!runs[i].ok()) {
      out += style.red(fmt::format("  failed: {}", runs[i].failure->error.kind)) + "\n";
      continue;
    }
    const auto phases = http::trace_phases(runs[i]);
    for (const char* name : http::kPhaseNames)
      out += fmt::format("{:>10.2f}", http::phase_ms(phases, name));
    out += "\n";
  }
  const auto stats = http::summarize_runs(runs);
  if (stats.empty()) return;
  const auto ok_runs = stats.at("total").count;
  out += fmt::format("\nOver {} successful run{}, in ms\n", ok_runs, ok_runs == 1 ? "" : "s");
  out += fmt::format("{:<9}{:>10}{:>10}{:>10}{:>10}{:>10}\n", "phase", "min", "p50", "p90", "p99",
                     "max");
  for (const char* name : http::kPhaseNames) {
    const auto& s = stats.at(name);
    out += fmt::format("{:<9}{:>10.2f}{:>10.2f}{:>10.2f}{:>10.2f}{:>10.2f}\n", name, s.min, s.p50,
                       s.p90, s.p99, s.max);
  }
}

}  // namespace

std::string explain_trace(const http::TraceResult& trace) {
  std::string out = "\nWhat the phases mean\n";
  out +=
      "  dns       Turning the host name into IP addresses. An IP literal,\n"
      "            /etc/hosts or an earlier lookup needs no query; otherwise a\n"
      "            resolver is asked, and the TTL says how long to cache it.\n"
      "  connect   The TCP handshake (SYN, SYN-ACK, ACK): one round trip to the\n"
      "            server. Every address tried is listed, so a fallback from\n"
      "            IPv6 to IPv4 shows.\n"
      "  tls       The TLS handshake on https: agree on version and cipher,\n"
      "            check the certificate, derive keys. One more round trip\n"
      "            with TLS 1.3, two with TLS 1.2.\n"
      "  send      Writing the request line, headers and body.\n"
      "  wait      Server wait, or time to first byte after sending: the\n"
      "            server runs the application, its database queries and\n"
      "            upstream calls. Mostly server time, plus one round trip.\n"
      "  transfer  Receiving the body from its first byte to its last: grows\n"
      "            with size, shrinks with bandwidth; slow streams show here.\n"
      "  Phases do not overlap: they add up to the total. Each redirect hop\n"
      "  is measured on its own, unlike curl -w, which sums them.\n";
  if (!trace.ok()) {
    out += "\nWhat this failure suggests\n" +
           util::wrap(util::printable(trace.failure->error.hint), kColumns, "  ", "  ");
    return out;
  }
  const auto phases = http::trace_phases(trace);
  std::string biggest = "dns";
  for (const char* name : http::kPhaseNames) {
    if (std::string_view(name) != "total" &&
        http::phase_ms(phases, name) > http::phase_ms(phases, biggest)) {
      biggest = name;
    }
  }
  const double share =
      http::phase_ms(phases, biggest) / std::max(http::phase_ms(phases, "total"), 1e-9) * 100;
  out += fmt::format(
      "\nWhat this trace suggests\n  The largest phase is {} at {} ({:.0f}% of the total).\n  ",
      biggest, format_ms(http::phase_ms(phases, biggest)), share);
  if (http::phase_ms(phases, "total") < kFastTotalMs) {
    out += fmt::format("The whole request took under {:.0f} ms: nothing here is slow.\n",
                       kFastTotalMs);
  } else if (biggest == "wait") {
    out +=
        "Most time is server wait: look at the application, its database\n"
        "  queries and its upstream calls, not at the network.\n";
  } else if (biggest == "dns") {
    out +=
        "Name resolution dominates: the resolver is slow or the answer was\n"
        "  not cached; check the resolver, or keep connections open.\n";
  } else if (biggest == "connect") {
    out +=
        "The TCP handshake dominates: the server is far away (round-trip\n"
        "  time) or an address failed first. Connection reuse avoids it.\n";
  } else if (biggest == "tls") {
    out +=
        "The TLS handshake dominates: round trips, or loading and checking\n"
        "  certificates. TLS 1.3, resumption and connection reuse help.\n";
  } else if (biggest == "transfer") {
    out +=
        "The body transfer dominates: the response is large or sent slowly;\n"
        "  compress or paginate it, or check how the server streams it.\n";
  } else {
    out +=
        "Sending the request dominates: the request body is large or the\n"
        "  connection is slow.\n";
  }
  if (trace.hops.size() > 1) {
    out += fmt::format(
        "  {} redirect hop{} cost time before the final answer; link to\n"
        "  the final URL directly where you can.\n",
        trace.hops.size() - 1, trace.hops.size() == 2 ? "" : "s");
  }
  return out;
}

std::string render_trace(const std::vector<http::TraceResult>& runs,
                         const std::vector<http::Check>& checks, std::size_t requested_runs,
                         const HumanOptions& options) {
  const auto& style = options.style;
  const auto& last_run = runs.back();
  std::string out =
      (requested_runs <= 1 ? verdict_line(last_run, checks, style)
                           : repeat_verdict_line(runs, checks, requested_runs, style)) +
      "\n";
  if (!last_run.ok()) out += error_block(last_run.failure->error);
  for (const auto& c : checks) {
    out += fmt::format("  {} {}\n", c.ok ? style.green("pass") : style.red("FAIL"), c.detail);
  }
  if (requested_runs <= 1) {
    for (std::size_t i = 0; i < last_run.hops.size(); ++i)
      render_hop(out, i, last_run.hops[i], options);
  } else {
    render_runs(out, runs, style);
  }
  if (options.explain) out += explain_trace(last_run);
  return out;
}

}  // namespace reqscope::render
