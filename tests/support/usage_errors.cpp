#include "support/usage_errors.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "support/process.hpp"

namespace reqscope::test {

void check_usage_errors(const std::vector<UsageErrorCase>& cases) {
  for (const auto& [args, named] : cases) {
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    INFO(joined);
    const auto result = run_reqscope(args);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find(named) != std::string::npos);
    CHECK(result.err.find('\t') == std::string::npos);
  }
}

}  // namespace reqscope::test
