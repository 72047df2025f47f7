#include <unistd.h>

#include <cstdio>

#include "cli.hpp"
#include "reqscope/bench/analysis.hpp"
#include "reqscope/bench/run.hpp"
#include "reqscope/render/bench_human.hpp"
#include "reqscope/render/bench_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"
#include "request_options.hpp"

namespace reqscope::cli {

namespace {

// The largest --compare file read: a result document is a few kilobytes.
constexpr std::size_t kMaxBaselineBytes = 16 * 1024 * 1024;
constexpr long kMaxCount = 1'000'000'000'000;

struct BenchArgs {
  std::string url;
  RequestArgs request;
  ConnectionArgs connection;
  std::string requests;
  std::string duration;
  std::string connections = "10";
  std::string threads = "1";
  std::string rate;
  std::string warmup;
  std::string streams = "1";
  std::string max_p50_ms;
  std::string max_p99_ms;
  std::string max_error_rate;
  std::string min_rps;
  std::string compare;
  std::string max_requests = std::to_string(bench::kDefaultMaxRequests);
  bool force = false;
};

struct Plan {
  bench::BenchConfig config;
  bench::Thresholds thresholds;
  std::optional<std::vector<bench::Figure>> baseline;
};

Result<std::uint64_t> count_of(const std::string& text, const std::string& option) {
  auto value = util::parse_integer(text, 1, kMaxCount, option);
  if (!value) return tl::unexpected(value.error());
  return static_cast<std::uint64_t>(*value);
}

Result<unsigned> small_count_of(const std::string& text, long max, const std::string& option) {
  auto value = util::parse_integer(text, 1, max, option);
  if (!value) return tl::unexpected(value.error());
  return static_cast<unsigned>(*value);
}

Result<std::chrono::nanoseconds> duration_of(const std::string& text, const std::string& option) {
  auto value = util::parse_duration(text);
  if (!value) {
    auto error = value.error();
    error.message = option + ": " + error.message;
    return tl::unexpected(error);
  }
  if (value->count() == 0)
    return fail("bad_option", option + " value " + util::quote(text) + " is no time at all",
                "e.g. " + option + " 10s");
  return *value;
}

// --warmup 200 (requests) or --warmup 2s (a duration).
Result<bench::Warmup> warmup_of(const std::string& text) {
  bench::Warmup warmup;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    auto requests = count_of(text, "--warmup");
    if (!requests) return tl::unexpected(requests.error());
    warmup.requests = *requests;
    return warmup;
  }
  if (text.find_first_not_of("0123456789.") == std::string::npos) {
    return fail("bad_option",
                "--warmup value " + util::quote(text) +
                    " is neither a whole number of requests "
                    "nor a duration with a unit",
                "e.g. --warmup 100 for requests, or --warmup 1.5s");
  }
  auto duration = duration_of(text, "--warmup");
  if (!duration) return tl::unexpected(duration.error());
  warmup.duration = *duration;
  return warmup;
}

// --max-error-rate 0.01 or 1%.
Result<double> error_rate_of(const std::string& text) {
  if (!text.empty() && text.back() == '%') {
    auto percent =
        util::parse_number(text.substr(0, text.size() - 1), 0, 100, "--max-error-rate", "percent");
    if (!percent) {
      return fail("bad_option", "--max-error-rate value " + util::quote(text) +
                                    " is not a percentage from 0% to 100%");
    }
    return *percent / 100;
  }
  return util::parse_number(text, 0, 1, "--max-error-rate", "errors per request (or 0-100%)");
}

Result<void> read_thresholds(const BenchArgs& args, bench::Thresholds& thresholds) {
  const auto ms = [](const std::string& text, const char* option,
                     std::optional<double>& bound) -> Result<void> {
    if (text.empty()) return {};
    auto value = util::parse_milliseconds(text, option);
    if (!value) return tl::unexpected(value.error());
    bound = *value;
    return {};
  };
  if (auto ok = ms(args.max_p50_ms, "--max-p50-ms", thresholds.max_p50_ms); !ok) return ok;
  if (auto ok = ms(args.max_p99_ms, "--max-p99-ms", thresholds.max_p99_ms); !ok) return ok;
  if (!args.max_error_rate.empty()) {
    auto rate = error_rate_of(args.max_error_rate);
    if (!rate) return tl::unexpected(rate.error());
    thresholds.max_error_rate = *rate;
  }
  if (!args.min_rps.empty()) {
    auto rps =
        util::parse_number(args.min_rps, 0, bench::kMaxRate, "--min-rps", "requests per second");
    if (!rps) return tl::unexpected(rps.error());
    thresholds.min_rps = *rps;
  }
  return {};
}

Result<void> read_load(const BenchArgs& args, bench::BenchConfig& config) {
  if (!args.requests.empty()) {
    auto requests = count_of(args.requests, "-n");
    if (!requests) return tl::unexpected(requests.error());
    config.requests = *requests;
  }
  if (!args.duration.empty()) {
    auto duration = duration_of(args.duration, "-d");
    if (!duration) return tl::unexpected(duration.error());
    config.duration = *duration;
  }
  auto connections = small_count_of(args.connections, 1'000'000, "-c");
  if (!connections) return tl::unexpected(connections.error());
  config.connections = *connections;
  auto threads = small_count_of(args.threads, bench::kMaxThreads, "-t");
  if (!threads) return tl::unexpected(threads.error());
  config.threads = *threads;
  auto streams =
      small_count_of(args.streams, bench::kMaxStreamsPerConnection, "--streams-per-conn");
  if (!streams) return tl::unexpected(streams.error());
  config.streams_per_connection = *streams;
  if (!args.rate.empty()) {
    auto rate =
        util::parse_number(args.rate, 0.001, bench::kMaxRate, "--rate", "requests per second");
    if (!rate) return tl::unexpected(rate.error());
    config.rate = *rate;
  }
  if (!args.warmup.empty()) {
    auto warmup = warmup_of(args.warmup);
    if (!warmup) return tl::unexpected(warmup.error());
    config.warmup = *warmup;
  }
  // The default run, written out so that --json shows the duration it had.
  if (!config.requests && !config.duration) config.duration = bench::kDefaultDuration;
  auto max_requests = count_of(args.max_requests, "--max-requests");
  if (!max_requests) return tl::unexpected(max_requests.error());
  config.max_requests = *max_requests;
  config.force = args.force;
  return {};
}

Result<Plan> make_plan(const BenchArgs& args, const GlobalOptions& global) {
  Plan plan;
  auto url = http::parse_url(args.url);
  if (!url) return tl::unexpected(url.error());
  plan.config.url = *url;
  auto& request = plan.config.request;
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  request.timeout = *timeout;
  if (auto ok = apply_request_options(args.request, request); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = apply_connection_options(args.connection, request); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = read_load(args, plan.config); !ok) return tl::unexpected(ok.error());
  if (auto ok = read_thresholds(args, plan.thresholds); !ok) return tl::unexpected(ok.error());
  if (auto ok = bench::validate(plan.config); !ok) return tl::unexpected(ok.error());
  if (!args.compare.empty()) {
    auto text = read_input_file(args.compare, kMaxBaselineBytes, "16 MiB", "--compare");
    if (!text) return tl::unexpected(text.error());
    auto baseline = bench::read_baseline(*text, args.compare);
    if (!baseline) return tl::unexpected(baseline.error());
    plan.baseline = std::move(*baseline);
  }
  return plan;
}

void show_progress(const bench::Progress& progress) {
  const double seconds = std::chrono::duration<double>(progress.elapsed).count();
  if (progress.warming_up) {
    std::fprintf(stderr, "\r\x1b[Kbench: warming up, %.0f s", seconds);
  } else {
    std::fprintf(stderr,
                 "\r\x1b[Kbench: %.0f s, %llu requests, %.0f req/s, p99 %s so far, %llu errors",
                 seconds, static_cast<unsigned long long>(progress.requests), progress.current_rps,
                 render::format_ms(progress.p99_ms).c_str(),
                 static_cast<unsigned long long>(progress.errors));
  }
  std::fflush(stderr);
}

int run_bench(const BenchArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "bench", plan.error());

  catch_interrupt(true);
  plan->config.request.cancel = &interrupted();
  const bool live = isatty(STDERR_FILENO) == 1;
  auto result =
      bench::run_bench(plan->config, live ? bench::ProgressFn(show_progress) : bench::ProgressFn());
  if (live) std::fputs("\r\x1b[K", stderr);
  catch_interrupt(false);
  if (!result) return report_error(global, "bench", result.error());

  const auto checks = bench::check_thresholds(*result, plan->thresholds);
  std::optional<render::BenchComparison> comparison;
  if (plan->baseline) {
    comparison = render::BenchComparison{
        args.compare, bench::compare(*plan->baseline, bench::figures_for_compare(*result))};
  }
  if (global.json) {
    print_json(render::bench_document(*result, checks, comparison));
  } else {
    const render::HumanOptions human{style_for(global), global.verbose, global.show_secrets,
                                     global.explain};
    auto text = render::render_bench(*result, checks, comparison, human);
    if (global.explain) text += render::explain_bench(*result);
    print_stdout(text);
  }
  if (bench::no_response(*result)) return static_cast<int>(ExitCode::network);
  return static_cast<int>(bench::all_passed(checks) ? ExitCode::ok : ExitCode::check_failed);
}

}  // namespace

void register_bench(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Latency under load: p50/p99 per phase, errors");
  cmd->footer(kGlobalFooter);
  cmd->add_option("url", args->url, "The http:// or https:// URL to load")
      ->required()
      ->type_name("URL");
  cmd->add_option("-n,--requests", args->requests, "Send this many requests")->type_name("N");
  cmd->add_option("-d,--duration", args->duration, "Send for this long (default 10s)")
      ->type_name("DURATION");
  cmd->add_option("-c,--connections", args->connections, "Keep-alive connections (default 10)")
      ->type_name("N");
  cmd->add_option("-t,--threads", args->threads, "Threads sharing the connections (default 1)")
      ->type_name("N");
  cmd->add_option("--rate", args->rate, "Open loop: R requests/s in all (-c must keep up)")
      ->type_name("R");
  cmd->add_option("--warmup", args->warmup, "Unmeasured first: N requests or a DURATION")
      ->type_name("N|DURATION");
  add_request_options(*cmd, args->request, "-X,--request", "--data");
  add_connection_options(*cmd, args->connection,
                         "Use HTTP/2 (ALPN on https; h2c needs libcurl 8+)");
  cmd->add_option("--streams-per-conn", args->streams, "With --http2: streams per connection (1)")
      ->type_name("N");
  cmd->add_option("--max-p50-ms", args->max_p50_ms, "Exit 1 when p50 latency is above MS")
      ->type_name("MS");
  cmd->add_option("--max-p99-ms", args->max_p99_ms, "Exit 1 when p99 latency is above MS")
      ->type_name("MS");
  cmd->add_option("--max-error-rate", args->max_error_rate,
                  "Exit 1 above this error rate (0.01, 1%)")
      ->type_name("RATE");
  cmd->add_option("--min-rps", args->min_rps, "Exit 1 below this many requests per second")
      ->type_name("R");
  cmd->add_option("--compare", args->compare, "Show changes from an earlier --json result")
      ->type_name("FILE");
  cmd->add_option("--max-requests", args->max_requests,
                  "Refuse -n above N, stop -d there (1000000)")
      ->type_name("N");
  cmd->add_flag("--force", args->force, "Allow more than --max-requests or 10000 -c");
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_bench(*args, global); }; });
}

}  // namespace reqscope::cli
