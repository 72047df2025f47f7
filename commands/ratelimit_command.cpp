#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/ratelimit/headers.hpp"
#include "reqscope/ratelimit/network.hpp"
#include "reqscope/ratelimit/probe.hpp"
#include "reqscope/ratelimit/report.hpp"
#include "reqscope/render/ratelimit_human.hpp"
#include "reqscope/render/ratelimit_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"
#include "request_options.hpp"

namespace reqscope::cli {

namespace {

// Above this many requests a probe stops being a measurement and becomes load.
constexpr long kMaxProbeRequests = 10000;
constexpr long kMaxExpectedLimit = 1'000'000'000;

struct RateLimitArgs {
  std::string url;
  RequestArgs request;
  ConnectionArgs connection;
  bool probe = false;
  std::string concurrency = "1";
  std::string max_requests = std::to_string(ratelimit::kDefaultMaxRequests);
  std::string max_time = "5m";
  // The probe options given, as their errors name them: each needs --probe.
  std::vector<std::string> probe_only;
  std::string expect_limit;
  bool expect_given = false;
  std::string tolerance;
  bool tolerance_given = false;
};

struct Plan {
  http::Url url;
  http::TraceOptions options;
  std::optional<ratelimit::ProbeOptions> probe;
  std::optional<std::int64_t> expected_limit;
  ratelimit::Tolerance tolerance;
};

Result<std::chrono::nanoseconds> max_time_of(const std::string& text) {
  auto value = util::parse_duration(text);
  if (!value) {
    auto error = value.error();
    error.message = "--max-time: " + error.message;
    return tl::unexpected(error);
  }
  if (value->count() == 0) {
    return fail("bad_option", "--max-time value " + util::quote(text) + " is no time at all",
                "e.g. --max-time 2m");
  }
  return *value;
}

Result<void> read_probe(const RateLimitArgs& args, Plan& plan) {
  if (!args.probe) {
    if (args.probe_only.empty()) return {};
    return fail("bad_option", args.probe_only.front() + " needs --probe",
                "add --probe to find the limit by sending requests");
  }
  ratelimit::ProbeOptions probe;
  auto max_requests =
      util::parse_integer(args.max_requests, 1, kMaxProbeRequests, "--max-requests");
  if (!max_requests) return tl::unexpected(max_requests.error());
  probe.max_requests = static_cast<unsigned>(*max_requests);
  auto concurrency = util::parse_integer(args.concurrency, 1, ratelimit::kMaxConcurrency, "-c");
  if (!concurrency) return tl::unexpected(concurrency.error());
  if (*concurrency > *max_requests) {
    return fail("bad_option",
                "-c " + args.concurrency + " is more than --max-requests " + args.max_requests,
                "lower -c, or raise --max-requests");
  }
  probe.concurrency = static_cast<unsigned>(*concurrency);
  auto max_time = max_time_of(args.max_time);
  if (!max_time) return tl::unexpected(max_time.error());
  probe.max_time = *max_time;
  plan.probe = probe;
  return {};
}

Result<void> read_expectation(const RateLimitArgs& args, Plan& plan) {
  if (args.tolerance_given && !args.expect_given) {
    return fail("bad_option", "--tolerance needs --expect-limit",
                "e.g. --expect-limit 100 --tolerance 5%");
  }
  if (!args.expect_given) return {};
  auto expected = util::parse_integer(args.expect_limit, 1, kMaxExpectedLimit, "--expect-limit");
  if (!expected) return tl::unexpected(expected.error());
  plan.expected_limit = *expected;
  if (args.tolerance_given) {
    auto tolerance = ratelimit::parse_tolerance(args.tolerance);
    if (!tolerance) return tl::unexpected(tolerance.error());
    plan.tolerance = *tolerance;
  }
  return {};
}

Result<Plan> make_plan(const RateLimitArgs& args, const GlobalOptions& global) {
  Plan plan;
  auto url = http::parse_url(args.url);
  if (!url) return tl::unexpected(url.error());
  plan.url = *url;
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  plan.options.timeout = *timeout;
  if (auto ok = apply_request_options(args.request, plan.options); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = apply_connection_options(args.connection, plan.options); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = read_probe(args, plan); !ok) return tl::unexpected(ok.error());
  if (auto ok = read_expectation(args, plan); !ok) return tl::unexpected(ok.error());
  return plan;
}

ratelimit::RateLimitReport new_report(const Plan& plan) {
  ratelimit::RateLimitReport report;
  report.url = plan.url.to_string();
  report.method = http::effective_method(plan.options.method, plan.options.body.has_value());
  return report;
}

// One request, as trace sends it, and what its answer says about the limit.
ratelimit::RateLimitReport check_passively(const Plan& plan) {
  auto passive = ratelimit::check_once(plan.url, plan.options);
  auto report = new_report(plan);
  if (!passive.trace.hops.empty()) {
    report.status = passive.trace.hops.back().status;
    report.http_version = passive.trace.hops.back().http_version;
  }
  report.headers = std::move(passive.headers);
  report.keyed_on = ratelimit::keyed_on_hints(report.headers, plan.options.headers);
  if (passive.trace.failure) report.failure = passive.trace.failure->error;
  return report;
}

void show_progress(const ratelimit::ProbeProgress& progress) {
  std::fprintf(stderr, "\r\x1b[Kratelimit: %u of at most %u requests sent (%s)",
               progress.requests_sent, progress.max_requests, progress.phase.c_str());
  std::fflush(stderr);
}

// The probe, with the report's status and headers from its first answer:
// asking again would cost a request beyond --max-requests.
ratelimit::RateLimitReport check_by_probing(const Plan& plan) {
  catch_interrupt(true);
  auto options = plan.options;
  options.cancel = &interrupted();
  const bool live = isatty(STDERR_FILENO) == 1;
  auto sender = ratelimit::make_network_sender(plan.url, options, plan.probe->concurrency);
  auto result = ratelimit::run_probe(
      *sender, *plan.probe,
      live ? ratelimit::ProbeProgressFn(show_progress) : ratelimit::ProbeProgressFn());
  if (live) std::fputs("\r\x1b[K", stderr);
  catch_interrupt(false);

  return ratelimit::report_of_probe(
      plan.url.to_string(),
      http::effective_method(plan.options.method, plan.options.body.has_value()), std::move(result),
      plan.options.headers);
}

// A request that got no answer exits 3, unless the input was at fault (a
// --cacert file without certificates, found at the handshake).
int failure_exit(const Error& error) {
  return static_cast<int>(exit_code_for(error.kind) == ExitCode::usage ? ExitCode::usage
                                                                       : ExitCode::network);
}

int run_ratelimit(const RateLimitArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "ratelimit", plan.error());

  auto report = plan->probe ? check_by_probing(*plan) : check_passively(*plan);
  if (plan->expected_limit && !report.failure) {
    const bool probed = report.probe.has_value();
    report.expect = ratelimit::check_expected_limit(
        *plan->expected_limit, plan->tolerance, probed ? report.probe->limit : report.headers.limit,
        probed ? "probe" : "headers");
  }
  if (global.json) {
    print_json(render::ratelimit_document(report));
  } else {
    const render::HumanOptions human{style_for(global), global.verbose, global.show_secrets,
                                     global.explain};
    auto text = render::render_ratelimit(report, human);
    if (global.explain) text += render::explain_ratelimit(report);
    print_stdout(text);
  }

  if (report.probe && report.probe->stop_reason == "interrupted") return kInterruptedExit;
  if (report.failure) return failure_exit(*report.failure);
  if (report.probe && report.probe->stop_reason == "failed") {
    return report.probe->failure ? failure_exit(*report.probe->failure)
                                 : static_cast<int>(ExitCode::network);
  }
  if (report.expect && !report.expect->passed) return static_cast<int>(ExitCode::check_failed);
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

void register_ratelimit(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<RateLimitArgs>();
  auto* cmd = app.add_subcommand("ratelimit", "Read rate-limit headers; --probe finds the limit");
  cmd->footer(kGlobalFooter);
  cmd->add_option("url", args->url, "The http:// or https:// URL to check")
      ->required()
      ->type_name("URL");
  add_request_options(*cmd, args->request);
  add_connection_options(*cmd, args->connection);
  cmd->add_flag("--probe", args->probe, "Send bursts to find limit, window and algorithm");
  const auto probe_only = [args](const char* name) {
    return [args, name](const std::string&) { args->probe_only.emplace_back(name); };
  };
  cmd->add_option("-c,--concurrency", args->concurrency, "With --probe: requests at once (1)")
      ->type_name("N")
      ->each(probe_only("-c"));
  cmd->add_option("--max-requests", args->max_requests,
                  "With --probe: send at most N requests (200)")
      ->type_name("N")
      ->each(probe_only("--max-requests"));
  cmd->add_option("--max-time", args->max_time, "With --probe: stop after this long (5m)")
      ->type_name("DURATION")
      ->each(probe_only("--max-time"));
  cmd->add_option("--expect-limit", args->expect_limit, "Exit 1 unless the limit found is N")
      ->type_name("N")
      ->each([args](const std::string&) { args->expect_given = true; });
  cmd->add_option("--tolerance", args->tolerance, "With --expect-limit: slack, e.g. 2 or 10%")
      ->type_name("T")
      ->each([args](const std::string&) { args->tolerance_given = true; });
  cmd->callback([args, &global, &runner] {
    runner = [args, &global] { return run_ratelimit(*args, global); };
  });
}

}  // namespace reqscope::cli
