#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/lab.hpp"
#include "support/process.hpp"

using reqscope::test::Lab;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

// The base64 of "127.0.0.1", the client address in an IETF partition key.
constexpr const char* kLoopbackKey = ":MTI3LjAuMC4x:";

// One keep-alive connection to the lab, as a client in a loop would make.
class Client {
 public:
  explicit Client(const Lab& lab) : client_("127.0.0.1", lab.port()) {
    client_.set_keep_alive(true);
  }

  httplib::Response get(const std::string& path) {
    auto result = client_.Get(path.c_str());
    REQUIRE(result);
    return *result;
  }

  int status(const std::string& path) { return get(path).status; }

 private:
  httplib::Client client_;
};

long header_number(const httplib::Response& response, const std::string& name) {
  const auto value = response.get_header_value(name.c_str());
  INFO(name << ": " << value);
  REQUIRE(std::regex_match(value, std::regex("[0-9]{1,12}")));
  return std::stol(value);
}

// The r= and t= of an IETF RateLimit field for the policy `name` and the
// loopback client.
std::pair<long, long> ietf_remaining_and_reset(const httplib::Response& response,
                                               const std::string& name) {
  const auto value = response.get_header_value("RateLimit");
  INFO("RateLimit: " << value);
  std::smatch match;
  REQUIRE(std::regex_match(
      value, match, std::regex("\"" + name + "\";r=([0-9]+);t=([0-9]+);pk=" + kLoopbackKey)));
  return {std::stol(match[1]), std::stol(match[2])};
}

long unix_seconds(system_clock::time_point time) {
  return static_cast<long>(std::chrono::duration_cast<seconds>(time.time_since_epoch()).count());
}

// Sleeps until `offset` after the next whole second of the wall clock, where
// windows of one second start.
void sleep_into_next_second(milliseconds offset) {
  const auto now = system_clock::now();
  std::this_thread::sleep_until(std::chrono::floor<seconds>(now) + seconds(1) + offset);
}

// Whether the response has a rate-limit header, in any spelling, or Retry-After.
bool has_rate_limit_header(const httplib::Response& response) {
  const std::regex name("(x-)?rate-?limit.*|retry-after", std::regex::icase);
  return std::any_of(response.headers.begin(), response.headers.end(),
                     [&](const auto& header) { return std::regex_match(header.first, name); });
}

}  // namespace

TEST_CASE("lab /ratelimit/fixed accepts exactly limit requests in each wall-clock window",
          "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  const std::string path = "/ratelimit/fixed?limit=3&window=1";
  std::vector<httplib::Response> burst;
  // A burst that a stalled machine spread over two windows is sent again in
  // the next one, where the count starts afresh.
  for (int attempt = 0; attempt < 3; ++attempt) {
    sleep_into_next_second(milliseconds(50));
    const auto started = system_clock::now();
    burst.clear();
    for (int i = 0; i < 5; ++i)
      burst.push_back(client.get(path));
    if (unix_seconds(system_clock::now()) == unix_seconds(started)) break;
  }
  REQUIRE(burst.size() == 5);
  for (int i = 0; i < 3; ++i) {
    CHECK(burst[i].status == 200);
    CHECK(burst[i].body == "ok: " + std::to_string(2 - i) + " of 3 left\n");
    CHECK(ietf_remaining_and_reset(burst[i], "fixed") == std::pair<long, long>(2 - i, 1));
  }
  for (int i = 3; i < 5; ++i) {
    CHECK(burst[i].status == 429);
    CHECK(burst[i].body == "rate limited: retry after 1 s\n");
    CHECK(header_number(burst[i], "Retry-After") == 1);
    CHECK(ietf_remaining_and_reset(burst[i], "fixed") == std::pair<long, long>(0, 1));
  }

  sleep_into_next_second(milliseconds(50));
  const auto next_window = client.get(path);
  CHECK(next_window.status == 200);
  CHECK(next_window.body == "ok: 2 of 3 left\n");

  // Windows start at multiples of their length since the Unix epoch.
  const auto before = unix_seconds(system_clock::now());
  const auto minute = client.get("/ratelimit/fixed?limit=3&window=60&headers=x");
  const auto reset_at = header_number(minute, "X-RateLimit-Reset");
  CHECK(reset_at % 60 == 0);
  CHECK(reset_at > before);
  CHECK(reset_at <= before + 61);
}

TEST_CASE("lab /ratelimit/sliding refuses until the oldest accepted request ages out",
          "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  const std::string path = "/ratelimit/sliding?limit=2&window=2";
  const auto first = client.get(path);
  const auto first_done = steady_clock::now();
  CHECK(first.status == 200);
  CHECK(ietf_remaining_and_reset(first, "sliding") == std::pair<long, long>(1, 2));

  std::this_thread::sleep_for(seconds(1));
  CHECK(client.status(path) == 200);
  const auto refused = client.get(path);
  CHECK(refused.status == 429);
  // The first request ages out about a second from now.
  CHECK(header_number(refused, "Retry-After") >= 1);
  CHECK(header_number(refused, "Retry-After") <= 2);
  CHECK(client.status(path) == 429);

  // The first request has aged out, the second has not: one more is
  // accepted, which it would not be had the refused ones been counted.
  std::this_thread::sleep_until(first_done + milliseconds(2050));
  const auto accepted = client.get(path);
  CHECK(accepted.status == 200);
  CHECK(accepted.body == "ok: 0 of 2 left\n");
  const auto again = client.get(path);
  CHECK(again.status == 429);
  // The second request ages out about a second from now.
  CHECK(header_number(again, "Retry-After") >= 1);
  CHECK(header_number(again, "Retry-After") <= 2);
  const auto [remaining, reset] = ietf_remaining_and_reset(again, "sliding");
  CHECK(remaining == 0);
  CHECK(reset >= 1);
  CHECK(reset <= 2);
}

TEST_CASE("lab /ratelimit/token allows a burst, then refills at its rate", "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  // One token every 2 s: nothing refills noticeably during the burst.
  const std::string slow = "/ratelimit/token?rate=0.5&burst=3";
  for (long left = 2; left >= 0; --left) {
    const auto response = client.get(slow);
    CHECK(response.status == 200);
    CHECK(response.get_header_value("RateLimit-Policy") ==
          std::string("\"token\";q=3;w=6;pk=") + kLoopbackKey);
    const auto [remaining, reset] = ietf_remaining_and_reset(response, "token");
    CHECK(remaining == left);
    // Until the bucket is full again: 2 s for each token taken.
    CHECK(reset == 2 * (3 - left));
  }
  const auto empty = client.get(slow);
  CHECK(empty.status == 429);
  CHECK(header_number(empty, "Retry-After") == 2);
  CHECK(empty.body == "rate limited: retry after 2 s\n");

  // Ten tokens a second: a client asking every 20 ms gets the burst of 20,
  // then about ten a second, whatever it was refused in between. The bucket
  // is large enough that a stalled client loses no token to its cap.
  const std::string fast = "/ratelimit/token?rate=10&burst=20";
  const auto started = steady_clock::now();
  int accepted = 0;
  int refused = 0;
  while (steady_clock::now() - started < milliseconds(1000)) {
    (client.status(fast) == 200 ? accepted : refused) += 1;
    std::this_thread::sleep_for(milliseconds(20));
  }
  const double elapsed_s = std::chrono::duration<double>(steady_clock::now() - started).count();
  INFO("accepted " << accepted << ", refused " << refused << " in " << elapsed_s << " s");
  const int available_at_least = 20 + static_cast<int>(10 * (elapsed_s - 0.2));
  const int available_at_most = 20 + static_cast<int>(10 * elapsed_s) + 1;
  CHECK(accepted >= std::min(accepted + refused, available_at_least));
  CHECK(accepted <= available_at_most);
  if (accepted + refused > available_at_most) CHECK(refused > 0);

  // A decimal rate: 2.5 a second fills a bucket of 5 in 2 s.
  const auto decimal = client.get("/ratelimit/token?rate=2.5&burst=5&headers=draft");
  CHECK(decimal.get_header_value("RateLimit-Policy") == "5;w=2");
  CHECK(header_number(decimal, "RateLimit-Remaining") == 4);
  CHECK(header_number(decimal, "RateLimit-Reset") == 1);
}

TEST_CASE("lab /ratelimit sends each dialect's headers, and Retry-After on a 429",
          "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  const std::vector<std::string> dialects = {"ietf", "draft", "x", "none"};
  for (std::size_t i = 0; i < dialects.size(); ++i) {
    const auto& dialect = dialects[i];
    // The dialect is no part of the counter's key: each gets its own window.
    const long window = 86400 - static_cast<long>(i);
    const std::vector<std::pair<std::string, std::string>> endpoints = {
        {"fixed", "/ratelimit/fixed?limit=1&window=" + std::to_string(window)},
        {"sliding", "/ratelimit/sliding?limit=1&window=" + std::to_string(window)},
        {"token", "/ratelimit/token?rate=0.25&burst=" + std::to_string(i + 1)}};
    for (const auto& [name, path] : endpoints) {
      const long quota = name == "token" ? static_cast<long>(i + 1) : 1;
      const long policy_window = name == "token" ? 4 * quota : window;
      for (long n = 1; n < quota; ++n)
        client.status(path + "&headers=" + dialect);
      const auto before = unix_seconds(system_clock::now());
      const auto accepted = client.get(path + "&headers=" + dialect);
      const auto refused = client.get(path + "&headers=" + dialect);
      INFO(dialect << " " << path);
      CHECK(accepted.status == 200);
      CHECK(refused.status == 429);
      for (const auto* response : {&accepted, &refused}) {
        if (dialect == "ietf") {
          CHECK(response->get_header_value("RateLimit-Policy") ==
                "\"" + name + "\";q=" + std::to_string(quota) +
                    ";w=" + std::to_string(policy_window) + ";pk=" + kLoopbackKey);
          const auto [remaining, reset] = ietf_remaining_and_reset(*response, name);
          CHECK(remaining == 0);
          CHECK(reset >= (name == "fixed" ? 1 : policy_window - 1));
          CHECK(reset <= policy_window);
        } else if (dialect == "draft") {
          CHECK(header_number(*response, "RateLimit-Limit") == quota);
          CHECK(header_number(*response, "RateLimit-Remaining") == 0);
          CHECK(header_number(*response, "RateLimit-Reset") <= policy_window);
          CHECK(response->get_header_value("RateLimit-Policy") ==
                std::to_string(quota) + ";w=" + std::to_string(policy_window));
        } else if (dialect == "x") {
          CHECK(header_number(*response, "X-RateLimit-Limit") == quota);
          CHECK(header_number(*response, "X-RateLimit-Remaining") == 0);
          CHECK(header_number(*response, "X-RateLimit-Used") == quota);
          const auto reset_at = header_number(*response, "X-RateLimit-Reset");
          CHECK(reset_at > before);
          CHECK(reset_at <= before + policy_window + 1);
          CHECK(response->get_header_value("X-RateLimit-Resource") == name);
        }
        CHECK(has_rate_limit_header(*response) == (dialect != "none"));
      }
      CHECK_FALSE(accepted.has_header("Retry-After"));
      if (dialect == "none") {
        CHECK(accepted.body == "ok\n");
        CHECK(refused.body == "rate limited\n");
      } else {
        const auto retry_after = header_number(refused, "Retry-After");
        CHECK(retry_after >= 1);
        CHECK(retry_after <= (name == "token" ? 4 : window));
      }
    }
  }
}

TEST_CASE("lab /ratelimit keeps separate counts per client, endpoint and parameters",
          "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  const std::string path = "/ratelimit/fixed?limit=1&window=86400";
  CHECK(client.status(path) == 200);
  CHECK(client.status(path) == 429);
  CHECK(client.status(path + "&headers=x") == 429);
  CHECK(client.status("/ratelimit/fixed?window=86400&limit=1") == 429);
  CHECK(client.status("/ratelimit/fixed?limit=2&window=86400") == 200);
  CHECK(client.status("/ratelimit/fixed?limit=1&window=86399") == 200);
  CHECK(client.status("/ratelimit/sliding?limit=1&window=86400") == 200);

  // Another loopback address is another client, with its own partition key.
  const auto other = reqscope::test::run_command({"/usr/bin/curl", "-s", "-i", "--max-time", "20",
                                                  "--interface", "127.0.0.2", lab.url() + path});
  INFO(other.out << other.err);
  CHECK(other.out.starts_with("HTTP/1.1 200 "));
  CHECK(other.out.find("\r\nRateLimit: \"fixed\";r=0;t=") != std::string::npos);
  CHECK(other.out.find(";pk=:MTI3LjAuMC4y:\r\n") != std::string::npos);
}

TEST_CASE("lab /ratelimit forgets the least recently used of more than 10000 counters",
          "[lab][ratelimit]") {
  Lab lab;
  Client client(lab);
  const std::string touched = "/ratelimit/sliding?limit=1&window=86400";
  const std::string untouched = "/ratelimit/fixed?limit=1&window=86400";
  CHECK(client.status(touched) == 200);
  CHECK(client.status(untouched) == 200);
  for (int burst = 1; burst <= 9998; ++burst) {
    client.status("/ratelimit/token?rate=1&burst=" + std::to_string(burst));
  }
  // 10000 counters are all kept, and the oldest is now the most recently used.
  CHECK(client.status(touched) == 429);
  client.status("/ratelimit/token?rate=1&burst=9999");
  // The 10001st made the lab forget the least recently used, so this one starts afresh.
  CHECK(client.status(untouched) == 200);
  CHECK(client.status(touched) == 429);
}

TEST_CASE("lab /ratelimit answers bad parameters with 400 naming the value",
          "[lab][ratelimit][errors]") {
  Lab lab;
  Client client(lab);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"fixed?window=60", "missing limit (requests per window, 1-10000)"},
      {"fixed?limit=5", "missing window (seconds, 1-86400)"},
      {"sliding?limit=0&window=60", "limit '0' is below 1"},
      {"sliding?limit=10001&window=60", "limit '10001' exceeds the cap of 10000"},
      {"fixed?limit=abc&window=60", "limit 'abc' is not a non-negative integer"},
      {"fixed?limit=-1&window=60", "limit '-1' is not a non-negative integer"},
      {"fixed?limit=5&window=0", "window '0' is below 1 (seconds, 1-86400)"},
      {"fixed?limit=5&window=86401", "window '86401' exceeds the cap of 86400"},
      {"fixed?limit=5&window=1.5", "window '1.5' is not a non-negative integer"},
      {"sliding?limit=5&window=60&headers=IETF", "headers 'IETF' is not ietf, draft, x or none"},
      {"sliding?limit=5&window=60&burst=2",
       "unknown parameter 'burst' (use limit, window, headers)"},
      {"fixed?limit=5&limit=6&window=60", "limit is given more than once"},
      {"token?burst=5", "missing rate (tokens per second"},
      {"token?rate=1", "missing burst (tokens the bucket holds, 1-10000)"},
      {"token?rate=0&burst=5", "rate '0' is not above 0"},
      {"token?rate=0.000&burst=5", "rate '0.000' is not above 0"},
      {"token?rate=10000.001&burst=5", "rate '10000.001' exceeds the cap of 10000"},
      {"token?rate=99999999999999999999&burst=5", "rate '99999999999999999999' exceeds the cap"},
      {"token?rate=0.0005&burst=5", "rate '0.0005' is not a decimal"},
      {"token?rate=-1&burst=5", "rate '-1' is not a decimal"},
      {"token?rate=.5&burst=5", "rate '.5' is not a decimal"},
      {"token?rate=2.&burst=5", "rate '2.' is not a decimal"},
      {"token?rate=1e3&burst=5", "rate '1e3' is not a decimal"},
      {"token?rate=nan&burst=5", "rate 'nan' is not a decimal"},
      {"token?rate=1&burst=0", "burst '0' is below 1"},
      {"token?rate=1&burst=5&limit=3", "unknown parameter 'limit' (use rate, burst, headers)"},
      {"token?rate=1&burst=5&headers=", "headers '' is not ietf, draft, x or none"}};
  for (const auto& [query, reason] : cases) {
    INFO(query);
    const auto response = client.get("/ratelimit/" + query);
    INFO(response.body);
    CHECK(response.status == 400);
    CHECK(response.body.starts_with("bad request: " + reason));
    CHECK_FALSE(has_rate_limit_header(response));
  }
}
