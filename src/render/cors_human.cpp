#include "reqscope/render/cors_human.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::render {

namespace {

constexpr std::size_t kLabelWidth = 13;
constexpr std::size_t kCheckLabelWidth = 18;

// `label` (reqscope's own, may be styled) then `text` (from the server or the
// user, made printable), wrapped under `indent`, long words split.
std::string labelled(const std::string& first, const std::string& label, const std::string& text,
                     const std::string& indent) {
  const auto body = util::split_long_words(util::printable(text), kColumns - indent.size());
  return util::wrap(label.empty() ? body : label + " " + body, kColumns, first, indent);
}

// "  label        value", the value wrapped under itself.
std::string row(const std::string& label, const std::string& value, std::size_t width) {
  return labelled(fmt::format("  {:<{}} ", label, width), "", value, std::string(width + 3, ' '));
}

std::string header_text(const http::Header& header, bool show_secrets) {
  return header.name + ": " +
         (show_secrets ? header.value : http::redact_value(header.name, header.value));
}

std::string label_of(std::string id) {
  std::replace(id.begin(), id.end(), '_', ' ');
  return id;
}

std::string checks_text(const std::vector<cors::Check>& checks, const HumanOptions& options) {
  const auto& style = options.style;
  std::string out;
  const std::string indent(2 + 6 + kCheckLabelWidth + 1, ' ');
  for (const auto& check : checks) {
    const auto mark = check.ok ? style.green("pass") : style.red("FAIL");
    const std::string first =
        fmt::format("  {}  {:<{}} ", mark, label_of(check.id), kCheckLabelWidth);
    out +=
        util::wrap(util::split_long_words(util::printable(check.detail), kColumns - indent.size()) +
                       (label_of(check.id) == check.rule ? std::string()
                                                         : " " + style.dim("[" + check.rule + "]")),
                   kColumns, first, indent);
    if (check.ok) continue;
    // A hostile server may repeat a header thousands of times.
    constexpr std::size_t kEvidenceShown = 5;
    for (std::size_t i = 0; i < std::min(check.headers.size(), kEvidenceShown); ++i)
      out += labelled(indent, "got:", header_text(check.headers[i], options.show_secrets), indent);
    if (check.headers.size() > kEvidenceShown) {
      out += labelled(indent,
                      "got:", fmt::format("... and {} more", check.headers.size() - kEvidenceShown),
                      indent);
    }
    if (!check.fix.empty()) out += labelled(indent, style.bold("fix:"), check.fix, indent);
  }
  return out;
}

std::string headers_block(const char* title, const http::Headers& headers,
                          const HumanOptions& options) {
  std::string out = std::string("  ") + title + "\n";
  for (const auto& header : headers)
    out += labelled("    ", "", header_text(header, options.show_secrets), "      ");
  return out;
}

std::string exchange_section(const char* title, const std::string& method,
                             const cors::Exchange& exchange, const http::Headers& sent,
                             const std::optional<http::TraceResult>& trace,
                             const HumanOptions& options) {
  const auto& style = options.style;
  std::string out = style.bold(title) + "  ";
  if (!exchange.sent) {
    return out + "not sent: a browser stops at a failed preflight\n";
  }
  out += method + " " + style.arrow() + " " + std::to_string(exchange.response.status);
  if (trace) out += std::string(" ") + style.dot() + " " + format_ms(util::to_ms(trace->total));
  out += "\n";
  if (options.verbose) {
    // What libcurl really sent, when there is a trace; else what the browser would.
    const bool traced = trace && !trace->hops.empty();
    out += headers_block("request headers", traced ? trace->hops.back().request_headers : sent,
                         options);
    out += headers_block("response headers", exchange.response.headers, options);
  }
  return out + checks_text(exchange.checks, options);
}

std::string verdict_text(const cors::Evaluation& evaluation, const std::string& url,
                         const HumanOptions& options) {
  const auto& style = options.style;
  std::string out =
      evaluation.allowed ? style.green(style.bold("ALLOWED")) : style.red(style.bold("BLOCKED"));
  out = labelled("", out, evaluation.plan.method + (url.empty() ? "" : " " + url), "    ");
  out += "  from " + evaluation.request.origin.serialize() +
         (evaluation.request.credentials ? ", with credentials" : ", without credentials") + "\n";
  if (const auto* failure = evaluation.first_failure()) {
    const bool in_preflight =
        evaluation.preflight &&
        std::any_of(evaluation.preflight->checks.begin(), evaluation.preflight->checks.end(),
                    [&](const cors::Check& c) { return &c == failure; });
    out += labelled("  ", in_preflight ? "preflight:" : "response:", failure->detail, "    ");
    // Every change the call needs, so applying the fixes shown unblocks it.
    for (const auto& fix : evaluation.fixes())
      out += labelled("  ", style.bold("fix:"), fix, "    ");
  } else if (!evaluation.allowed && !evaluation.actual.sent) {
    out += "  the request was not sent\n";
  }
  return out;
}

std::string request_section(const cors::Evaluation& evaluation) {
  const auto& plan = evaluation.plan;
  std::string out = "Request\n";
  out += row("origin", evaluation.request.origin.serialize(), kLabelWidth);
  out += row("method", plan.method, kLabelWidth);
  out += row("credentials",
             evaluation.request.credentials
                 ? "included (cookies, HTTP auth): the response must allow them"
                 : "omitted (--credentials sends them as fetch's credentials: \"include\")",
             kLabelWidth);
  if (!plan.needed) {
    out += row("preflight", "not needed: " + plan.method + " with only CORS-safelisted headers",
               kLabelWidth);
  }
  for (std::size_t i = 0; i < plan.reasons.size(); ++i)
    out += row(i == 0 ? "preflight" : "", "needed: " + plan.reasons[i], kLabelWidth);
  return out;
}

std::string readable_section(const cors::Evaluation& evaluation) {
  std::string out = "Readable by the page\n";
  if (!evaluation.allowed) {
    return out + util::wrap(
                     "none: the page sees a network error (TypeError: Failed to fetch), "
                     "whatever the status",
                     kColumns, "  ", "  ");
  }
  if (evaluation.readable_headers.empty()) return out + "  the body only; no headers\n";
  return out + util::wrap(util::split_long_words(
                              util::printable(util::join(evaluation.readable_headers, ", ")),
                              kColumns - 4),
                          kColumns, "  ", "  ");
}

std::string findings_section(const std::vector<cors::Finding>& findings, const Style& style) {
  if (findings.empty()) return "";
  std::string out = style.bold("Findings") + "\n";
  const std::string indent(10, ' ');
  for (const auto& finding : findings) {
    const auto severity = util::to_upper(finding.severity);
    const auto coloured = finding.severity == "high"     ? style.red(severity)
                          : finding.severity == "medium" ? style.yellow(severity)
                                                         : severity;
    out += labelled(fmt::format("  {}{} ", coloured, std::string(7 - severity.size(), ' ')), "",
                    finding.id + ": " + finding.message, indent);
    out += labelled(indent, "fix:", finding.fix, indent);
  }
  return out;
}

std::string scan_section(const cors::CorsRun& run, const Style& style) {
  std::string out = style.bold("Scan") + "  ";
  if (run.scan.empty()) return out + "no probe sent\n";
  const auto& method = run.scan.front().method;
  out += fmt::format("{} probe{}, each {}\n", run.scan.size(), run.scan.size() == 1 ? "" : "s",
                     method == "OPTIONS" ? "a preflight like the one above" : "a " + method);
  for (const auto& exchange : run.scan) {
    std::string result;
    if (!exchange.trace || !exchange.trace->ok()) {
      result = "failed: " + (exchange.trace ? exchange.trace->failure->error.kind : "not sent");
    } else {
      const auto response = cors::response_of(*exchange.trace);
      result = std::to_string(response.status) + " " +
               (exchange.allowed ? style.yellow("allowed") : std::string("not allowed"));
      if (exchange.allowed &&
          cors::get_header(response.headers, "Access-Control-Allow-Credentials") == "true")
        result += ", with credentials";
    }
    const auto line =
        fmt::format("  {:<13}{:<34} {}", exchange.probe.id, exchange.probe.origin, result);
    out += util::display_width(line) <= kColumns
               ? line + "\n"
               : util::wrap(
                     util::split_long_words(exchange.probe.origin, kColumns - 15) + " " + result,
                     kColumns, fmt::format("  {:<13}", exchange.probe.id), std::string(15, ' '));
  }
  return out;
}

std::string body(const cors::Evaluation& evaluation, const cors::CorsRun* run,
                 const HumanOptions& options) {
  const auto& style = options.style;
  std::string out = "\n" + request_section(evaluation);
  if (evaluation.preflight) {
    out += "\n" + exchange_section("Preflight", "OPTIONS", *evaluation.preflight,
                                   evaluation.plan.headers,
                                   run ? run->preflight_trace : std::nullopt, options);
  }
  out += "\n" + exchange_section("Actual request", evaluation.plan.method, evaluation.actual,
                                 cors::actual_request_headers(evaluation.request),
                                 run ? run->actual_trace : std::nullopt, options);
  out += "\n" + readable_section(evaluation);
  const auto findings = findings_section(evaluation.findings, style);
  if (!findings.empty()) out += "\n" + findings;
  return out;
}

}  // namespace

std::string render_cors(const cors::CorsRun& run, bool scanned, const HumanOptions& options) {
  const auto& evaluation = run.evaluation;
  std::string out = verdict_text(evaluation, run.url, options);
  if (scanned) {
    const auto high = std::count_if(evaluation.findings.begin(), evaluation.findings.end(),
                                    [](const cors::Finding& f) { return f.severity == "high"; });
    if (high > 0)
      out += options.style.red(fmt::format("  --scan: {} high-severity finding(s)", high)) + "\n";
  }
  out += body(evaluation, &run, options);
  if (scanned) out += "\n" + scan_section(run, options.style);
  if (options.explain) out += "\n" + explain_cors(evaluation);
  return out;
}

std::string render_cors_evaluation(const cors::Evaluation& evaluation,
                                   const HumanOptions& options) {
  std::string out = options.style.bold("CORS") + "  ";
  out += verdict_text(evaluation, "", options);
  out += body(evaluation, nullptr, options);
  if (options.explain) out += "\n" + explain_cors(evaluation);
  return out;
}

std::string explain_cors(const cors::Evaluation& evaluation) {
  const auto origin = evaluation.request.origin.serialize();
  const auto paragraph = [](const std::string& title, const std::string& text) {
    return "\n" + title + "\n" + util::wrap(text, kColumns, "    ", "    ");
  };
  std::string out = "What this means\n";
  std::string verdict;
  if (const auto* failure = evaluation.first_failure()) {
    const auto fixes = evaluation.fixes();
    verdict =
        "A browser blocks this call: " + util::printable(failure->detail) + ". The page's " +
        "fetch() rejects with a TypeError and the console names the CORS rule (" + failure->rule +
        "); the status and body stay hidden from the page." +
        (fixes.empty() ? "" : " To fix it: " + util::printable(util::join(fixes, "; ")) + ".");
  } else {
    verdict =
        "A browser lets the page read this response: every check the Fetch standard makes "
        "passed. The page can read the body and the headers listed above; any others are "
        "hidden from its scripts.";
  }
  out += paragraph("  This call", verdict);
  out += paragraph(
      "  The same-origin policy",
      "A page may send requests anywhere, but its scripts may read a response only from their "
      "own origin, unless the server opts in with CORS headers. The browser enforces this for "
      "the user: without it, any site you visit could read your mail with your cookies.");
  out += paragraph(
      "  What an origin is",
      "Scheme, host and port together: https://app.example, http://app.example and "
      "https://app.example:8443 are three origins. This page's origin is " +
          origin +
          ", serialized exactly so in the Origin header; Access-Control-Allow-Origin must "
          "repeat it byte for byte.");
  std::string preflight =
      "Old servers assumed that a page could send only what an HTML form could: GET, HEAD or "
      "POST with a few plain headers. Anything else (PUT, DELETE, a JSON body, an "
      "Authorization or custom header) is first announced by an OPTIONS preflight, and sent "
      "only if the server agrees. ";
  if (evaluation.plan.needed) {
    preflight += "Here the browser sends a preflight first (" +
                 util::join(evaluation.plan.reasons, "; ") + "). ";
    if (evaluation.preflight && evaluation.preflight->sent &&
        cors::passed(evaluation.preflight->checks)) {
      const auto age = cors::preflight_max_age(evaluation.preflight->response.headers);
      preflight += "Its answer may be reused for " + std::to_string(age.seconds) +
                   " s (Access-Control-Max-Age); after that every call pays for a preflight "
                   "again.";
    }
  } else {
    preflight +=
        "Here none was needed: the browser sends the request at once and only hides "
        "the response if the checks fail, so the server has acted on it either way.";
  }
  out += paragraph("  Why preflights exist", preflight);
  out += paragraph(
      "  Why * and credentials do not mix",
      "With credentials (cookies, HTTP authentication) a response can hold the user's private "
      "data. * would hand it to every site, so the browser requires the exact origin and "
      "Access-Control-Allow-Credentials: true, and ignores * in Allow-Methods and "
      "Allow-Headers too. Echo an origin only after checking it against an allow-list, and add "
      "Vary: Origin so caches keep one answer per origin.");
  out += paragraph(
      "  CORS is not access control",
      "Only browsers enforce it, to protect their users. curl, scripts and other servers ignore "
      "it, so every endpoint must still authenticate and authorize each request itself. "
      "Blocking a response does not stop the request: a simple request reaches the server "
      "whatever the verdict.");
  return out;
}

}  // namespace reqscope::render
