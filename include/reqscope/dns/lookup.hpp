#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/dns/exchange.hpp"
#include "reqscope/dns/message.hpp"

namespace reqscope::dns {

struct LookupOptions {
  std::vector<std::string> servers;  // "IP:PORT"; empty: the resolv.conf servers
  bool tcp = false;
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // for the whole lookup
  const std::atomic<bool>* cancel = nullptr;
};

// One question asked of the stub resolver's servers.
struct TypeLookup {
  std::string name;
  std::uint16_t type = 0;
  // Every query sent, in order: a server that timed out, failed or refused is
  // followed by the next one; a truncated UDP reply by TCP to the same server.
  std::vector<Exchange> attempts;
  // "answer", "nxdomain", "nodata", "timeout", "unreachable" (connection
  // refused or no route), "servfail", "refused" (the rcode), "error"
  std::string outcome;
  std::string explanation;                      // one sentence on why, for anything but "answer"
  std::vector<Record> cnames;                   // the CNAME chain from the name, step by step
  std::vector<Record> records;                  // the asked type's records where the chain ends
  std::optional<std::uint32_t> negative_ttl_s;  // how long resolvers cache a negative answer
  std::chrono::nanoseconds duration{0};

  // The reply the outcome is drawn from (the last attempt's), if any.
  const Message* reply() const;
};

struct Lookup {
  // True when some asked type got records: exit 0.
  bool found() const;

  std::string name;
  std::vector<std::string> servers;  // the servers configured, first asked first
  std::vector<TypeLookup> lookups;   // one per asked type, in the order asked
  std::chrono::nanoseconds duration{0};
  bool interrupted = false;  // stopped by LookupOptions::cancel: the results are partial
};

// Asks the configured servers (recursion desired) for each type in turn.
// Errors only when no resolver can be set up; DNS failures are outcomes.
Result<Lookup> lookup(const std::string& name, const std::vector<std::uint16_t>& types,
                      const LookupOptions& options);

// The error when the lookup was interrupted (kind "interrupted"), or when no
// asked type got an answer, not even a negative one: kind dns_timeout,
// dns_refused, dns_servfail or dns_error. None otherwise.
std::optional<Error> lookup_error(const Lookup& lookup);

}  // namespace reqscope::dns
