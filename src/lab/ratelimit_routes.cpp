#include "ratelimit_routes.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "parameters.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

using std::chrono::nanoseconds;
using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

constexpr long kMaxLimit = 10000;
constexpr long kMaxWindowSeconds = 86400;
constexpr long kMaxBurst = 10000;
constexpr long kMaxRate = 10000;
// Rates are held in thousandths of a token per second, the most precision a
// rate may be given with, so that every figure below is exact.
constexpr std::int64_t kRateScale = 1000;
constexpr std::size_t kMaxRateDecimals = 3;
// A token bucket counts in these units: a rate in thousandths of a token per
// second then refills exactly `rate` units a nanosecond.
constexpr std::int64_t kUnitsPerToken = 1'000'000'000'000;
// What a client can make the lab remember is bounded: counters for this many
// keys, the least recently used dropped first, and this many request times
// in all sliding logs together.
constexpr std::size_t kMaxKeys = 10000;
constexpr std::size_t kMaxLoggedRequests = 1'000'000;

enum class Dialect { ietf, draft, x, none };

constexpr std::array<std::pair<std::string_view, Dialect>, 4> kDialects = {
    {{"ietf", Dialect::ietf},
     {"draft", Dialect::draft},
     {"x", Dialect::x},
     {"none", Dialect::none}}};

// The quota an endpoint declares, as the headers name it.
struct Policy {
  const char* name = "";
  long quota = 0;
  long window_s = 0;
};

// What one request's URL asks for.
struct Settings {
  Policy policy;
  std::int64_t rate = 0;  // token bucket only: thousandths of a token per second
  Dialect dialect = Dialect::ietf;
  std::string key;  // the client's counter for this endpoint and these parameters
};

// One request's outcome, and where the counter stands after it.
struct Verdict {
  bool accepted = false;
  long remaining = 0;
  long used = 0;
  nanoseconds until_reset{0};  // until the whole quota is back
  nanoseconds until_retry{0};  // until one more request would be accepted
};

struct FixedWindow {
  std::int64_t index = -1;  // the window's start, in window lengths since the Unix epoch
  long count = 0;
};

struct SlidingLog {
  std::deque<SteadyTime> accepted;  // oldest first
};

struct TokenBucket {
  std::int64_t units = 0;
  SteadyTime refilled;
};

using Counter = std::variant<FixedWindow, SlidingLog, TokenBucket>;

std::int64_t ceil_div(std::int64_t dividend, std::int64_t divisor) {
  return (dividend + divisor - 1) / divisor;
}

// Whole seconds, rounded up and at least 0, as rate-limit headers give them.
long ceil_seconds(nanoseconds duration) {
  return static_cast<long>(
      std::max(std::chrono::ceil<std::chrono::seconds>(duration).count(), std::int64_t{0}));
}

// Every client's counters, found by key, the most recently used first.
// cpp-httplib answers on a pool of threads, so one mutex guards them all.
class Counters {
 public:
  Verdict fixed_window(const std::string& key, const Policy& policy, WallTime now);
  Verdict sliding_log(const std::string& key, const Policy& policy, SteadyTime now);
  Verdict token_bucket(const std::string& key, std::int64_t rate, long burst, SteadyTime now);

 private:
  using Entries = std::list<std::pair<std::string, Counter>>;

  template <typename T>
  T& find(const std::string& key, T fresh);
  void bound_memory();
  // Pool threads read the clock before they take the lock, so a request can
  // arrive with an earlier time than the one before it: time never goes back.
  SteadyTime monotonic(SteadyTime now) {
    latest_ = std::max(latest_, now);
    return latest_;
  }

  std::mutex mutex_;
  Entries recent_;
  std::unordered_map<std::string, Entries::iterator> by_key_;
  std::size_t logged_ = 0;
  SteadyTime latest_{};
};

// The counter for `key`, made from `fresh` when there is none, and moved to
// the front as the most recently used. A key names its endpoint, so it always
// holds the same kind of counter.
template <typename T>
T& Counters::find(const std::string& key, T fresh) {
  const auto found = by_key_.find(key);
  if (found == by_key_.end()) {
    recent_.emplace_front(key, std::move(fresh));
    by_key_.emplace(key, recent_.begin());
  } else {
    recent_.splice(recent_.begin(), recent_, found->second);
  }
  return std::get<T>(recent_.front().second);
}

// Drops the least recently used counters beyond the bounds, never the one
// just used.
void Counters::bound_memory() {
  while (recent_.size() > 1 && (recent_.size() > kMaxKeys || logged_ > kMaxLoggedRequests)) {
    const auto& [key, counter] = recent_.back();
    if (const auto* log = std::get_if<SlidingLog>(&counter)) logged_ -= log->accepted.size();
    by_key_.erase(key);
    recent_.pop_back();
  }
}

Verdict Counters::fixed_window(const std::string& key, const Policy& policy, WallTime now) {
  const std::lock_guard lock(mutex_);
  auto& window = find(key, FixedWindow{});
  const nanoseconds length = std::chrono::seconds(policy.window_s);
  const auto since_epoch = std::chrono::duration_cast<nanoseconds>(now.time_since_epoch());
  const std::int64_t index = since_epoch / length;
  if (window.index != index) window = {index, 0};
  Verdict verdict;
  verdict.accepted = window.count < policy.quota;
  if (verdict.accepted) ++window.count;
  verdict.used = window.count;
  verdict.remaining = policy.quota - window.count;
  verdict.until_reset = length * (index + 1) - since_epoch;
  verdict.until_retry = verdict.until_reset;
  bound_memory();
  return verdict;
}

Verdict Counters::sliding_log(const std::string& key, const Policy& policy, SteadyTime now) {
  const std::lock_guard lock(mutex_);
  now = monotonic(now);
  auto& log = find(key, SlidingLog{}).accepted;
  const nanoseconds length = std::chrono::seconds(policy.window_s);
  // A request made exactly one window ago no longer counts.
  while (!log.empty() && log.front() <= now - length) {
    log.pop_front();
    --logged_;
  }
  Verdict verdict;
  verdict.accepted = std::ssize(log) < policy.quota;
  if (verdict.accepted) {
    log.push_back(now);
    ++logged_;
  }
  verdict.used = static_cast<long>(log.size());
  verdict.remaining = policy.quota - verdict.used;
  // The whole quota is back when the newest request ages out; one request
  // may go when the oldest does.
  verdict.until_reset = log.empty() ? nanoseconds(0) : log.back() + length - now;
  verdict.until_retry = verdict.accepted || std::ssize(log) < policy.quota
                            ? nanoseconds(0)
                            : log.front() + length - now;
  bound_memory();
  return verdict;
}

Verdict Counters::token_bucket(const std::string& key, std::int64_t rate, long burst,
                               SteadyTime now) {
  const std::lock_guard lock(mutex_);
  now = monotonic(now);
  const std::int64_t capacity = burst * kUnitsPerToken;
  auto& bucket = find(key, TokenBucket{capacity, now});
  // A bucket idle for longer than it takes to fill is full: checked first,
  // so that elapsed * rate stays below the capacity and cannot overflow.
  const auto elapsed = std::chrono::duration_cast<nanoseconds>(now - bucket.refilled).count();
  const bool filled = elapsed >= ceil_div(capacity - bucket.units, rate);
  bucket.units = filled ? capacity : bucket.units + elapsed * rate;
  bucket.refilled = now;
  Verdict verdict;
  verdict.accepted = bucket.units >= kUnitsPerToken;
  if (verdict.accepted) bucket.units -= kUnitsPerToken;
  verdict.remaining = static_cast<long>(bucket.units / kUnitsPerToken);
  verdict.used = burst - verdict.remaining;
  verdict.until_reset = nanoseconds(ceil_div(capacity - bucket.units, rate));
  verdict.until_retry =
      nanoseconds(ceil_div(std::max(kUnitsPerToken - bucket.units, std::int64_t{0}), rate));
  bound_memory();
  return verdict;
}

// The whole-number parameter `name`, from 1 to `max`, which must be given;
// `meaning` completes the reason when it is not.
std::optional<long> read_count(const httplib::Params& query, const std::string& name, long max,
                               const std::string& meaning, std::string& why) {
  const auto usage = " (" + meaning + ", 1-" + std::to_string(max) + ")";
  const auto found = query.find(name);
  if (found == query.end()) {
    why = "missing " + name + usage;
    return std::nullopt;
  }
  const auto value = parse_bounded(found->second, max, why);
  if (value && *value < 1) why = util::quote(found->second) + " is below 1";
  if (!value || *value < 1) {
    why = name + " " + why + usage;
    return std::nullopt;
  }
  return value;
}

// rate, in thousandths of a token per second. Only digits and one point are
// let through: std::from_chars would also take a sign, "nan" and "inf".
std::optional<std::int64_t> read_rate(const httplib::Params& query, std::string& why) {
  const std::string usage =
      " (tokens per second, above 0 and at most 10000, with up to 3 decimals, such as 0.5)";
  const auto found = query.find("rate");
  if (found == query.end()) {
    why = "missing rate" + usage;
    return std::nullopt;
  }
  const auto& text = found->second;
  const auto point = text.find('.');
  const auto whole_text = text.substr(0, point);
  const auto fraction = point == std::string::npos ? std::string() : text.substr(point + 1);
  const auto digits = [](const std::string& part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  if (!digits(whole_text) ||
      (point != std::string::npos && (!digits(fraction) || fraction.size() > kMaxRateDecimals))) {
    why = "rate " + util::quote(text) + " is not a decimal" + usage;
    return std::nullopt;
  }
  // Only too many digits fail here, before they could overflow.
  std::string too_large;
  const auto whole = parse_bounded(whole_text, kMaxRate, too_large);
  const std::int64_t thousandths =
      fraction.empty() ? 0 : std::stol((fraction + "00").substr(0, kMaxRateDecimals));
  if (!whole || *whole * kRateScale + thousandths > kMaxRate * kRateScale) {
    why = "rate " + util::quote(text) + " exceeds the cap of " + std::to_string(kMaxRate) + usage;
    return std::nullopt;
  }
  const auto rate = *whole * kRateScale + thousandths;
  if (rate == 0) {
    why = "rate " + util::quote(text) + " is not above 0" + usage;
    return std::nullopt;
  }
  return rate;
}

std::optional<Dialect> read_dialect(const httplib::Params& query, std::string& why) {
  const auto found = query.find("headers");
  if (found == query.end()) return Dialect::ietf;
  for (const auto& [name, dialect] : kDialects) {
    if (found->second == name) return dialect;
  }
  why = "headers " + util::quote(found->second) + " is not ietf, draft, x or none";
  return std::nullopt;
}

// The settings of /ratelimit/fixed or /ratelimit/sliding, named `name`.
std::optional<Settings> read_window_settings(const httplib::Request& req, const char* name,
                                             std::string& why) {
  const auto query = read_query(req, {"limit", "window", "headers"}, why);
  if (!query) return std::nullopt;
  const auto limit = read_count(*query, "limit", kMaxLimit, "requests per window", why);
  if (!limit) return std::nullopt;
  const auto window = read_count(*query, "window", kMaxWindowSeconds, "seconds", why);
  if (!window) return std::nullopt;
  const auto dialect = read_dialect(*query, why);
  if (!dialect) return std::nullopt;
  return Settings{{name, *limit, *window},
                  0,
                  *dialect,
                  fmt::format("{} {} {} {}", req.remote_addr, name, *limit, *window)};
}

// The settings of /ratelimit/token. Its policy's window is the time an empty
// bucket takes to fill.
std::optional<Settings> read_bucket_settings(const httplib::Request& req, std::string& why) {
  const auto query = read_query(req, {"rate", "burst", "headers"}, why);
  if (!query) return std::nullopt;
  const auto rate = read_rate(*query, why);
  if (!rate) return std::nullopt;
  const auto burst = read_count(*query, "burst", kMaxBurst, "tokens the bucket holds", why);
  if (!burst) return std::nullopt;
  const auto dialect = read_dialect(*query, why);
  if (!dialect) return std::nullopt;
  const auto fill_s = static_cast<long>(ceil_div(*burst * kRateScale, *rate));
  return Settings{{"token", *burst, fill_s},
                  *rate,
                  *dialect,
                  fmt::format("{} token {} {}", req.remote_addr, *rate, *burst)};
}

// A Structured Field byte sequence (RFC 9651 §3.3.5): base64, padded, between colons.
std::string byte_sequence(const std::string& bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return ":" + encoded + ":";
}

void add_headers(httplib::Response& res, const Settings& settings, const Verdict& verdict,
                 const std::string& client, WallTime now) {
  const auto& policy = settings.policy;
  const long reset_s = ceil_seconds(verdict.until_reset);
  switch (settings.dialect) {
    case Dialect::ietf: {
      const auto partition = byte_sequence(client);
      res.set_header("RateLimit-Policy", fmt::format("\"{}\";q={};w={};pk={}", policy.name,
                                                     policy.quota, policy.window_s, partition));
      res.set_header("RateLimit", fmt::format("\"{}\";r={};t={};pk={}", policy.name,
                                              verdict.remaining, reset_s, partition));
      break;
    }
    case Dialect::draft:
      res.set_header("RateLimit-Limit", std::to_string(policy.quota));
      res.set_header("RateLimit-Remaining", std::to_string(verdict.remaining));
      res.set_header("RateLimit-Reset", std::to_string(reset_s));
      res.set_header("RateLimit-Policy", fmt::format("{};w={}", policy.quota, policy.window_s));
      break;
    case Dialect::x: {
      const auto reset_at = ceil_seconds(now.time_since_epoch() + verdict.until_reset);
      res.set_header("X-RateLimit-Limit", std::to_string(policy.quota));
      res.set_header("X-RateLimit-Remaining", std::to_string(verdict.remaining));
      res.set_header("X-RateLimit-Used", std::to_string(verdict.used));
      res.set_header("X-RateLimit-Reset", std::to_string(reset_at));
      res.set_header("X-RateLimit-Resource", policy.name);
      break;
    }
    case Dialect::none:
      break;
  }
}

// Answers 200 or 429. With headers=none, as nginx's limit_req, neither the
// headers nor the body say anything of the limit: a client has only the status.
void answer(httplib::Response& res, const Settings& settings, const Verdict& verdict,
            const std::string& client, WallTime now) {
  const bool silent = settings.dialect == Dialect::none;
  add_headers(res, settings, verdict, client, now);
  if (verdict.accepted) {
    res.set_content(
        silent ? std::string("ok\n")
               : fmt::format("ok: {} of {} left\n", verdict.remaining, settings.policy.quota),
        "text/plain");
    return;
  }
  const long retry_after = std::max(ceil_seconds(verdict.until_retry), 1L);
  res.status = 429;
  if (!silent) res.set_header("Retry-After", std::to_string(retry_after));
  res.set_content(silent ? std::string("rate limited\n")
                         : fmt::format("rate limited: retry after {} s\n", retry_after),
                  "text/plain");
}

}  // namespace

void add_ratelimit_routes(httplib::Server& server) {
  const auto counters = std::make_shared<Counters>();

  server.Get("/ratelimit/fixed", [counters](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto settings = read_window_settings(req, "fixed", why);
    if (!settings) return bad_request(res, why);
    const auto now = std::chrono::system_clock::now();
    const auto verdict = counters->fixed_window(settings->key, settings->policy, now);
    answer(res, *settings, verdict, req.remote_addr, now);
  });

  server.Get("/ratelimit/sliding", [counters](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto settings = read_window_settings(req, "sliding", why);
    if (!settings) return bad_request(res, why);
    const auto verdict =
        counters->sliding_log(settings->key, settings->policy, std::chrono::steady_clock::now());
    answer(res, *settings, verdict, req.remote_addr, std::chrono::system_clock::now());
  });

  server.Get("/ratelimit/token", [counters](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto settings = read_bucket_settings(req, why);
    if (!settings) return bad_request(res, why);
    const auto verdict = counters->token_bucket(
        settings->key, settings->rate, settings->policy.quota, std::chrono::steady_clock::now());
    answer(res, *settings, verdict, req.remote_addr, std::chrono::system_clock::now());
  });
}

}  // namespace reqscope::lab
