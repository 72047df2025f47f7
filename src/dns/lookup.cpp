#include "reqscope/dns/lookup.hpp"

#include <algorithm>

#include "ares_channel.hpp"
#include "reqscope/dns/answer.hpp"
#include "reqscope/util/cancel.hpp"
#include "reqscope/util/duration.hpp"

namespace reqscope::dns {

namespace {

using Clock = std::chrono::steady_clock;

// The per-server wait: long enough for a distant resolver, short enough that
// a dead first server leaves time for the next one.
constexpr std::chrono::milliseconds kServerTimeout{2000};

// Whether the stub should give up on this server and ask the next one.
bool try_next_server(const Exchange& attempt) {
  if (attempt.status != "answered") return true;
  const auto rcode = attempt.reply->header.rcode;
  return (rcode != rcode::noerror && rcode != rcode::nxdomain) ||
         referral_of(*attempt.reply) != nullptr;
}

void classify_failure(TypeLookup& result) {
  const auto& last = result.attempts.back();
  std::string why;
  const auto* referral = last.reply ? referral_of(*last.reply) : nullptr;
  if (referral != nullptr) {
    result.outcome = "error";
    why = last.server + " answered with a referral to " + referral->name +
          ": it does not recurse; ask a recursive resolver, or walk with --trace";
  } else if (last.status == "answered") {
    const auto rcode = last.reply->header.rcode;
    result.outcome = rcode == rcode::refused    ? "refused"
                     : rcode == rcode::servfail ? "servfail"
                                                : "error";
    why = last.server + " answered " + rcode_name(rcode) +
          (rcode == rcode::servfail  ? ": it could not get an answer from the authoritative servers"
           : rcode == rcode::refused ? ": it does not serve this client or this name"
                                     : "");
  } else {
    result.outcome = last.status == "timeout"   ? "timeout"
                     : last.status == "refused" ? "unreachable"
                                                : "error";
    why = last.status == "timeout"
              ? "no reply from " + last.server + " in " + util::whole_ms(last.duration)
          : last.status == "refused"
              ? "nothing answers DNS at " + last.server + " (connection refused or no route)"
              : last.server + ": " + last.error;
  }
  const bool several_servers =
      std::any_of(result.attempts.begin(), result.attempts.end(),
                  [&](const Exchange& attempt) { return attempt.server != last.server; });
  result.explanation = several_servers ? "every server failed; the last: " + why : why;
}

void classify_answer(TypeLookup& result) {
  const auto& reply = *result.attempts.back().reply;
  const auto chain = follow_answer(reply.answers, result.name, result.type);
  result.cnames = chain.cnames;
  result.records = chain.records;
  const auto asked = type_name(result.type);
  if (reply.header.rcode == rcode::nxdomain) {
    result.negative_ttl_s = negative_ttl(reply);
    result.outcome = "nxdomain";
    result.explanation = chain.final_name + " does not exist";
    return;
  }
  if (!result.records.empty()) {
    result.outcome = "answer";
    return;
  }
  result.negative_ttl_s = negative_ttl(reply);
  result.outcome = "nodata";
  if (chain.loop) {
    result.explanation = "the CNAME chain loops back to " + chain.final_name;
  } else if (!chain.cnames.empty()) {
    result.explanation = "the CNAME chain ends at " + chain.final_name + ", for which the server " +
                         "gave no " + asked + " record (it may not serve that zone)";
  } else {
    result.explanation = chain.final_name + " exists but has no " + asked + " record";
  }
}

TypeLookup lookup_type(const std::string& name, std::uint16_t type,
                       const std::vector<std::string>& servers, const LookupOptions& options,
                       Clock::time_point deadline) {
  TypeLookup result;
  result.name = name;
  result.type = type;
  const auto started = Clock::now();
  const auto query = build_query(name, type, QueryFlags{});
  for (const auto& server : servers) {
    for (bool tcp = options.tcp;;) {
      const auto wait = query_wait(deadline, kServerTimeout);
      if (!wait) break;
      result.attempts.push_back(exchange(query, {server, tcp, *wait, options.cancel}));
      const auto& attempt = result.attempts.back();
      if (tcp || attempt.status != "answered" || !attempt.reply->header.tc) break;
      tcp = true;
    }
    if (result.attempts.empty() || !try_next_server(result.attempts.back())) break;
    if (util::cancelled(options.cancel)) break;
  }
  result.duration = Clock::now() - started;
  if (result.attempts.empty()) {
    result.outcome = "timeout";
    result.explanation = "the time limit ran out before a query could be sent";
  } else if (try_next_server(result.attempts.back())) {
    classify_failure(result);
  } else {
    classify_answer(result);
  }
  return result;
}

}  // namespace

bool Lookup::found() const {
  return !interrupted && std::any_of(lookups.begin(), lookups.end(), [](const TypeLookup& query) {
    return query.outcome == "answer";
  });
}

std::optional<Error> lookup_error(const Lookup& lookup) {
  if (lookup.interrupted) {
    return Error{"interrupted", "DNS lookup of " + lookup.name + " interrupted", ""};
  }
  const TypeLookup* failed = nullptr;
  for (const auto& query : lookup.lookups) {
    if (query.outcome == "answer" || query.outcome == "nxdomain" || query.outcome == "nodata") {
      return std::nullopt;
    }
    if (failed == nullptr) failed = &query;
  }
  if (failed == nullptr) return std::nullopt;
  const auto& outcome = failed->outcome;
  const std::string kind = outcome == "servfail"                              ? "dns_servfail"
                           : outcome == "refused" || outcome == "unreachable" ? "dns_refused"
                           : outcome == "timeout"                             ? "dns_timeout"
                                                                              : "dns_error";
  const std::string hint =
      outcome == "timeout" ? "check that the server is reachable and serves DNS, or raise --timeout"
      : outcome == "unreachable"
          ? "check the server's address and port, and the route to it (is the network up?)"
      : outcome == "refused"
          ? "that server does not answer this name for this client; ask another with --server"
          : "ask another server with --server, or walk from the root with --trace";
  return Error{kind,
               "DNS: " + failed->name + " " + type_name(failed->type) + ": " + failed->explanation,
               hint};
}

const Message* TypeLookup::reply() const {
  if (attempts.empty() || !attempts.back().reply) return nullptr;
  return &*attempts.back().reply;
}

Result<Lookup> lookup(const std::string& name, const std::vector<std::uint16_t>& types,
                      const LookupOptions& options) {
  const auto started = Clock::now();
  Lookup result;
  result.name = name;
  result.servers = options.servers;
  if (result.servers.empty()) {
    auto channel = make_channel({});
    if (!channel) return tl::unexpected(channel.error());
    // Without a nameserver line c-ares, like glibc, asks 127.0.0.1:53.
    result.servers = channel_servers(channel->get());
  }
  const auto deadline = started + options.timeout;
  for (const auto type : types) {
    result.lookups.push_back(lookup_type(name, type, result.servers, options, deadline));
    if (util::cancelled(options.cancel)) break;
  }
  result.duration = Clock::now() - started;
  result.interrupted = util::cancelled(options.cancel);
  return result;
}

}  // namespace reqscope::dns
