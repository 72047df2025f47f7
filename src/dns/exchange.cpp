#include "reqscope/dns/exchange.hpp"

#include <algorithm>

#include "ares_channel.hpp"
#include "reqscope/util/cancel.hpp"

namespace reqscope::dns {

namespace {

using Clock = std::chrono::steady_clock;

struct Pending {
  Exchange* result;
  bool done = false;
};

void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  auto* pending = static_cast<Pending*>(arg);
  pending->done = true;
  auto& result = *pending->result;
  if (status == ARES_SUCCESS && abuf != nullptr && alen >= 0) {
    auto parsed = parse_message({abuf, static_cast<std::size_t>(alen)});
    if (parsed) {
      result.status = "answered";
      result.reply = std::move(*parsed);
    } else {
      result.status = "malformed";
      result.error = parsed.error().message;
    }
    return;
  }
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      result.status = "timeout";
      result.error = "no reply";
      break;
    case ARES_ECONNREFUSED:
      result.status = "refused";
      result.error = kConnectionRefused;
      break;
    default:
      result.status = "error";
      result.error = ares_strerror(status);
  }
}

}  // namespace

std::optional<std::chrono::milliseconds> query_wait(Clock::time_point deadline,
                                                    std::chrono::milliseconds cap) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return std::nullopt;
  return std::min(std::chrono::ceil<std::chrono::milliseconds>(left), cap);
}

Exchange exchange(const std::vector<std::uint8_t>& query, const ExchangeOptions& options) {
  Exchange result;
  result.server = options.server;
  result.transport = options.tcp ? "tcp" : "udp";
  // Declared before the channel: destroying a channel runs pending callbacks,
  // which must still find `pending` alive.
  Pending pending{&result};
  ChannelOptions channel_options;
  channel_options.flags = ARES_FLAG_IGNTC | (options.tcp ? ARES_FLAG_USEVC : 0);
  channel_options.timeout = options.timeout;
  channel_options.tries = 1;
  channel_options.servers = {options.server};
  auto channel = make_channel(channel_options);
  if (!channel) {
    result.status = "error";
    result.error = channel.error().message;
    return result;
  }
  const auto started = Clock::now();
  ares_send(channel->get(), query.data(), static_cast<int>(query.size()), on_reply, &pending);
  // A small margin over the c-ares timeout, so c-ares reports the timeout itself.
  constexpr std::chrono::milliseconds kMargin{100};
  run_until(
      channel->get(), [&] { return pending.done || util::cancelled(options.cancel); },
      started + options.timeout + kMargin);
  if (!pending.done) {
    ares_cancel(channel->get());
    result.status = "timeout";
    result.error = util::cancelled(options.cancel) ? "interrupted" : "no reply";
  }
  result.duration = Clock::now() - started;
  return result;
}

}  // namespace reqscope::dns
