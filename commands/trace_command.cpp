#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "reqscope/http/expectations.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/render/trace_human.hpp"
#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

// The largest request body -d @file will read.
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

struct TraceArgs {
  std::string url;
  std::string method;
  std::vector<std::string> headers;
  std::string data;
  bool follow = false;
  std::string max_redirs = "20";
  bool ipv4 = false;
  bool ipv6 = false;
  std::vector<std::string> resolve;
  std::vector<std::string> connect_to;
  std::vector<std::string> dns_servers;
  bool dns_trace = false;
  std::vector<std::string> dns_roots;
  bool insecure = false;
  std::string cacert;
  bool http1_1 = false;
  bool http2 = false;
  std::string expect_status;
  std::string max_total_ms;
  std::string max_ttfb_ms;
  std::string repeat = "1";
  std::string interval;
  bool reuse = false;
};

Result<std::string> read_body(const std::string& data) {
  if (data.empty() || data.front() != '@') return data;
  return read_input_file(data.substr(1), kMaxBodyBytes, "64 MiB", "-d");
}

struct Plan {
  http::Url url;
  http::TraceOptions options;
  http::Expectations expectations;
  long repeat = 1;
  std::chrono::nanoseconds interval{0};
};

Result<Plan> make_plan(const TraceArgs& args, const GlobalOptions& global) {
  Plan plan;
  auto url = http::parse_url(args.url);
  if (!url) return tl::unexpected(url.error());
  plan.url = *url;

  auto& o = plan.options;
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  o.timeout = *timeout;
  // The length bound keeps a hostile -X out of the request line.
  if (!args.method.empty() && (args.method.size() > 64 || !http::is_token(args.method))) {
    return fail("bad_option", "-X: invalid method " + util::quote(args.method), "e.g. -X POST");
  }
  o.method = args.method;
  for (const auto& line : args.headers) {
    auto header = http::parse_header_line(line);
    if (!header) return tl::unexpected(header.error());
    o.headers.push_back(*header);
  }
  if (!args.data.empty()) {
    auto body = read_body(args.data);
    if (!body) return tl::unexpected(body.error());
    o.body = *body;
  }
  o.follow_redirects = args.follow;
  auto max_redirs = util::parse_integer(args.max_redirs, 0, 1000, "--max-redirs");
  if (!max_redirs) return tl::unexpected(max_redirs.error());
  o.max_redirects = static_cast<int>(*max_redirs);
  if (args.ipv4 && args.ipv6)
    return fail("bad_option", "-4 and -6 exclude each other", "choose one family");
  o.family = args.ipv4 ? dns::Family::ipv4 : args.ipv6 ? dns::Family::ipv6 : dns::Family::any;
  for (const auto& text : args.resolve) {
    auto rule = http::parse_resolve_override(text);
    if (!rule) return tl::unexpected(rule.error());
    o.resolve_overrides.push_back(*rule);
  }
  for (const auto& text : args.connect_to) {
    auto rule = http::parse_connect_to_override(text);
    if (!rule) return tl::unexpected(rule.error());
    o.connect_to_overrides.push_back(*rule);
  }
  for (const auto& text : args.dns_servers) {
    auto server = dns::parse_dns_server(text);
    if (!server) return tl::unexpected(server.error());
    o.dns_servers.push_back(*server);
  }
  if (args.dns_trace && !args.dns_servers.empty()) {
    return fail(
        "bad_option", "--dns-server and --dns-trace exclude each other",
        "--dns-trace asks the root and the servers it refers to; --dns-root changes the root");
  }
  if (!args.dns_trace && !args.dns_roots.empty()) {
    return fail("bad_option", "--dns-root only applies with --dns-trace", "add --dns-trace");
  }
  if (args.dns_trace) {
    dns::WalkOptions walk;
    if (!args.dns_roots.empty()) {
      auto roots = dns::parse_roots(args.dns_roots, "--dns-root");
      if (!roots) return tl::unexpected(roots.error());
      walk.roots = roots->first;
      walk.port = roots->second;
    }
    o.dns_walk = walk;
  }
  o.insecure = args.insecure;
  if (!args.cacert.empty()) {
    if (access(args.cacert.c_str(), R_OK) != 0) {
      return fail("bad_file", "--cacert: cannot read " + util::quote(args.cacert),
                  "give a PEM file of CA certificates");
    }
    o.ca_file = args.cacert;
  }
  if (args.http1_1 && args.http2) {
    return fail("bad_option", "--http1.1 and --http2 exclude each other",
                "choose one HTTP version");
  }
  o.http_version = args.http1_1 ? http::HttpVersion::http1_1
                   : args.http2 ? http::HttpVersion::http2
                                : http::HttpVersion::automatic;

  if (!args.expect_status.empty()) {
    auto status = util::parse_integer(args.expect_status, 100, 599, "--expect-status");
    if (!status) return tl::unexpected(status.error());
    plan.expectations.status = *status;
  }
  if (!args.max_total_ms.empty()) {
    auto ms = util::parse_milliseconds(args.max_total_ms, "--max-total-ms");
    if (!ms) return tl::unexpected(ms.error());
    plan.expectations.max_total_ms = *ms;
  }
  if (!args.max_ttfb_ms.empty()) {
    auto ms = util::parse_milliseconds(args.max_ttfb_ms, "--max-ttfb-ms");
    if (!ms) return tl::unexpected(ms.error());
    plan.expectations.max_ttfb_ms = *ms;
  }
  auto repeat = util::parse_integer(args.repeat, 1, 10000, "--repeat");
  if (!repeat) return tl::unexpected(repeat.error());
  plan.repeat = *repeat;
  if (plan.repeat == 1 && (!args.interval.empty() || args.reuse)) {
    return fail(
        "bad_option",
        std::string(args.reuse ? "--reuse" : "--interval") + " only applies with --repeat N",
        "add --repeat, e.g. --repeat 10");
  }
  if (!args.interval.empty()) {
    auto interval = util::parse_duration(args.interval);
    if (!interval) {
      return tl::unexpected(
          Error{"bad_duration", "--interval: " + interval.error().message, interval.error().hint});
    }
    plan.interval = *interval;
  }
  return plan;
}

// Waits between runs in short slices, so Ctrl-C does not wait out a long --interval.
void sleep_unless_interrupted(std::chrono::nanoseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!interrupted() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
        until - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
  }
}

int run_trace(const TraceArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "trace", plan.error());

  // A single trace dies with Ctrl-C like any command; a series stops and
  // reports the runs it finished.
  const bool series = plan->repeat > 1;
  if (series) {
    catch_interrupt(true);
    plan->options.cancel = &interrupted();
  }
  const bool progress = series && isatty(STDERR_FILENO) == 1;
  http::Tracer tracer(plan->options);
  std::vector<http::TraceResult> runs;
  std::vector<http::Check> checks;
  for (long i = 0; i < plan->repeat && !interrupted(); ++i) {
    if (i > 0) sleep_unless_interrupted(plan->interval);
    if (interrupted()) break;
    if (progress) std::fprintf(stderr, "\rrun %ld/%ld ", i + 1, plan->repeat);
    auto run = tracer.run(plan->url, args.reuse);
    if (interrupted()) break;
    runs.push_back(std::move(run));
    for (auto check : http::evaluate(runs.back(), plan->expectations)) {
      if (series) check.detail = "run " + std::to_string(i + 1) + ": " + check.detail;
      checks.push_back(std::move(check));
    }
  }
  if (progress) std::fputs("\r\x1b[K", stderr);
  if (series) catch_interrupt(false);
  if (runs.empty()) {
    std::raise(SIGINT);
    return static_cast<int>(ExitCode::internal);
  }
  if (interrupted()) {
    std::fprintf(stderr, "reqscope trace: interrupted; showing the %zu completed run(s) of %ld\n",
                 runs.size(), plan->repeat);
  }

  if (global.json) {
    print_json(render::trace_document(runs, checks, static_cast<std::size_t>(plan->repeat),
                                      global.show_secrets));
  } else {
    render::HumanOptions human{style_for(global), global.verbose, global.show_secrets,
                               global.explain};
    print_stdout(render::render_trace(runs, checks, static_cast<std::size_t>(plan->repeat), human));
  }

  // Like any command stopped by Ctrl-C, an interrupted series exits 128 + SIGINT.
  if (interrupted()) return kInterruptedExit;
  for (const auto& run : runs) {
    if (!run.ok()) return static_cast<int>(exit_code_for(run.failure->error.kind));
  }
  return static_cast<int>(http::all_passed(checks) ? ExitCode::ok : ExitCode::check_failed);
}

}  // namespace

void register_trace(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<TraceArgs>();
  auto* cmd = app.add_subcommand("trace", "Trace a request phase by phase, per hop");
  cmd->footer(kGlobalFooter);
  cmd->add_option("url", args->url, "The http:// or https:// URL to trace")
      ->required()
      ->type_name("URL");
  cmd->add_option("-X,--request", args->method, "Request method (default GET, or POST with -d)")
      ->type_name("METHOD")
      ->check([](const std::string& method) {
        return method.empty() ? std::string("-X needs a method name, e.g. -X POST") : std::string();
      });
  cmd->add_option("-H,--header", args->headers, "Add a request header 'Name: value' (repeatable)")
      ->type_name("HEADER")
      ->allow_extra_args(false);
  cmd->add_option("-d,--data", args->data, "Request body; @FILE reads a file, @- stdin")
      ->type_name("DATA");
  cmd->add_flag("-L,--location", args->follow, "Follow redirects, each hop measured on its own");
  cmd->add_option("--max-redirs", args->max_redirs, "Stop after this many redirects (default 20)")
      ->type_name("N");
  cmd->add_flag("-4,--ipv4", args->ipv4, "Resolve and connect over IPv4 only");
  cmd->add_flag("-6,--ipv6", args->ipv6, "Resolve and connect over IPv6 only");
  cmd->add_option("--resolve", args->resolve, "Use ADDR for HOST:PORT instead of DNS (repeatable)")
      ->type_name("HOST:PORT:ADDR")
      ->allow_extra_args(false);
  cmd->add_option("--connect-to", args->connect_to, "Connect to HOST2:PORT2 for HOST1:PORT1")
      ->type_name("HOST1:PORT1:HOST2:PORT2")
      ->allow_extra_args(false);
  cmd->add_option("--dns-server", args->dns_servers, "Ask this DNS server, not resolv.conf's")
      ->type_name("IP[:PORT]")
      ->allow_extra_args(false);
  cmd->add_flag("--dns-trace", args->dns_trace, "Resolve by walking the DNS from the root");
  cmd->add_option("--dns-root", args->dns_roots, "With --dns-trace: start at this root server")
      ->type_name("IP[:PORT]")
      ->allow_extra_args(false);
  cmd->add_flag("-k,--insecure", args->insecure, "Continue when the certificate does not verify");
  cmd->add_option("--cacert", args->cacert, "Trust the CA certificates in this PEM file")
      ->type_name("FILE");
  cmd->add_flag("--http1.1", args->http1_1, "Use HTTP/1.1 only");
  cmd->add_flag("--http2", args->http2, "Use HTTP/2 (ALPN on https, upgrade on http)");
  cmd->add_option("--expect-status", args->expect_status, "Exit 1 unless the final status is CODE")
      ->type_name("CODE");
  cmd->add_option("--max-total-ms", args->max_total_ms, "Exit 1 when the whole trace takes longer")
      ->type_name("MS");
  cmd->add_option("--max-ttfb-ms", args->max_ttfb_ms, "Exit 1 when time to first byte is longer")
      ->type_name("MS");
  cmd->add_option("--repeat", args->repeat, "Run N times; show per-phase statistics")
      ->type_name("N");
  cmd->add_option("--interval", args->interval, "Wait this long between repeated runs")
      ->type_name("DURATION");
  cmd->add_flag("--reuse", args->reuse, "Keep connection and DNS answer between runs");
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_trace(*args, global); }; });
}

}  // namespace reqscope::cli
