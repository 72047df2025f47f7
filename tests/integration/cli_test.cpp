#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

using reqscope::test::run_reqscope;
using Json = nlohmann::json;

TEST_CASE("option --version and --help exit 0", "[cli]") {
  const auto version = run_reqscope({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("reqscope ", 0) == 0);
  CHECK(run_reqscope({"--help"}).exit_code == 0);
  CHECK(run_reqscope({"trace", "--help"}).exit_code == 0);
}

TEST_CASE("no command prints help and exits 2", "[cli]") {
  const auto result = run_reqscope({});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err.find("Usage") != std::string::npos);
  const auto json = run_reqscope({"--json"});
  CHECK(json.exit_code == 2);
  CHECK(Json::parse(json.out)["error"]["kind"] == "usage");
}

TEST_CASE("usage errors exit 2 with one line naming the bad value", "[cli][errors]") {
  const std::vector<std::vector<std::string>> cases = {
      {"trace"},
      {"trace", "ftp://example.com/"},
      {"trace", "http://exa mple.com/"},
      {"trace", "http://[::1/"},
      {"trace", "http://host:99999/"},
      {"trace", "http://user:pw@host/"},
      {"trace", "http://localhost/", "-H", "NoColon"},
      {"trace", "http://localhost/", "-H", "Bad Name: x"},
      {"trace", "http://localhost/", "--timeout", "-1"},
      {"trace", "http://localhost/", "--timeout", "5parsecs"},
      {"trace", "http://localhost/", "--timeout", "0"},
      {"trace", "http://localhost/", "--timeout", "1e999"},
      {"trace", "http://localhost/", "--max-redirs", "lots"},
      {"trace", "http://localhost/", "--expect-status", "2000"},
      {"trace", "http://localhost/", "--max-total-ms", "nan"},
      {"trace", "http://localhost/", "--max-ttfb-ms", "-3"},
      {"trace", "http://localhost/", "--repeat", "0"},
      {"trace", "http://localhost/", "--interval", "forever"},
      {"trace", "http://localhost/", "--resolve", "host:80"},
      {"trace", "http://localhost/", "--resolve", "host:80:not-an-ip"},
      {"trace", "http://localhost/", "--connect-to", "a:b:c:d"},
      {"trace", "http://localhost/", "--cacert", "/nonexistent/ca.pem"},
      {"trace", "http://localhost/", "-d", "@/nonexistent/body"},
      {"trace", "http://localhost/", "-X", "GE T"},
      {"trace", "http://localhost/", "-4", "-6"},
      {"trace", "http://localhost/", "--color", "sometimes"},
      {"trace", "http://localhost/", "--no-such-option"},
      {"trace", "http://localhost/", "--interval", "1s"},
      {"trace", "http://localhost/", "--reuse"},
      {"trace", "http://localhost/", "-d", "@/tmp"},
      {"trace", "http://localhost/", "-X", ""},
      {"trace", "http://localhost/", "--timeout", "100us"},
      {"ratelimit", "http://localhost/", "--max-requests", "10"},
      {"ratelimit", "http://localhost/", "--probe", "-c", "0"},
      {"lab", "--bind", "not-an-ip"},
      {"nonsense-command"},
  };
  for (const auto& args : cases) {
    std::string joined;
    for (const auto& a : args)
      joined += a + " ";
    INFO(joined);
    const auto result = run_reqscope(args);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_FALSE(result.err.empty());
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}

TEST_CASE("hostile values are quoted safely in errors", "[cli][errors]") {
  const auto result = run_reqscope({"trace", std::string("http://host\x1b[31m/")});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find('\x1b') == std::string::npos);
  CHECK(result.err.find("\\x1b") != std::string::npos);

  const auto huge = run_reqscope({"trace", "http://" + std::string(100000, 'a') + "/"});
  CHECK(huge.exit_code == 2);
  CHECK(huge.err.size() < 400);
}

TEST_CASE("under --json, errors are one JSON document on stdout", "[cli][json][errors]") {
  const auto bad_url = run_reqscope({"trace", "notascheme://x", "--json"});
  CHECK(bad_url.exit_code == 2);
  const auto doc = Json::parse(bad_url.out);
  CHECK(doc["schema"] == "reqscope.trace/1");
  CHECK(doc["error"]["kind"] == "bad_url");
  CHECK_FALSE(doc["error"]["message"].get<std::string>().empty());

  const auto bad_option = run_reqscope({"trace", "http://localhost/", "--bogus", "--json"});
  CHECK(bad_option.exit_code == 2);
  CHECK(Json::parse(bad_option.out)["error"]["kind"] == "usage");
}

TEST_CASE("an unknown option names the command it was given to", "[cli][errors]") {
  for (const char* command : {"trace", "lab", "demo", "dns", "tls", "cors", "bench", "ratelimit"}) {
    INFO(command);
    const auto result = run_reqscope({command, "--bogus"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.rfind(std::string("reqscope ") + command + ": ", 0) == 0);
    CHECK(result.err.find(std::string("reqscope ") + command + " --help") != std::string::npos);
    const auto json = run_reqscope({command, "--bogus", "--json"});
    CHECK(Json::parse(json.out)["schema"] == std::string("reqscope.") + command + "/1");
  }
}

TEST_CASE("every --help fits 80 columns", "[cli][docs]") {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"trace", "--help"},
                                             {"lab", "--help"},
                                             {"demo", "--help"},
                                             {"dns", "--help"},
                                             {"tls", "--help"},
                                             {"jwt", "--help"},
                                             {"jwt", "decode", "--help"},
                                             {"jwt", "verify", "--help"},
                                             {"jwt", "sign", "--help"},
                                             {"cors", "--help"},
                                             {"bench", "--help"},
                                             {"ratelimit", "--help"}}) {
    const auto help = run_reqscope(args);
    REQUIRE(help.exit_code == 0);
    std::size_t start = 0;
    for (auto end = help.out.find('\n'); end != std::string::npos;
         start = end + 1, end = help.out.find('\n', start)) {
      INFO(args.front() << ": " << help.out.substr(start, end - start));
      CHECK(end - start <= 80);
    }
  }
}
