#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/dns/message.hpp"

namespace reqscope::dns {

// What an answer section says about one question, following CNAMEs in it.
struct AnswerChain {
  std::vector<Record> cnames;   // the CNAME records followed from the question name, in order
  std::vector<Record> records;  // records of the asked type where the chain ends
  std::string final_name;       // the name the chain ends at
  bool loop = false;            // a CNAME led back to a name already in the chain
};

// Follows the question name through the answer records, trusting only records
// at or below `zone` (the zone the answering server speaks for; "." trusts all).
AnswerChain follow_answer(const std::vector<Record>& answers, std::string_view name,
                          std::uint16_t type, std::string_view zone = ".");

// The first NS record of a referral (NOERROR, no answer, not authoritative,
// NS in authority): how a server that does not recurse answers a stub. Null
// for any other reply.
const Record* referral_of(const Message& reply);

// The negative-caching TTL of an NXDOMAIN or NODATA reply (RFC 2308 §5): the
// smaller of the authority SOA's TTL and its MINIMUM field; none without a SOA.
std::optional<std::uint32_t> negative_ttl(const Message& reply);

}  // namespace reqscope::dns
