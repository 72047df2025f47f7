#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::run_reqscope;
using Json = nlohmann::json;

namespace {

// Validation happens before any request, so the port needs no server.
const std::string kUrl = "http://127.0.0.1:9/";

struct BadInput {
  std::vector<std::string> args;
  std::vector<std::string> named;  // the first is the value check_usage_errors looks for
};

const std::vector<BadInput>& bad_inputs() {
  static const std::vector<BadInput> inputs = {
      // The probe's options are refused without --probe: nothing is sent
      // because an option was misread.
      {{kUrl, "-c", "2"}, {"-c needs --probe"}},
      {{kUrl, "--concurrency", "2"}, {"-c needs --probe"}},
      {{kUrl, "--max-requests", "50"}, {"--max-requests needs --probe"}},
      {{kUrl, "--max-time", "1m"}, {"--max-time needs --probe"}},
      {{kUrl, "--probe", "-c", "0"}, {"'0'", "-c"}},
      {{kUrl, "--probe", "-c", "65"}, {"65", "-c"}},
      {{kUrl, "--probe", "-c", "many"}, {"many", "-c"}},
      {{kUrl, "--probe", "-c", "10", "--max-requests", "5"}, {"-c 10", "--max-requests 5"}},
      {{kUrl, "--probe", "--max-requests", "0"}, {"'0'", "--max-requests"}},
      {{kUrl, "--probe", "--max-requests", "10001"}, {"10001", "--max-requests"}},
      {{kUrl, "--probe", "--max-requests", "-5"}, {"-5", "--max-requests"}},
      {{kUrl, "--probe", "--max-requests", ""}, {"''", "--max-requests"}},
      {{kUrl, "--probe", "--max-time", "0"}, {"'0'", "--max-time"}},
      {{kUrl, "--probe", "--max-time", "soon"}, {"soon", "--max-time"}},
      {{kUrl, "--probe", "--max-time", "25h"}, {"25h", "--max-time"}},
      {{kUrl, "--probe", "--max-time", "-5s"}, {"-5s", "--max-time"}},
      {{kUrl, "--expect-limit", "0"}, {"'0'", "--expect-limit"}},
      {{kUrl, "--expect-limit", "1000000001"}, {"1000000001", "--expect-limit"}},
      {{kUrl, "--expect-limit", "ten"}, {"ten", "--expect-limit"}},
      {{kUrl, "--expect-limit", "1.5"}, {"1.5", "--expect-limit"}},
      {{kUrl, "--expect-limit", ""}, {"''", "--expect-limit"}},
      {{kUrl, "--tolerance", "5"}, {"--tolerance needs --expect-limit"}},
      {{kUrl, "--expect-limit", "100", "--tolerance", "lots"}, {"lots", "--tolerance"}},
      {{kUrl, "--expect-limit", "100", "--tolerance", "-1"}, {"-1", "--tolerance"}},
      {{kUrl, "--expect-limit", "100", "--tolerance", "5%%"}, {"5%%", "--tolerance"}},
      {{kUrl, "--expect-limit", "100", "--tolerance", "nan"}, {"nan", "--tolerance"}},
      {{kUrl, "--expect-limit", "100", "--tolerance", ""}, {"''", "--tolerance"}},
      // The request and connection options, as trace checks them.
      {{kUrl, "-H", "bad header"}, {"bad header"}},
      {{kUrl, "-d", "@/nonexistent/body"}, {"/nonexistent/body", "-d"}},
      {{kUrl, "-X", "GE T"}, {"GE T", "-X"}},
      {{kUrl, "-4", "-6"}, {"-4", "-6"}},
      {{kUrl, "--http1.1", "--http2"}, {"--http1.1", "--http2"}},
      {{kUrl, "--resolve", "host:80"}, {"host:80", "--resolve"}},
      {{kUrl, "--connect-to", "a:b:c:d"}, {"a:b:c:d"}},
      {{kUrl, "--cacert", "/nonexistent/ca.pem"}, {"/nonexistent/ca.pem", "--cacert"}},
      {{kUrl, "--timeout", "0"}, {"--timeout"}},
      {{kUrl, "--color", "sometimes"}, {"sometimes"}},
      {{"http://exa mple.com/"}, {"exa mple.com"}},
      {{"http://127.0.0.1:99999/"}, {"99999"}},
      {{"ftp://127.0.0.1/"}, {"ftp"}},
      {{}, {"url"}},
  };
  return inputs;
}

std::vector<std::string> ratelimit_args(const BadInput& input) {
  auto args = input.args;
  args.insert(args.begin(), "ratelimit");
  return args;
}

}  // namespace

TEST_CASE("ratelimit exits 2 on bad options and URLs with one line naming the value",
          "[ratelimit][usage]") {
  std::vector<reqscope::test::UsageErrorCase> cases;
  for (const auto& input : bad_inputs())
    cases.push_back({ratelimit_args(input), input.named.front()});
  reqscope::test::check_usage_errors(cases);
}

TEST_CASE("ratelimit --json reports bad input as one error document naming the value",
          "[ratelimit][usage][json]") {
  for (const auto& input : bad_inputs()) {
    auto args = ratelimit_args(input);
    args.emplace_back("--json");
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    INFO(joined);
    const auto result = run_reqscope(args);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.empty());
    auto doc = Json::parse(result.out, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["schema"] == "reqscope.ratelimit/1");
    CHECK(doc.size() == 2);
    const auto& error = doc["error"];
    CHECK_FALSE(error.value("kind", std::string()).empty());
    const auto message =
        error.value("message", std::string()) + " " + error.value("hint", std::string());
    for (const auto& named : input.named) {
      INFO(named);
      CHECK(message.find(named) != std::string::npos);
    }
  }
}

TEST_CASE("ratelimit accepts every option at its bounds, as far as the network",
          "[ratelimit][usage]") {
  // A free loopback port refuses the connection: a valid command line gets
  // as far as the network and exits 3, not 2.
  const auto url = "http://127.0.0.1:" + std::to_string(reqscope::test::free_port()) + "/";
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"ratelimit", url},
           {"ratelimit", url, "--probe", "-c", "64", "--max-requests", "64"},
           {"ratelimit", url, "--probe", "--max-requests", "10000", "--max-time", "24h"},
           {"ratelimit", url, "--probe", "--concurrency", "1", "--max-requests", "1"},
           {"ratelimit", url, "--expect-limit", "1000000000", "--tolerance", "10%"},
           {"ratelimit", url, "--expect-limit", "1", "--tolerance", "0.5"}}) {
    args.insert(args.end(), {"--timeout", "2"});
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    INFO(joined);
    const auto result = run_reqscope(args);
    INFO(result.err);
    CHECK(result.exit_code == 3);
  }
}
