#pragma once

#include <ares.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reqscope/error.hpp"

namespace reqscope::dns {

struct ChannelDeleter {
  void operator()(ares_channeldata* channel) const { ares_destroy(channel); }
};
using Channel = std::unique_ptr<ares_channeldata, ChannelDeleter>;

struct ChannelOptions {
  int flags = 0;
  std::chrono::milliseconds timeout{2000};  // per try
  int tries = 2;
  // "IP:PORT" servers (IPv6 in brackets); empty keeps resolv.conf's.
  std::vector<std::string> servers;
};

// A c-ares channel. SERVFAIL and REFUSED answers are always handed back
// (ARES_FLAG_NOCHECKRESP) so a diagnosis can name what the server said.
Result<Channel> make_channel(const ChannelOptions& options);

// The channel's servers as "IP:PORT", first asked first.
std::vector<std::string> channel_servers(ares_channel channel);

// Drives c-ares until `done()` or the deadline; at the deadline the pending
// queries are cancelled (their callbacks see ARES_ECANCELLED).
void run_until(ares_channel channel, const std::function<bool()>& done,
               std::chrono::steady_clock::time_point deadline);

}  // namespace reqscope::dns
