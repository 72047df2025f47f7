#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reqscope::dns {

struct HostsEntry {
  std::string address;
  std::vector<std::string> names;  // lower case
};

// Parses /etc/hosts text as glibc does: '#' starts a comment, fields are
// separated by blanks, the first is an address and the rest are names. Lines
// whose address is not an IP literal are skipped, as the system resolver does.
std::vector<HostsEntry> parse_hosts_file(std::string_view text);

// Addresses listed for `name` (case-insensitive), in file order, without duplicates.
std::vector<std::string> lookup_hosts(const std::vector<HostsEntry>& entries,
                                      std::string_view name);

}  // namespace reqscope::dns
