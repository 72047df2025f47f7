#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"

namespace reqscope::dns {

// Checks a domain name typed by a user: labels of 1 to 63 characters (letters,
// digits, '-', '_', and '*' alone as a wildcard label), at most 253 characters,
// an optional trailing dot; "." is the root. Returns the name without the
// trailing dot. Errors are kind "bad_option" and name the value and the rule.
Result<std::string> validate_name(std::string_view text);

// The PTR name for an IPv4 or IPv6 address ("4.3.2.1.in-addr.arpa", nibbles
// under "ip6.arpa"); errors are kind "bad_option".
Result<std::string> reverse_name(std::string_view address);

// The labels of a name in presentation form, escapes (\. and \DDD) undone;
// none for the root.
std::vector<std::string> labels_of(std::string_view name);

// True when `name` is `zone` or below it (case-insensitive; "." contains everything).
bool is_within(std::string_view name, std::string_view zone);

// How many labels a name has; the root has none.
int label_count(std::string_view name);

}  // namespace reqscope::dns
