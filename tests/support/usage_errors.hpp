#pragma once

#include <string>
#include <utility>
#include <vector>

namespace reqscope::test {

// Command-line arguments, and the text the error must quote.
using UsageErrorCase = std::pair<std::vector<std::string>, std::string>;

// Runs reqscope with each case's arguments and checks the contract for bad
// input: exit 2, nothing on stdout, one line on stderr naming the value,
// control bytes escaped.
void check_usage_errors(const std::vector<UsageErrorCase>& cases);

}  // namespace reqscope::test
