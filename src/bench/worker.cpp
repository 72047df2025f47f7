#include "worker.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>

#include "reqscope/bench/error_kind.hpp"
#include "reqscope/util/cancel.hpp"

namespace reqscope::bench {

namespace {

using std::chrono::nanoseconds;

// The longest the loop sleeps, so Ctrl-C and the per-second series are seen in time.
constexpr auto kMaxSleep = std::chrono::milliseconds(100);
// How late an open-loop send may be after the schedule ends before it is dropped as unsent.
constexpr auto kSendGrace = std::chrono::milliseconds(100);
constexpr int kMaxEvents = 64;

nanoseconds curl_time(CURL* easy, CURLINFO info) {
  curl_off_t microseconds = 0;
  curl_easy_getinfo(easy, info, &microseconds);
  return std::chrono::microseconds(microseconds);
}

std::size_t kind_index(std::string_view kind) {
  return static_cast<std::size_t>(std::find(kErrorKinds.begin(), kErrorKinds.end(), kind) -
                                  kErrorKinds.begin());
}

int epoll_wait_for(int epoll, epoll_event* events, nanoseconds timeout) {
  const auto ns = std::max<std::int64_t>(0, timeout.count());
  timespec interval{};
  interval.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  interval.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  const int ready = epoll_pwait2(epoll, events, kMaxEvents, &interval, nullptr);
  if (ready >= 0 || errno != ENOSYS) return ready;
  // Kernels before 5.11 wait in whole milliseconds; round up so the loop never spins.
  return epoll_wait(epoll, events, kMaxEvents, static_cast<int>((ns + 999'999) / 1'000'000));
}

}  // namespace

Worker::Worker(const BenchConfig& config, const TransferSetup& setup, Collector& collector,
               unsigned index, unsigned connections)
    : config_(config),
      setup_(setup),
      collector_(collector),
      index_(index),
      slots_(connections * config.streams_per_connection),
      multi_(curl_multi_init()),
      epoll_(epoll_create1(EPOLL_CLOEXEC)) {
  CURLM* multi = multi_.get();
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(connections));
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(connections));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(connections));
  curl_multi_setopt(multi, CURLMOPT_PIPELINING,
                    setup.multiplexed() ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  if (setup.multiplexed()) {
    curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS,
                      static_cast<long>(config.streams_per_connection));
  }
  idle_.reserve(slots_.size());
  for (auto& slot : slots_) {
    slot.easy.reset(curl_easy_init());
    setup.apply(slot.easy.get());
    curl_easy_setopt(slot.easy.get(), CURLOPT_PRIVATE, &slot);
    curl_easy_setopt(slot.easy.get(), CURLOPT_ERRORBUFFER, slot.errbuf);
    curl_easy_setopt(slot.easy.get(), CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(slot.easy.get(), CURLOPT_OPENSOCKETDATA, this);
    idle_.push_back(&slot);
  }
}

Worker::~Worker() {
  // libcurl answers CURLM_OK for a handle that is not in the multi, so the
  // idle ones need not be told apart from those still in flight.
  for (auto& slot : slots_)
    curl_multi_remove_handle(multi_.get(), slot.easy.get());
  multi_.reset();
}

Worker::Watch& Worker::watch_of(curl_socket_t socket) {
  const auto index = static_cast<std::size_t>(socket);
  if (index >= watches_.size()) watches_.resize(index + 1);
  return watches_[index];
}

curl_socket_t Worker::on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  const int socket = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  // A new socket may reuse a closed one's number, which epoll no longer watches.
  if (socket >= 0) static_cast<Worker*>(user)->watch_of(socket) = {};
  return socket;
}

// libcurl stops watching a connection's socket after every transfer and starts
// again on the next. Keeping epoll's registration across that gap saves an
// EPOLL_CTL_DEL and an EPOLL_CTL_ADD per request.
int Worker::on_socket(CURL*, curl_socket_t socket, int what, void* user, void*) {
  auto& worker = *static_cast<Worker*>(user);
  auto& watch = worker.watch_of(socket);
  if (what == CURL_POLL_REMOVE) {
    watch.curl_watching = false;
    return 0;
  }
  watch.curl_watching = true;
  const std::uint32_t wanted =
      ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0U) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0U);
  if (watch.registered == wanted) return 0;
  epoll_event event{};
  event.events = wanted;
  event.data.fd = socket;
  const int epoll = worker.epoll_.get();
  if (epoll_ctl(epoll, watch.registered == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event) !=
      0) {
    epoll_ctl(epoll, errno == EEXIST ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, &event);
  }
  watch.registered = wanted;
  return 0;
}

int Worker::on_timer(CURLM*, long timeout_ms, void* user) {
  auto& worker = *static_cast<Worker*>(user);
  if (timeout_ms < 0) {
    worker.timer_.reset();
  } else {
    worker.timer_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

bool Worker::cancelled() const {
  return util::cancelled(config_.request.cancel);
}

Clock::time_point Worker::intended_time(std::uint64_t j) const {
  return plan_.start + nanoseconds(std::llround(static_cast<double>(j) * 1e9 / *config_.rate));
}

bool Worker::may_start_closed(Clock::time_point now) const {
  if (started_ >= plan_.cap) return false;
  if (plan_.share) return started_ < *plan_.share;
  return !plan_.send_until || now < *plan_.send_until;
}

void Worker::run_phase(const PhasePlan& plan) {
  plan_ = plan;
  started_ = 0;
  next_j_ = index_;
  if (config_.open_loop()) {
    phase_end_ = plan.start +
                 nanoseconds(std::llround(static_cast<double>(plan.limit) * 1e9 / *config_.rate)) +
                 kSendGrace;
  }
  second_ = 0;
  for (;;) {
    const auto now = Clock::now();
    if (cancelled()) return;
    roll_second(now);
    start_due(now);
    const bool more_to_send =
        config_.open_loop() ? next_j_ < plan_.limit && now < phase_end_ : may_start_closed(now);
    if (in_flight_ == 0 && !more_to_send) break;
    wait_for_events(now);
    collect_completions();
  }
  if (config_.open_loop() && plan_.measure && next_j_ < plan_.limit) {
    totals_.unsent += (plan_.limit - next_j_ + config_.threads - 1) / config_.threads;
  }
  if (plan_.measure && started_ >= plan_.cap && !plan_.share) totals_.capped = true;
}

void Worker::start_due(Clock::time_point now) {
  if (config_.open_loop()) {
    while (!idle_.empty() && next_j_ < plan_.limit && now < phase_end_) {
      const auto intended = intended_time(next_j_);
      if (intended > now) break;
      next_j_ += config_.threads;
      if (plan_.measure) totals_.max_lag = std::max(totals_.max_lag, now - intended);
      Slot& slot = *idle_.back();
      idle_.pop_back();
      start(slot, intended, now);
    }
    return;
  }
  while (!idle_.empty() && may_start_closed(now)) {
    Slot& slot = *idle_.back();
    idle_.pop_back();
    start(slot, now, now);
  }
}

void Worker::start(Slot& slot, Clock::time_point intended, Clock::time_point now) {
  slot.intended = intended;
  slot.sent = now;
  slot.errbuf[0] = '\0';
  ++started_;
  ++in_flight_;
  curl_multi_add_handle(multi_.get(), slot.easy.get());
}

void Worker::wait_for_events(Clock::time_point now) {
  if (timer_ && *timer_ <= now) {
    timer_.reset();
    int running = 0;
    curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
    return;
  }
  auto until = now + kMaxSleep;
  if (timer_) until = std::min(until, *timer_);
  if (config_.open_loop() && !idle_.empty() && next_j_ < plan_.limit)
    until = std::min(until, intended_time(next_j_));
  if (plan_.measure) {
    until = std::min(until, plan_.start + std::chrono::seconds(second_ + 1));
  }
  epoll_event events[kMaxEvents];
  const int ready = epoll_wait_for(epoll_.get(), events, until - now);
  int running = 0;
  for (int i = 0; i < ready; ++i) {
    const int socket = events[i].data.fd;
    auto& watch = watch_of(socket);
    if (!watch.curl_watching) {
      // An idle pooled connection became readable (the server closed it):
      // libcurl notices when it next picks the connection.
      epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, socket, nullptr);
      watch.registered = 0;
      continue;
    }
    int mask = 0;
    if ((events[i].events & EPOLLIN) != 0) mask |= CURL_CSELECT_IN;
    if ((events[i].events & EPOLLOUT) != 0) mask |= CURL_CSELECT_OUT;
    if ((events[i].events & (EPOLLERR | EPOLLHUP)) != 0) mask |= CURL_CSELECT_ERR;
    curl_multi_socket_action(multi_.get(), socket, mask, &running);
  }
  if (ready <= 0 && timer_ && *timer_ <= Clock::now()) {
    timer_.reset();
    curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  }
}

void Worker::collect_completions() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    Slot* slot = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
    const CURLcode code = message->data.result;
    complete(*slot, code, Clock::now());
  }
}

void Worker::complete(Slot& slot, CURLcode code, Clock::time_point now) {
  curl_multi_remove_handle(multi_.get(), slot.easy.get());
  --in_flight_;
  idle_.push_back(&slot);
  if (!plan_.measure) return;
  roll_second(now);
  ++totals_.requests;
  ++second_requests_;
  collector_.requests.fetch_add(1, std::memory_order_relaxed);
  totals_.last_completion = now;
  long connects = 0;
  curl_easy_getinfo(slot.easy.get(), CURLINFO_NUM_CONNECTS, &connects);
  totals_.connections += static_cast<std::uint64_t>(connects);
  long status = 0;
  curl_easy_getinfo(slot.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (code == CURLE_OK && status > 0) {
    record_response(slot, now, connects > 0);
    if (status < static_cast<long>(totals_.statuses.size()))
      ++totals_.statuses[static_cast<std::size_t>(status)];
    if (status < 500) return;
    ++totals_.kinds[kind_index("http_5xx")];
  } else {
    record_failure(slot, code);
  }
  ++totals_.errors;
  ++second_errors_;
  collector_.errors.fetch_add(1, std::memory_order_relaxed);
}

void Worker::record_response(Slot& slot, Clock::time_point now, bool new_connection) {
  CURL* easy = slot.easy.get();
  ++totals_.responses;
  const nanoseconds latency = now - slot.intended;
  totals_.latency.record(latency);
  second_latency_.record(latency);
  if (config_.open_loop()) totals_.service.record(now - slot.sent);

  const auto lookup = curl_time(easy, CURLINFO_NAMELOOKUP_TIME_T);
  const auto connected = curl_time(easy, CURLINFO_CONNECT_TIME_T);
  const auto pretransfer = curl_time(easy, CURLINFO_PRETRANSFER_TIME_T);
  const auto first_byte = curl_time(easy, CURLINFO_STARTTRANSFER_TIME_T);
  const auto total = curl_time(easy, CURLINFO_TOTAL_TIME_T);
  if (new_connection) {
    totals_.connect.record(connected - lookup);
    if (config_.url.is_https()) {
      const auto handshake_done = curl_time(easy, CURLINFO_APPCONNECT_TIME_T);
      totals_.tls.record(handshake_done - connected);
    }
  }
  totals_.wait.record(first_byte - pretransfer);
  totals_.transfer.record(total - first_byte);

  curl_off_t body = 0;
  long headers = 0;
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &body);
  curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &headers);
  totals_.bytes += static_cast<std::uint64_t>(body) + static_cast<std::uint64_t>(headers);
  if (totals_.http_version == 0)
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &totals_.http_version);
}

void Worker::record_failure(Slot& slot, CURLcode code) {
  CURL* easy = slot.easy.get();
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  const bool ready = curl_time(easy, CURLINFO_PRETRANSFER_TIME_T).count() > 0;
  const auto kind = kind_index(error_kind(code, os_errno, ready));
  ++totals_.kinds[kind];
  if (totals_.samples[kind].empty())
    totals_.samples[kind] = slot.errbuf[0] != '\0' ? slot.errbuf : curl_easy_strerror(code);
}

void Worker::roll_second(Clock::time_point now) {
  if (!plan_.measure || now < plan_.start) return;
  const auto second = static_cast<unsigned>(
      std::chrono::duration_cast<std::chrono::seconds>(now - plan_.start).count());
  if (second == second_) return;
  flush_second();
  second_ = second;
}

void Worker::flush_second() {
  if (second_requests_ == 0) return;
  collector_.add_second(second_, second_latency_, second_requests_, second_errors_);
  second_latency_.clear();
  second_requests_ = 0;
  second_errors_ = 0;
}

void Worker::finish() {
  flush_second();
}

}  // namespace reqscope::bench
