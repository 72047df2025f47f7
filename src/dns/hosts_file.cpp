#include "reqscope/dns/hosts_file.hpp"

#include <algorithm>

#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

std::vector<std::string> blank_separated(std::string_view line) {
  std::vector<std::string> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    const auto start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) fields.emplace_back(line.substr(start, i - start));
  }
  return fields;
}

}  // namespace

std::vector<HostsEntry> parse_hosts_file(std::string_view text) {
  std::vector<HostsEntry> entries;
  for (auto line : util::split(text, '\n')) {
    line = line.substr(0, line.find('#'));
    auto fields = blank_separated(util::trim(line));
    if (fields.size() < 2 || !util::is_ip_literal(fields[0])) continue;
    HostsEntry entry{fields[0], {}};
    for (std::size_t i = 1; i < fields.size(); ++i)
      entry.names.push_back(util::to_lower(fields[i]));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<std::string> lookup_hosts(const std::vector<HostsEntry>& entries,
                                      std::string_view name) {
  std::vector<std::string> addresses;
  const auto wanted = util::to_lower(name);
  for (const auto& entry : entries) {
    if (std::find(entry.names.begin(), entry.names.end(), wanted) == entry.names.end()) continue;
    if (std::find(addresses.begin(), addresses.end(), entry.address) == addresses.end()) {
      addresses.push_back(entry.address);
    }
  }
  return addresses;
}

}  // namespace reqscope::dns
