#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/dns/message.hpp"
#include "reqscope/error.hpp"

namespace reqscope::dns {

// A name server as a referral names it, with the address used to reach it.
struct ServerRef {
  std::string name;  // "a.root-servers.net"; the address itself for a --root given by IP
  std::string ip;    // empty until resolved, for a glueless delegation
};

// The 13 root servers' IPv4 addresses (IANA root hints).
std::vector<ServerRef> root_hints();

// Parses the values of a root option (`option`, e.g. "--root"), each "IP" or
// "IP:PORT"; every value must use the same port. Errors are kind "bad_option".
Result<std::pair<std::vector<ServerRef>, int>> parse_roots(const std::vector<std::string>& values,
                                                           std::string_view option);

struct WalkOptions {
  std::vector<ServerRef> roots = root_hints();
  int port = 53;  // used for every server of the walk, so a test hierarchy fits one port
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);  // for all walks of a Walker
  std::chrono::milliseconds server_timeout{1500};               // per query
  bool tcp = false;  // every query over TCP (otherwise only after a truncated UDP reply)
  const std::atomic<bool>* cancel = nullptr;
  // Progress: called with each step as its query is sent (kind still empty)
  // and again once it is classified.
  std::function<void(const struct WalkStep&)> on_step;
};

inline constexpr int kMaxWalkSteps = 64;
inline constexpr int kMaxWalkDepth = 8;

// One query of the walk.
struct WalkStep {
  int depth = 0;          // 0 for the asked name; +1 inside a glueless or CNAME sub-walk
  std::string server;     // the server's name
  std::string server_ip;  // "IP" (the walk's port is WalkOptions::port)
  std::string zone;       // the zone this server was asked as an authority for
  std::string name;       // the question
  std::uint16_t type = 0;
  std::string transport;  // "udp" or "tcp"
  // "referral", "answer", "nxdomain", "nodata", "truncated" (retried over TCP),
  // "timeout", "interrupted" (Ctrl-C), "error" (a lame server: failed,
  // refused, or answered off-zone)
  std::string kind;
  std::string reply_status;         // Exchange::status: "answered", "timeout", "refused", ...
  std::optional<Header> flags;      // the reply's header, when there was a reply
  std::string rcode;                // "NOERROR", ...; empty without a reply
  std::string referral_zone;        // for a referral: the child zone
  std::vector<ServerRef> referral;  // its servers, with glue addresses where given
  std::vector<Record> answers;      // for an answer: the in-zone answer records
  std::string note;                 // why this step matters ("glue", "CNAME to ...", the error)
  bool from_cache = false;          // asked a server learned in an earlier walk
  std::chrono::nanoseconds duration{0};
};

// Classifies a reply to the non-recursive query step.name/step.type sent to a
// server for step.zone, setting kind, rcode, flags, and the answers or the
// referral: "answer" (in-zone records, or a CNAME to follow), "referral" (NS of
// a zone below step.zone and above the name, with in-bailiwick glue),
// "nxdomain", "nodata", or "error" for a lame reply (an error rcode, a referral
// that does not lead down, or neither answer nor referral without authority).
void classify_reply(WalkStep& step, const Message& reply);

struct WalkResult {
  // True when the walk ended with records of the asked type: exit 0.
  bool found() const;

  std::string name;
  std::uint16_t type = 0;
  std::string rcode;            // of the final answer; empty when the walk failed
  std::vector<Record> answers;  // the CNAME chain, then the records of the asked type
  std::vector<WalkStep> steps;
  // dns_timeout, dns_refused, dns_servfail, dns_malformed, dns_loop, dns_limit, interrupted
  std::optional<Error> error;
  std::chrono::nanoseconds duration{0};
};

// Resolves names iteratively from the root, as a recursive resolver does, with
// non-recursive queries (RD=0). Delegations learned are cached for the walker's
// lifetime, so a second walk (AAAA after A) starts at the closest known zone.
class Walker {
 public:
  explicit Walker(WalkOptions options);
  WalkResult walk(const std::string& name, std::uint16_t type);

 private:
  struct State;
  struct Outcome;
  Outcome resolve(State& state, const std::string& name, std::uint16_t type, int depth);
  std::optional<std::string> address_of(State& state, ServerRef& server, const std::string& zone,
                                        int depth);
  bool cancelled() const;
  WalkStep ask(const ServerRef& server, const std::string& zone, const std::string& name,
               std::uint16_t type, int depth, bool tcp);

  WalkOptions options_;
  // Every walk of this Walker shares one budget: A then AAAA stay within --timeout.
  std::chrono::steady_clock::time_point deadline_;
  std::map<std::string, std::vector<ServerRef>> delegations_;  // lower-case zone → servers
};

}  // namespace reqscope::dns
