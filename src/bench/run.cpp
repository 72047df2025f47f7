#include "reqscope/bench/run.hpp"

#include <algorithm>
#include <barrier>
#include <cmath>
#include <thread>

#include "../http/connect.hpp"
#include "../http/curl_handle.hpp"
#include "collector.hpp"
#include "reqscope/util/cancel.hpp"
#include "transfer_setup.hpp"
#include "worker.hpp"

namespace reqscope::bench {

namespace {

using std::chrono::nanoseconds;

constexpr auto kHandover = std::chrono::milliseconds(200);
constexpr auto kPollInterval = std::chrono::milliseconds(50);

struct Target {
  std::string address;
  std::uint16_t port = 0;
};

// Where every connection goes: the host (after --connect-to) resolved once,
// so the run measures the server and not the resolver. With several
// addresses, the first that accepts a connection, as a browser would pick.
Result<Target> resolve_target(const BenchConfig& config) {
  const auto& request = config.request;
  Target target{"", config.url.port};
  std::string host = config.url.host;
  for (const auto& rule : request.connect_to_overrides) {
    if ((rule.from_host.empty() || rule.from_host == config.url.host) &&
        (!rule.from_port || *rule.from_port == config.url.port)) {
      if (!rule.to_host.empty()) host = rule.to_host;
      if (rule.to_port) target.port = *rule.to_port;
      break;
    }
  }
  std::vector<std::string> addresses;
  const auto rule = std::find_if(
      request.resolve_overrides.begin(), request.resolve_overrides.end(),
      [&](const http::ResolveOverride& r) { return r.host == host && r.port == target.port; });
  if (rule != request.resolve_overrides.end()) {
    addresses = dns::connect_order(rule->addresses, request.family);
    if (addresses.empty()) {
      return fail("dns_nodata", "--resolve gives no address of the requested family for " + host,
                  "drop -4/-6 or add an address of that family");
    }
  } else {
    auto resolution = dns::resolve(host, {request.family, request.timeout, request.hosts_path,
                                          request.dns_servers, request.cancel});
    if (!resolution) return tl::unexpected(resolution.error());
    addresses = resolution->addresses;
  }
  target.address = addresses.front();
  if (addresses.size() > 1) {
    std::vector<http::ConnectAttempt> attempts;
    const int fd = http::connect_in_order(addresses, target.port, Clock::now() + request.timeout,
                                          request.cancel, attempts);
    http::UniqueFd probe(fd);
    if (fd >= 0) target.address = attempts.back().address;
  }
  return target;
}

// libcurl before 8.0 breaks a prior-knowledge HTTP/2 connection when it reuses
// it ("Error in the HTTP2 framing layer", curl issue #10634), which would count
// every reused request as an error.
Result<void> check_h2c(const BenchConfig& config) {
  if (config.request.http_version != http::HttpVersion::http2 || config.url.is_https()) return {};
  const auto* info = curl_version_info(CURLVERSION_NOW);
  if (info->version_num >= 0x080000) return {};
  return fail("bad_option",
              std::string("--http2 on an http:// URL needs libcurl 8.0 or later; this is ") +
                  info->version + ", which cannot reuse an h2c connection",
              "use an https:// URL, where HTTP/2 is chosen by ALPN, or leave out --http2");
}

std::uint64_t share_of(std::uint64_t total, unsigned index, unsigned parts) {
  return total / parts + (index < total % parts ? 1 : 0);
}

std::uint64_t schedule_length(double rate, nanoseconds duration) {
  return static_cast<std::uint64_t>(
      std::ceil(rate * std::chrono::duration<double>(duration).count()));
}

PhasePlan warmup_plan(const BenchConfig& config, unsigned index, Clock::time_point start) {
  PhasePlan plan;
  plan.start = start;
  const auto& warmup = config.warmup;
  if (config.open_loop()) {
    plan.limit =
        warmup.requests ? *warmup.requests : schedule_length(*config.rate, *warmup.duration);
  } else if (warmup.requests) {
    plan.share = share_of(*warmup.requests, index, config.threads);
  } else {
    plan.send_until = start + *warmup.duration;
  }
  return plan;
}

PhasePlan measure_plan(const BenchConfig& config, unsigned index, Clock::time_point start) {
  PhasePlan plan;
  plan.start = start;
  plan.measure = true;
  if (config.open_loop()) {
    plan.limit = *planned_requests(config);
  } else if (config.requests) {
    plan.share = share_of(*config.requests, index, config.threads);
  } else {
    plan.send_until = start + config.duration.value_or(kDefaultDuration);
    if (!config.force) plan.cap = share_of(config.max_requests, index, config.threads);
  }
  return plan;
}

void add_totals(BenchResult& result, const WorkerTotals& totals) {
  result.latency.merge(totals.latency);
  result.service.merge(totals.service);
  result.connect.merge(totals.connect);
  result.tls.merge(totals.tls);
  result.wait.merge(totals.wait);
  result.transfer.merge(totals.transfer);
  result.requests += totals.requests;
  result.responses += totals.responses;
  result.errors += totals.errors;
  result.bytes_received += totals.bytes;
  result.connections_opened += totals.connections;
  for (std::size_t status = 0; status < totals.statuses.size(); ++status) {
    if (totals.statuses[status] != 0)
      result.status_counts[static_cast<int>(status)] += totals.statuses[status];
  }
  for (std::size_t kind = 0; kind < kErrorKinds.size(); ++kind) {
    const std::string name(kErrorKinds[kind]);
    result.error_kinds[name] += totals.kinds[kind];
    if (!totals.samples[kind].empty()) result.error_samples.emplace(name, totals.samples[kind]);
  }
  result.unsent += totals.unsent;
  result.max_send_lag = std::max(result.max_send_lag, totals.max_lag);
  if (result.http_version.empty())
    result.http_version = http::http_version_name(totals.http_version);
}

}  // namespace

Result<BenchResult> run_bench(const BenchConfig& config, const ProgressFn& progress) {
  if (auto valid = validate(config); !valid) return tl::unexpected(valid.error());
  http::global_init_once();
  if (auto usable = check_h2c(config); !usable) return tl::unexpected(usable.error());
  auto target = resolve_target(config);
  if (!target) return tl::unexpected(target.error());

  const TransferSetup setup(config, target->address, target->port);
  Collector collector;
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < config.threads; ++i) {
    const auto connections = static_cast<unsigned>(share_of(config.connections, i, config.threads));
    workers.push_back(std::make_unique<Worker>(config, setup, collector, i, connections));
  }

  // Every worker starts each phase at the same instant, so an open-loop
  // schedule is one schedule and the series' seconds line up.
  std::atomic<Clock::rep> phase_start{Clock::now().time_since_epoch().count()};
  std::atomic<bool> measuring{false};
  int phases_begun = 0;
  const bool has_warmup = config.warmup.enabled();
  std::barrier sync(static_cast<std::ptrdiff_t>(config.threads), [&]() noexcept {
    phase_start = Clock::now().time_since_epoch().count();
    if (++phases_begun == (has_warmup ? 2 : 1)) measuring = true;
  });
  const auto start_of = [&] { return Clock::time_point(Clock::duration(phase_start.load())); };
  std::atomic<unsigned> finished{0};

  std::vector<std::thread> threads;
  for (unsigned i = 0; i < config.threads; ++i) {
    threads.emplace_back([&, i] {
      auto& worker = *workers[i];
      if (has_warmup) {
        sync.arrive_and_wait();
        worker.run_phase(warmup_plan(config, i, start_of()));
      }
      sync.arrive_and_wait();
      worker.run_phase(measure_plan(config, i, start_of()));
      worker.finish();
      ++finished;
    });
  }

  const auto began = Clock::now();
  auto reported = nanoseconds(0);  // the last whole second reported, of either phase
  bool reported_measuring = false;
  while (finished.load() < config.threads) {
    std::this_thread::sleep_for(kPollInterval);
    if (!progress) continue;
    const bool now_measuring = measuring.load();
    const auto elapsed = Clock::now() - (now_measuring ? start_of() : began);
    // Workers hand over a finished second within one sleep of theirs: report after that.
    const auto second = std::chrono::floor<std::chrono::seconds>(elapsed - kHandover);
    if (now_measuring != reported_measuring) reported = nanoseconds(0);
    if (second <= reported) continue;
    reported = second;
    reported_measuring = now_measuring;
    if (now_measuring) {
      progress(collector.progress(elapsed));
    } else {
      Progress warming;
      warming.warming_up = true;
      warming.elapsed = elapsed;
      progress(warming);
    }
  }
  for (auto& thread : threads)
    thread.join();
  const auto ended = Clock::now();

  BenchResult result;
  result.config = config;
  result.config.request.cancel = nullptr;
  result.address = target->address;
  std::optional<Clock::time_point> last_completion;
  bool capped = false;
  for (const auto& worker : workers) {
    const auto& totals = worker->totals();
    add_totals(result, totals);
    if (totals.last_completion)
      last_completion =
          std::max(last_completion.value_or(*totals.last_completion), *totals.last_completion);
    capped = capped || totals.capped;
  }
  const bool interrupted = util::cancelled(config.request.cancel);
  const auto measure_start = start_of();
  const auto end = interrupted || !last_completion ? ended : *last_completion;
  result.duration = std::max(nanoseconds(0), end - measure_start);
  result.series = collector.series();
  result.stop_reason = interrupted       ? StopReason::interrupted
                       : capped          ? StopReason::max_requests
                       : config.requests ? StopReason::requests
                                         : StopReason::duration;
  return result;
}

}  // namespace reqscope::bench
