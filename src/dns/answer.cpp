#include "reqscope/dns/answer.hpp"

#include <algorithm>

#include "reqscope/dns/name.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

AnswerChain follow_answer(const std::vector<Record>& answers, std::string_view name,
                          std::uint16_t type, std::string_view zone) {
  AnswerChain chain;
  chain.final_name = std::string(name);
  std::vector<std::string> seen = {chain.final_name};
  const auto at = [&](const Record& r, std::uint16_t wanted) {
    return r.type == wanted && util::iequals(r.name, chain.final_name) && is_within(r.name, zone);
  };
  while (true) {
    for (const auto& record : answers) {
      if (at(record, type)) chain.records.push_back(record);
    }
    if (!chain.records.empty()) return chain;
    const auto cname = std::find_if(answers.begin(), answers.end(),
                                    [&](const Record& r) { return at(r, type::cname); });
    if (cname == answers.end()) return chain;
    chain.cnames.push_back(*cname);
    chain.final_name = cname->data;
    const auto again = std::find_if(seen.begin(), seen.end(), [&](const std::string& s) {
      return util::iequals(s, chain.final_name);
    });
    if (again != seen.end()) {
      chain.loop = true;
      return chain;
    }
    seen.push_back(chain.final_name);
  }
}

const Record* referral_of(const Message& reply) {
  if (reply.header.rcode != rcode::noerror || reply.header.aa || !reply.answers.empty()) {
    return nullptr;
  }
  const auto ns = std::find_if(reply.authorities.begin(), reply.authorities.end(),
                               [](const Record& r) { return r.type == type::ns; });
  return ns == reply.authorities.end() ? nullptr : &*ns;
}

std::optional<std::uint32_t> negative_ttl(const Message& reply) {
  for (const auto& record : reply.authorities) {
    if (record.type != type::soa) continue;
    const auto fields = util::split(record.data, ' ');
    if (fields.empty()) return record.ttl;
    auto minimum = util::parse_integer(fields.back(), 0, 0xFFFFFFFF, "SOA minimum");
    if (!minimum) return record.ttl;
    return std::min<std::uint32_t>(record.ttl, static_cast<std::uint32_t>(*minimum));
  }
  return std::nullopt;
}

}  // namespace reqscope::dns
