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
#include "reqscope/cors/probe.hpp"
#include "reqscope/http/expectations.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/render/cors_human.hpp"
#include "reqscope/render/cors_json.hpp"
#include "reqscope/render/trace_human.hpp"
#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"
#include "request_options.hpp"

namespace reqscope::cli {

namespace {

struct TraceArgs {
  std::string url;
  RequestArgs request;
  ConnectionArgs connection;
  bool follow = false;
  std::string max_redirs = "20";
  std::vector<std::string> dns_servers;
  bool dns_trace = false;
  std::vector<std::string> dns_roots;
  std::string expect_status;
  std::string max_total_ms;
  std::string max_ttfb_ms;
  std::string repeat = "1";
  std::string interval;
  bool reuse = false;
  std::string origin;
  bool origin_given = false;
  bool credentials = false;
};

struct Plan {
  http::Url url;
  http::TraceOptions options;
  http::Expectations expectations;
  // Set by --origin: the page whose cross-origin call the trace is.
  std::optional<cors::Request> cors;
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
  auto request = apply_request_options(args.request, o);
  if (!request) return tl::unexpected(request.error());
  auto connection = apply_connection_options(args.connection, o);
  if (!connection) return tl::unexpected(connection.error());
  o.follow_redirects = args.follow;
  auto max_redirs = util::parse_integer(args.max_redirs, 0, 1000, "--max-redirs");
  if (!max_redirs) return tl::unexpected(max_redirs.error());
  o.max_redirects = static_cast<int>(*max_redirs);
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
  if (args.credentials && !args.origin_given) {
    return fail("bad_option", "--credentials only applies with --origin",
                "add --origin, the page's origin, e.g. --origin https://app.example");
  }
  if (args.origin_given) {
    if (o.follow_redirects) {
      return fail("bad_option", "-L and --origin exclude each other",
                  "a browser CORS-checks every redirect and sends Origin: null after one to "
                  "another origin; trace the final URL with --origin");
    }
    auto origin = cors::parse_origin(args.origin);
    if (!origin) return tl::unexpected(origin.error());
    auto cross_origin = cors::check_cross_origin(*origin, plan.url);
    if (!cross_origin) return tl::unexpected(cross_origin.error());
    auto page =
        cors::page_request(*origin, o.method, o.headers, o.body.has_value(), args.credentials);
    if (!page) return tl::unexpected(page.error());
    plan.cors = std::move(*page);
  }

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

http::Check cors_check(const cors::Evaluation& evaluation) {
  const auto* failure = evaluation.first_failure();
  return {"cors", evaluation.allowed,
          evaluation.allowed ? "CORS: allowed for " + evaluation.request.origin.serialize()
          : failure          ? "CORS: blocked by " + failure->id
                             : "CORS: blocked"};
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
  // With --origin, each run is the browser's call: preflight (its own hop) and request.
  std::unique_ptr<cors::CallTracer> call_tracer;
  if (plan->cors) call_tracer = std::make_unique<cors::CallTracer>(*plan->cors, plan->options);
  std::optional<cors::Evaluation> evaluation;
  std::vector<http::TraceResult> runs;
  std::vector<http::Check> checks;
  for (long i = 0; i < plan->repeat && !interrupted(); ++i) {
    if (i > 0) sleep_unless_interrupted(plan->interval);
    if (interrupted()) break;
    if (progress) std::fprintf(stderr, "\rrun %ld/%ld ", i + 1, plan->repeat);
    http::TraceResult run;
    if (call_tracer) {
      auto call = call_tracer->run(plan->url, args.reuse);
      run = cors::as_one_trace(call);
      evaluation.reset();
      if (call.ok()) evaluation = std::move(call.evaluation);
    } else {
      run = tracer.run(plan->url, args.reuse);
    }
    if (interrupted()) break;
    runs.push_back(std::move(run));
    std::vector<http::Check> run_checks;
    if (evaluation) run_checks.push_back(cors_check(*evaluation));
    // A call the browser would not send has no status or timing to expect.
    if (!evaluation || evaluation->actual.sent) {
      for (auto& check : http::evaluate(runs.back(), plan->expectations))
        run_checks.push_back(std::move(check));
    }
    for (auto& check : run_checks) {
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
    auto document = render::trace_document(runs, checks, static_cast<std::size_t>(plan->repeat),
                                           global.show_secrets);
    if (plan->cors) {
      document["cors"] = evaluation ? render::cors_evaluation_json(*evaluation, global.show_secrets)
                                    : render::Json(nullptr);
    }
    print_json(document);
  } else {
    render::HumanOptions human{style_for(global), global.verbose, global.show_secrets,
                               global.explain};
    auto text = render::render_trace(runs, checks, static_cast<std::size_t>(plan->repeat), human);
    if (evaluation) text += "\n" + render::render_cors_evaluation(*evaluation, human);
    print_stdout(text);
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
  add_request_options(*cmd, args->request);
  cmd->add_flag("-L,--location", args->follow, "Follow redirects, each hop measured on its own");
  cmd->add_option("--max-redirs", args->max_redirs, "Stop after this many redirects (default 20)")
      ->type_name("N");
  add_connection_options(*cmd, args->connection);
  cmd->add_option("--dns-server", args->dns_servers, "Ask this DNS server, not resolv.conf's")
      ->type_name("IP[:PORT]")
      ->allow_extra_args(false);
  cmd->add_flag("--dns-trace", args->dns_trace, "Resolve by walking the DNS from the root");
  cmd->add_option("--dns-root", args->dns_roots, "With --dns-trace: start at this root server")
      ->type_name("IP[:PORT]")
      ->allow_extra_args(false);
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
  cmd->add_option("--origin", args->origin, "Call as a page of ORIGIN would: CORS checks")
      ->type_name("ORIGIN")
      ->each([args](const std::string&) { args->origin_given = true; });
  cmd->add_flag("--credentials", args->credentials, "With --origin: include credentials");
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_trace(*args, global); }; });
}

}  // namespace reqscope::cli
