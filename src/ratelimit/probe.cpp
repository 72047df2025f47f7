#include "reqscope/ratelimit/probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace reqscope::ratelimit {

namespace {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

// While waiting for capacity without a Retry-After, the next poll comes a
// sixth of the wait so far later: a refill is then located within about 8%
// of when it happened, in a number of polls that grows only with the log of
// the wait.
constexpr double kPollFraction = 1.0 / 6;
constexpr Nanos kMinPoll = 20ms;
// Refill of a bucket is measured over this many accepted requests.
constexpr unsigned kRateSamples = 10;
// A window's capacity "came back in bulk" when a second burst gets this
// share of the first.
constexpr double kBulkShare = 0.75;

// "1 request was", "3 requests were".
std::string accepted_text(unsigned count) {
  return fmt::format("{} request{}", count, count == 1 ? " was" : "s were");
}

double seconds(Nanos span) {
  return std::chrono::duration_cast<Seconds>(span).count();
}
// Saturates at about 31 years: a server's Retry-After or reset can be any
// size, and a nanosecond count overflows past 292 years.
Nanos nanos(double seconds_value) {
  constexpr double kLongest = 1e9;
  return std::chrono::duration_cast<Nanos>(Seconds(std::clamp(seconds_value, -kLongest, kLongest)));
}
std::string span_text(Nanos span) {
  const double s = seconds(span);
  return s < 1 ? fmt::format("{:.0f} ms", s * 1000) : fmt::format("{:.2f} s", s);
}

struct Answer {
  TimelineEntry entry;
  RateLimitHeaders headers;
};

// What came back when capacity returned: the first accepted request, and the
// latest limited one before it, which bracket the moment of the refill.
struct Refill {
  Nanos last_refused{0};
  Nanos first_accepted{0};
  Nanos moment() const { return (last_refused + first_accepted) / 2; }
};

// Counts of one burst.
struct Burst {
  std::vector<Answer> answers;
  unsigned accepted = 0;
  bool limited = false;
  Nanos first_sent{0};
  Nanos last_accepted_done{0};
  std::optional<Nanos> first_limited_sent;
  long limited_status = 0;
};

class Prober {
 public:
  Prober(Sender& sender, const ProbeOptions& options, const ProbeProgressFn& progress)
      : sender_(sender), options_(options), progress_(progress) {}

  ProbeResult run();

 private:
  bool stopped() const { return stop_.has_value(); }
  void stop(std::string reason) {
    if (!stop_) stop_ = std::move(reason);
  }
  unsigned budget() const { return options_.max_requests - result_.requests_sent; }
  void report(const std::string& phase) const {
    if (progress_) progress_({result_.requests_sent, options_.max_requests, phase});
  }
  void note(std::string sentence) { result_.evidence.push_back(std::move(sentence)); }

  bool wait_until(Nanos when);
  Burst send(unsigned count, bool until_limited, const char* phase);
  std::optional<Refill> wait_for_capacity(const char* phase);

  // False when the evidence rules a window out (capacity came back inside
  // one); `emptied_at` is then when the quota last ran out.
  bool probe_window(const Burst& first, const Burst& second, const Refill& refill,
                    Nanos& emptied_at, double& rate_guess);
  ProbeResult finish();
  void probe_bucket(const Burst& first, double rate_guess, Nanos emptied_at);
  bool queue_delay_seen(const Burst& first);

  Sender& sender_;
  const ProbeOptions& options_;
  const ProbeProgressFn& progress_;
  ProbeResult result_;
  std::optional<std::string> stop_;
  Nanos hold_until_{0};  // the server asked not to be asked again before this
  // The lower bound a Retry-After in whole seconds puts on the refill: the
  // server rounded up, so capacity was not back before `done + value - 1 s`.
  Nanos refill_not_before_{0};
  std::optional<std::int64_t> declared_window_s_;  // a policy's w, when the server sends one
};

bool Prober::wait_until(Nanos when) {
  const Nanos target = std::max(when, hold_until_);
  if (target > options_.max_time) {
    // Sleeping to --max-time would only end the probe later, knowing no more.
    if (hold_until_ > options_.max_time) {
      note(fmt::format("the server asks to wait until {} into the probe, past --max-time",
                       span_text(hold_until_)));
    }
    stop("max_time");
    return false;
  }
  const bool held = hold_until_ > when && hold_until_ > sender_.now();
  if (!sender_.sleep_until(target)) {
    stop("interrupted");
    return false;
  }
  if (held) result_.retry_after_honoured = true;
  return true;
}

Burst Prober::send(unsigned count, bool until_limited, const char* phase) {
  Burst burst;
  if (stopped()) return burst;
  if (budget() == 0) {
    stop("max_requests");
    return burst;
  }
  if (!wait_until(0ns)) return burst;
  report(phase);
  const auto exchanges = sender_.send(std::min(count, budget()), until_limited, options_.max_time);
  for (const auto& exchange : exchanges) {
    Answer answer;
    answer.entry.sent = exchange.sent;
    answer.entry.done = exchange.done;
    answer.entry.status = exchange.status;
    answer.entry.phase = phase;
    ++result_.requests_sent;
    if (exchange.failure) {
      answer.entry.error_kind = exchange.failure->kind;
      if (exchange.failure->kind == "interrupted") {
        stop("interrupted");
      } else {
        if (!result_.failure) result_.failure = exchange.failure;
        stop("failed");
      }
    } else {
      answer.headers = parse_rate_limit_headers(exchange.headers, exchange.received_unix);
      answer.entry.limited = is_limited(exchange.status, answer.headers);
      answer.entry.remaining = answer.headers.remaining;
      if (!result_.first_headers) result_.first_headers = answer.headers;
      std::optional<double> wait_s;
      if (answer.headers.retry_after) {
        wait_s = answer.headers.retry_after->seconds_from_response;
      } else if (answer.entry.limited && answer.headers.reset) {
        wait_s = answer.headers.reset->seconds_from_response;
      }
      if (wait_s && answer.entry.limited) {
        answer.entry.retry_after_s = std::max(0.0, *wait_s);
        hold_until_ = std::max(hold_until_, exchange.done + nanos(*answer.entry.retry_after_s));
        if (*wait_s >= 1 && std::floor(*wait_s) == *wait_s)
          refill_not_before_ = exchange.done + nanos(*wait_s - 1);
      }
      if (answer.headers.window_s) declared_window_s_ = answer.headers.window_s;
    }
    if (burst.answers.empty()) burst.first_sent = exchange.sent;
    if (answer.entry.limited) {
      if (!burst.first_limited_sent) {
        burst.first_limited_sent = exchange.sent;
        burst.limited_status = exchange.status;
      }
      burst.limited = true;
      if (!result_.first_429_at) result_.first_429_at = result_.requests_sent;
    } else if (!exchange.failure) {
      ++burst.accepted;
      burst.last_accepted_done = exchange.done;
    }
    result_.timeline.push_back(answer.entry);
    burst.answers.push_back(std::move(answer));
  }
  if (sender_.interrupted()) stop("interrupted");
  if (exchanges.size() < count && !burst.limited && !stopped() && budget() == 0)
    stop("max_requests");
  if (sender_.now() >= options_.max_time) stop("max_time");
  return burst;
}

std::optional<Refill> Prober::wait_for_capacity(const char* phase) {
  const Nanos started = sender_.now();
  Nanos last_refused = started;
  if (!result_.timeline.empty()) last_refused = result_.timeline.back().sent;
  while (!stopped()) {
    const Nanos now = sender_.now();
    const Nanos gap =
        std::max(kMinPoll, std::chrono::duration_cast<Nanos>((now - started) * kPollFraction));
    if (!wait_until(now + gap)) return std::nullopt;
    auto poll = send(1, true, phase);
    if (poll.answers.empty()) return std::nullopt;
    const auto& entry = poll.answers.front().entry;
    if (!entry.limited && entry.error_kind.empty()) {
      return Refill{std::min(entry.sent, std::max(last_refused, refill_not_before_)), entry.sent};
    }
    last_refused = entry.sent;
  }
  return std::nullopt;
}

bool Prober::queue_delay_seen(const Burst& first) {
  std::vector<Nanos> latencies;
  for (const auto& answer : first.answers)
    if (!answer.entry.limited && answer.entry.error_kind.empty())
      latencies.push_back(answer.entry.done - answer.entry.sent);
  if (latencies.size() < 4) return false;
  // A queue answers its first request at once and later ones after their
  // turn: for a client waiting on each answer, about one interval each.
  const Nanos early = std::min(latencies[0], latencies[1]);
  const auto third = latencies.size() / 3;
  std::vector<Nanos> tail(latencies.end() - static_cast<long>(third), latencies.end());
  std::nth_element(tail.begin(), tail.begin() + static_cast<long>(tail.size() / 2), tail.end());
  const Nanos late = tail[tail.size() / 2];
  if (late < early * 2 + 10ms) return false;
  note(
      fmt::format("accepted answers were held back: their latency rose from {} to {}, as "
                  "a leaky bucket that queues requests (rather than refusing them) does",
                  span_text(early), span_text(late)));
  return true;
}

void Prober::probe_bucket(const Burst& first, double rate_guess, Nanos emptied_at) {
  result_.window_s.reset();  // a bucket has none, whatever the window hypothesis measured
  const double size_guess = first.accepted;
  // Poll faster than the refill and count what is accepted between refusals.
  // A stretch runs from the first request after a refusal to the next
  // refusal. The bucket held under one token at the refusal before it, and
  // refilled during the wait: by rate × (wait + stretch) in all, unless the
  // wait (a Retry-After) was long enough to fill the bucket, when only what
  // was accepted beyond its size refilled during the stretch.
  double pace = std::max(rate_guess, 0.1);
  double tokens = 0;
  double span_s = 0;
  unsigned accepted = 0;
  unsigned sent = 0;
  unsigned in_a_row = 0;
  bool in_stretch = false;
  unsigned stretch_accepted = 0;
  Nanos stretch_start{0};
  Nanos wait_before{0};
  Nanos last_refusal = emptied_at;
  const Nanos phase_end =
      sender_.now() + std::clamp<Nanos>(nanos(3 * kRateSamples / pace), 2s, 60s);
  while (!stopped() && (tokens < kRateSamples || span_s == 0) && sender_.now() < phase_end) {
    const Nanos gap = std::max(kMinPoll, nanos(1 / (4 * pace)));
    if (!wait_until(sender_.now() + gap)) break;
    auto poll = send(1, true, "rate");
    if (poll.answers.empty()) break;
    ++sent;
    const auto& entry = poll.answers.front().entry;
    if (!in_stretch) {
      in_stretch = true;
      stretch_start = entry.sent;
      stretch_accepted = 0;
      wait_before = entry.sent - last_refusal;
    }
    if (poll.accepted > 0) {
      ++accepted;
      ++stretch_accepted;
      // Four accepted in a row: the polls are slower than the refill. Speed
      // up gently: polls much faster than the refill make short stretches.
      if (++in_a_row >= 4 && gap > kMinPoll) {
        pace *= 1.5;
        in_a_row = 0;
      }
      continue;
    }
    in_a_row = 0;
    in_stretch = false;
    last_refusal = entry.sent;
    const double wait = seconds(wait_before);
    const double during = seconds(entry.sent - stretch_start);
    // Full at the start, under one token (a half on average) at the end.
    const double beyond = stretch_accepted - size_guess + 0.5;
    if (during > 0 && beyond > 0 && beyond / during * wait >= size_guess) {
      tokens += beyond;  // the wait alone could fill the bucket: it started full
      span_s += during;
    } else {
      tokens += stretch_accepted;
      span_s += wait + during;
    }
  }
  double rate = rate_guess;
  Confidence confidence = Confidence::medium;
  if (tokens >= 2 && span_s > 0) {
    rate = tokens / span_s;
    if (tokens >= kRateSamples) confidence = Confidence::high;
    note(
        fmt::format("paced requests: {} of {} accepted; the bucket refilled {:.0f} of them in "
                    "{:.2f} s of measured time, {:.2f} per second",
                    accepted, sent, tokens, span_s, rate));
  } else if (accepted > 0 && span_s == 0) {
    confidence = Confidence::low;
    note(
        fmt::format("all {} paced requests were accepted, up to {:.0f} per second: the bucket "
                    "refills at least that fast, and the rate shown is only a lower bound",
                    accepted, 1 / seconds(kMinPoll)));
    rate = std::max(rate, accepted / std::max(1e-3, seconds(sender_.now() - emptied_at)));
  } else {
    confidence = Confidence::low;
    note(
        "too few paced requests were accepted to measure the refill rate; the estimate "
        "comes from the refill after the first refusal");
  }
  const double refilled_in_burst = rate * seconds(first.last_accepted_done - first.first_sent);
  const auto size = std::max<std::int64_t>(
      1, std::llround(static_cast<double>(first.accepted) - refilled_in_burst));
  result_.limit = size;
  result_.burst = size;
  result_.refill_per_s = rate;
  const bool queued = queue_delay_seen(first);
  result_.algorithm = queued ? Algorithm::leaky_bucket : Algorithm::token_bucket;
  if (queued) {
    result_.consistent_with = {Algorithm::leaky_bucket};
  } else {
    result_.consistent_with = {Algorithm::token_bucket, Algorithm::leaky_bucket};
    note(
        "no answer was delayed, so a leaky bucket could only be one used as a meter "
        "(GCRA, nginx limit_req with nodelay), which behaves as a token bucket");
  }
  // A queue delays answers, and the delays blur every timing taken here.
  result_.confidence = queued ? std::min(confidence, Confidence::medium) : confidence;
}

bool Prober::probe_window(const Burst& first, const Burst& second, const Refill& refill,
                          Nanos& emptied_at, double& rate_guess) {
  const auto limit = static_cast<std::int64_t>(second.accepted);
  result_.limit = limit;
  result_.burst = limit;
  result_.consistent_with = {Algorithm::fixed_window, Algorithm::sliding_window};

  // The window: from one refill to the next.
  const auto next = wait_for_capacity("wait");
  if (!next) {
    result_.confidence = Confidence::low;
    return true;
  }
  const Nanos measured = std::max<Nanos>(1ms, next->moment() - refill.moment());
  note(
      fmt::format("capacity came back again {} after the previous refill: a window of that "
                  "length, if it is a window",
                  span_text(measured)));
  Nanos window = measured;
  if (declared_window_s_) {
    const Nanos declared = nanos(static_cast<double>(*declared_window_s_));
    const Nanos slack = std::max<Nanos>(1100ms, declared / 4);
    if (measured > declared - slack && measured < declared + slack) {
      window = declared;
      note(
          fmt::format("the server declares a window of {} s (w), which the measurement "
                      "agrees with",
                      *declared_window_s_));
    } else {
      note(
          fmt::format("the server declares a window of {} s (w), but capacity came back "
                      "after {}: the declaration is not what is enforced",
                      *declared_window_s_, span_text(measured)));
    }
  }
  result_.window_s = seconds(window);
  result_.refill_per_s = static_cast<double>(limit) / seconds(window);
  const double phase = seconds(refill.moment() - first.first_sent) / seconds(window);

  // Split test: half the quota now, the rest half a window later, then look
  // just after one window: a fixed window gives the whole quota back at its
  // boundary; a sliding one only the first half, which has aged out.
  const auto half = static_cast<unsigned>(std::max<std::int64_t>(1, limit / 2));
  const unsigned needed = static_cast<unsigned>(limit) * 2 + 2;
  bool split_done = false;
  std::optional<bool> bulk;
  if (limit >= 2 && budget() >= needed) {
    const Nanos base = next->first_accepted;
    const auto early = send(half - 1, true, "split");
    const unsigned first_half = early.accepted + 1;
    if (!stopped() && wait_until(base + window / 2)) {
      const auto middle = send(budget(), true, "split");
      const unsigned later = middle.accepted;
      if (!stopped() && later > static_cast<unsigned>(limit) - first_half + 1) {
        note(
            fmt::format("split test: {} accepted at the refill, then {} half a window later, "
                        "more than the quota leaves: capacity came back inside the window, "
                        "which no window does",
                        first_half, later));
        emptied_at = middle.first_limited_sent.value_or(sender_.now());
        rate_guess = (first_half + later - static_cast<double>(limit)) /
                     std::max(1e-3, seconds(emptied_at - base));
        return false;
      }
      if (!stopped() && wait_until(base + window * 5 / 4)) {
        const auto late = send(budget(), true, "split");
        // A Retry-After in whole seconds can hold the look back until the
        // second half of a sliding window has aged out too: then it proves nothing.
        const bool in_time = late.first_sent < middle.first_sent + window * 9 / 10;
        if (!stopped() && late.limited && !in_time) {
          note(
              "split test inconclusive: the server's Retry-After held the last look until "
              "the second half could have aged out as well");
        }
        if (!stopped() && late.limited && in_time) {
          split_done = true;
          bulk = late.accepted >= first_half + std::max(1u, later / 2);
          note(
              fmt::format("split test: {} accepted at the refill, {} half a window later; "
                          "just after one window {} were accepted again, {}",
                          first_half, later, late.accepted,
                          *bulk ? "the whole quota: the window restarts all at once"
                                : "only the first half: requests age out one by one"));
        }
      }
    }
  } else if (limit >= 2) {
    note(
        fmt::format("the split test that tells a fixed window from a sliding one needs "
                    "about {} more requests than --max-requests leaves; skipped",
                    needed - std::min(needed, budget())));
  }
  // A sliding window's first refill comes one window after the first
  // request; a fixed window's comes at the next boundary, usually sooner.
  // Only when the refill is located well: a Retry-After wait can leave it
  // anywhere in a second.
  const bool located = refill.first_accepted - refill.last_refused < window / 4;
  const bool early_refill = located && phase < 0.75;
  if (split_done) {
    result_.algorithm = *bulk ? Algorithm::fixed_window : Algorithm::sliding_window;
    result_.consistent_with = {result_.algorithm};
    result_.confidence = !*bulk || early_refill ? Confidence::high : Confidence::medium;
  } else if (early_refill) {
    result_.algorithm = Algorithm::fixed_window;
    result_.consistent_with = {Algorithm::fixed_window};
    result_.confidence = Confidence::medium;
  } else {
    result_.confidence = Confidence::low;
  }
  if (early_refill && result_.algorithm == Algorithm::fixed_window) {
    note(
        fmt::format("the first refill came {:.0f}% of a window after the first request: "
                    "windows are aligned to the clock, not to the requests",
                    phase * 100));
  }
  if (first.accepted != second.accepted) {
    note(
        fmt::format("the first burst got {} and the second {}: some of the quota had been "
                    "used before the probe, or the first burst crossed a window boundary",
                    first.accepted, second.accepted));
  }
  return true;
}

// Adds a later part of the same burst.
void absorb(Burst& burst, Burst&& more) {
  if (burst.answers.empty()) burst.first_sent = more.first_sent;
  burst.accepted += more.accepted;
  if (more.accepted > 0) burst.last_accepted_done = more.last_accepted_done;
  if (!burst.limited && more.limited) {
    burst.limited = true;
    burst.first_limited_sent = more.first_limited_sent;
    burst.limited_status = more.limited_status;
  }
  for (auto& answer : more.answers)
    burst.answers.push_back(std::move(answer));
}

ProbeResult Prober::run() {
  // The first request alone: an error answer (a wrong path, a missing key)
  // is not a limit, and a burst of them would measure nothing.
  auto first = send(1, true, "burst");
  if (!stopped() && !first.answers.empty() && !first.limited) {
    const long status = first.answers.front().entry.status;
    if (status >= 400) {
      note(
          fmt::format("the first answer was {}, an error rather than a limit: fix the request "
                      "(URL, method, credentials) before probing",
                      status));
      stop("error_status");
      return finish();
    }
    absorb(first, send(options_.max_requests, true, "burst"));
  }
  const bool used_before = !stopped() && first.limited && first.accepted == 0;
  if (used_before) {
    note("the very first answer was already limited: the quota was used before the probe");
    if (!wait_for_capacity("wait")) return finish();
    // The poll that found capacity back is the first of the real burst.
    first = Burst{};
    first.answers.push_back({result_.timeline.back(), {}});
    first.accepted = 1;
    first.first_sent = result_.timeline.back().sent;
    first.last_accepted_done = result_.timeline.back().done;
    absorb(first, send(budget(), true, "burst"));
  }
  if (!stopped() && !first.limited) stop("no_limit");
  if (stopped()) {
    if (*stop_ == "no_limit" || (*stop_ == "max_requests" && !result_.first_429_at)) {
      stop_ = "no_limit";
      note(fmt::format("no limited answer in {} requests over {}", result_.requests_sent,
                       span_text(sender_.now())));
    }
    // However the burst ended, answers held back without a refusal are a queue.
    if (!result_.first_429_at && queue_delay_seen(first)) {
      // A queue shows its rate in how fast answers come once it is full.
      const auto& late = first.answers[first.answers.size() * 2 / 3];
      const double span = seconds(first.last_accepted_done - late.entry.done);
      const auto count = first.answers.size() - first.answers.size() * 2 / 3 - 1;
      if (span > 0 && count > 0) result_.refill_per_s = static_cast<double>(count) / span;
      result_.algorithm = Algorithm::leaky_bucket;
      result_.consistent_with = {Algorithm::leaky_bucket};
      result_.confidence = Confidence::medium;
    }
    return finish();
  }
  note(fmt::format("{} accepted, then the server refused with {}", accepted_text(first.accepted),
                   first.limited_status));
  const auto refill = wait_for_capacity("wait");
  if (!refill) {
    result_.limit = first.accepted;
    return finish();
  }
  note(fmt::format("capacity came back between {} and {} after the first request",
                   span_text(refill->last_refused - first.first_sent),
                   span_text(refill->first_accepted - first.first_sent)));
  auto second = send(budget(), true, "refill");
  second.accepted += 1;  // the poll that found the capacity
  if (stopped() && !second.limited) {
    result_.limit = first.accepted;
    return finish();
  }
  if (first.accepted <= 1) {
    note("a limit of 1 looks the same under every algorithm");
    if (used_before) {
      note(
          "the quota was used before the probe, so a bucket refilling one request at a time "
          "looks the same too: probe again after a rest to see its size");
    }
    result_.limit = first.accepted;
    result_.consistent_with = {Algorithm::fixed_window, Algorithm::sliding_window,
                               Algorithm::token_bucket, Algorithm::leaky_bucket};
    const auto next = wait_for_capacity("wait");
    if (next) {
      result_.window_s = std::max(1e-3, seconds(next->moment() - refill->moment()));
      result_.refill_per_s = 1 / *result_.window_s;
    }
    return finish();
  }
  // A single request back, or under half the first burst: capacity returns
  // bit by bit, as in a bucket. Most of it: in bulk, as in a window. In
  // between (a first burst across a window boundary gets up to twice the
  // quota; a Retry-After can hide a bucket's refill), the window's split
  // test decides.
  Nanos emptied_at = second.first_limited_sent.value_or(sender_.now());
  const Nanos since_empty = emptied_at - first.first_limited_sent.value_or(first.first_sent);
  double rate_guess = second.accepted / std::max(1e-3, seconds(since_empty));
  const bool gradual = second.accepted == 1 || 2 * second.accepted < first.accepted;
  if (gradual) {
    note(fmt::format(
        "after the refusal, capacity came back a little at a time: {} "
        "request{} in {}, not the {} of the first burst",
        second.accepted, second.accepted == 1 ? "" : "s", span_text(since_empty), first.accepted));
  } else if (second.accepted >= std::ceil(kBulkShare * first.accepted)) {
    note(fmt::format("after the refusal, the whole quota came back at once: {} accepted again",
                     accepted_text(second.accepted)));
  } else {
    note(
        fmt::format("after the refusal, {} of the first burst's {} came back: the split "
                    "test decides between a window and a bucket",
                    second.accepted, first.accepted));
  }
  if (gradual || !probe_window(first, second, *refill, emptied_at, rate_guess))
    probe_bucket(first, rate_guess, emptied_at);
  return finish();
}

ProbeResult Prober::finish() {
  result_.stop_reason = stop_.value_or("complete");
  result_.elapsed = sender_.now();
  return std::move(result_);
}

}  // namespace

const char* algorithm_name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::fixed_window:
      return "fixed_window";
    case Algorithm::sliding_window:
      return "sliding_window";
    case Algorithm::token_bucket:
      return "token_bucket";
    case Algorithm::leaky_bucket:
      return "leaky_bucket";
    case Algorithm::unknown:
      break;
  }
  return "unknown";
}

const char* confidence_name(Confidence confidence) {
  switch (confidence) {
    case Confidence::high:
      return "high";
    case Confidence::medium:
      return "medium";
    case Confidence::low:
      break;
  }
  return "low";
}

ProbeResult run_probe(Sender& sender, const ProbeOptions& options,
                      const ProbeProgressFn& progress) {
  return Prober(sender, options, progress).run();
}

}  // namespace reqscope::ratelimit
