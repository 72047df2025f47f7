#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/lab.hpp"
#include "support/nginx.hpp"
#include "support/process.hpp"

using reqscope::test::Lab;
using reqscope::test::Nginx;
using reqscope::test::run_reqscope;
using Json = nlohmann::json;

namespace {

Json parse_stdout(const reqscope::test::CommandResult& result) {
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE_NOTHROW(Json::parse(result.out));
  return Json::parse(result.out);
}

double phase_sum(const Json& phases) {
  double sum = 0;
  for (const char* name : {"dns_ms", "connect_ms", "tls_ms", "send_ms", "wait_ms", "transfer_ms"}) {
    REQUIRE(phases.at(name).get<double>() >= 0.0);
    sum += phases.at(name).get<double>();
  }
  return sum;
}

}  // namespace

TEST_CASE("phases are non-negative and add up to each hop's total", "[trace][nginx]") {
  Nginx nginx;
  for (const auto& url : {nginx.http_url("/"), nginx.https_url("/")}) {
    const auto result = run_reqscope({"trace", url, "--cacert", nginx.ca_file(), "--json"});
    REQUIRE(result.exit_code == 0);
    const auto doc = parse_stdout(result);
    for (const auto& hop : doc["hops"]) {
      const auto& phases = hop["phases"];
      CHECK(phase_sum(phases) == Approx(phases["total_ms"].get<double>()).margin(1.0));
    }
    CHECK(doc["total_ms"].get<double>() ==
          Approx(doc["hops"][0]["phases"]["total_ms"].get<double>()).margin(1.0));
  }
}

TEST_CASE("a trusted HTTPS server over HTTP/2 shows its TLS summary", "[trace][nginx][tls]") {
  Nginx nginx;
  const auto result =
      run_reqscope({"trace", nginx.https_url("/"), "--cacert", nginx.ca_file(), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hop = parse_stdout(result)["hops"][0];
  CHECK(hop["http_version"] == "HTTP/2");
  CHECK(hop["status"] == 200);
  const auto& tls = hop["tls"];
  REQUIRE(tls.is_object());
  CHECK(tls["verified"] == true);
  CHECK(tls["alpn"] == "h2");
  CHECK(tls["version"].get<std::string>().rfind("TLSv1.", 0) == 0);
  CHECK(tls["subject"].get<std::string>().find("CN=localhost") != std::string::npos);
  CHECK(tls["issuer"].get<std::string>().find("reqscope test CA") != std::string::npos);
  CHECK(tls["days_left"].get<long>() >= 0);
  CHECK(hop["phases"]["tls_ms"].get<double>() > 0.0);
}

TEST_CASE("option --http1.1 keeps HTTPS on HTTP/1.1", "[trace][nginx]") {
  Nginx nginx;
  const auto result = run_reqscope(
      {"trace", nginx.https_url("/"), "--cacert", nginx.ca_file(), "--http1.1", "--json"});
  REQUIRE(result.exit_code == 0);
  CHECK(parse_stdout(result)["hops"][0]["http_version"] == "HTTP/1.1");
}

TEST_CASE("an untrusted certificate fails with tls_verify and --insecure goes on",
          "[trace][nginx][tls]") {
  Nginx nginx;
  const auto rejected = run_reqscope({"trace", nginx.https_url("/"), "--json"});
  CHECK(rejected.exit_code == 3);
  const auto doc = parse_stdout(rejected);
  CHECK(doc["ok"] == false);
  CHECK(doc["error"]["kind"] == "tls_verify");
  CHECK(doc["error"]["phase"] == "tls");

  const auto& hop = doc["hops"][0];
  REQUIRE(hop["tls"].is_object());
  CHECK(hop["tls"]["verified"] == false);
  CHECK(hop["tls"]["subject"].get<std::string>().find("CN=localhost") != std::string::npos);
  CHECK(hop["phases"]["tls_ms"].get<double>() > 0.0);
  CHECK(hop["phases"]["wait_ms"].get<double>() == 0.0);

  const auto insecure = run_reqscope({"trace", nginx.https_url("/"), "--insecure", "--json"});
  REQUIRE(insecure.exit_code == 0);
  const auto tls = parse_stdout(insecure)["hops"][0]["tls"];
  CHECK(tls["verified"] == false);
  CHECK_FALSE(tls["verify_result"].get<std::string>().empty());
}

TEST_CASE("nginx return 301 redirects are followed hop by hop", "[trace][nginx][redirect]") {
  Nginx nginx;
  const auto result = run_reqscope({"trace", "-L", nginx.http_url("/chain"), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hops = parse_stdout(result)["hops"];
  REQUIRE(hops.size() == 3);
  CHECK(hops[0]["status"] == 301);
  CHECK(hops[1]["status"] == 301);
  CHECK(hops[2]["status"] == 200);
  CHECK(hops[1]["reused"] == true);
  CHECK(hops[1]["dns"]["source"] == "literal");
}

TEST_CASE("without -L a redirect is reported, not followed", "[trace][nginx][redirect]") {
  Nginx nginx;
  const auto result = run_reqscope({"trace", nginx.http_url("/moved"), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hops = parse_stdout(result)["hops"];
  REQUIRE(hops.size() == 1);
  CHECK(hops[0]["status"] == 301);
  CHECK(hops[0]["redirect_url"] == nginx.http_url("/"));
}

TEST_CASE("option --expect-status on a 404 exits 1", "[trace][nginx][checks]") {
  Nginx nginx;
  const auto failing =
      run_reqscope({"trace", nginx.http_url("/missing"), "--expect-status", "200"});
  CHECK(failing.exit_code == 1);
  CHECK(failing.out.find("CHECK FAILED") != std::string::npos);
  const auto failing_json =
      run_reqscope({"trace", nginx.http_url("/missing"), "--expect-status", "200", "--json"});
  CHECK(failing_json.exit_code == 1);
  CHECK(parse_stdout(failing_json)["ok"] == false);
  const auto passing =
      run_reqscope({"trace", nginx.http_url("/missing"), "--expect-status", "404", "--json"});
  CHECK(passing.exit_code == 0);
  CHECK(parse_stdout(passing)["checks"][0]["ok"] == true);
}

TEST_CASE("option --max-total-ms and --max-ttfb-ms fail slow responses", "[trace][lab][checks]") {
  Lab lab;
  const auto slow =
      run_reqscope({"trace", lab.url() + "/delay/200", "--max-ttfb-ms", "100", "--json"});
  CHECK(slow.exit_code == 1);
  const auto checks = parse_stdout(slow)["checks"];
  REQUIRE(checks.size() == 1);
  CHECK(checks[0]["name"] == "ttfb");
  CHECK(checks[0]["ok"] == false);
  const auto fast = run_reqscope({"trace", lab.url() + "/", "--max-total-ms", "10000"});
  CHECK(fast.exit_code == 0);
}

TEST_CASE("server wait of /delay/200 lands in wait_ms", "[trace][lab]") {
  Lab lab;
  const auto result = run_reqscope({"trace", lab.url() + "/delay/200", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto phases = parse_stdout(result)["hops"][0]["phases"];
  CHECK(phases["wait_ms"].get<double>() >= 200.0);
  CHECK(phases["wait_ms"].get<double>() < 400.0);
  CHECK(phase_sum(phases) == Approx(phases["total_ms"].get<double>()).margin(1.0));
}

TEST_CASE("a slow body lands in transfer_ms", "[trace][lab]") {
  Lab lab;
  const auto result = run_reqscope({"trace", lab.url() + "/drip?bytes=20&ms=300", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hop = parse_stdout(result)["hops"][0];
  CHECK(hop["response"]["body_bytes"] == 20);
  CHECK(hop["phases"]["transfer_ms"].get<double>() >= 200.0);
  CHECK(hop["phases"]["transfer_ms"].get<double>() < 1000.0);
}

TEST_CASE("option -L over /redirect/3 gives four hops on one connection",
          "[trace][lab][redirect]") {
  Lab lab;
  const auto result = run_reqscope({"trace", "-L", lab.url() + "/redirect/3", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hops = parse_stdout(result)["hops"];
  REQUIRE(hops.size() == 4);
  CHECK(hops[0]["reused"] == false);
  for (int i = 1; i < 4; ++i)
    CHECK(hops[i]["reused"] == true);
  CHECK(hops[3]["status"] == 200);
}

TEST_CASE("option --max-redirs stops a long chain with too_many_redirects",
          "[trace][lab][redirect]") {
  Lab lab;
  const auto result =
      run_reqscope({"trace", "-L", "--max-redirs", "2", lab.url() + "/redirect/5", "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "too_many_redirects");
  CHECK(doc["hops"].size() == 3);
}

TEST_CASE("absolute redirects and a POST turned into GET by 302", "[trace][lab][redirect]") {
  Lab lab;
  const auto result =
      run_reqscope({"trace", "-L", "-d", "x=1", lab.url() + "/redirect/1?absolute=1", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hops = parse_stdout(result)["hops"];
  REQUIRE(hops.size() == 2);
  CHECK(hops[0]["request"]["method"] == "POST");
  CHECK(hops[1]["request"]["method"] == "GET");
}

TEST_CASE("a closed port gives connect_refused and exit 3", "[trace][errors]") {
  const int port = reqscope::test::free_port();
  const auto result =
      run_reqscope({"trace", "http://127.0.0.1:" + std::to_string(port) + "/", "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "connect_refused");
  CHECK(doc["error"]["phase"] == "connect");
  CHECK(doc["hops"][0]["connects"][0]["result"] == "refused");

  const auto human = run_reqscope({"trace", "http://127.0.0.1:" + std::to_string(port) + "/"});
  CHECK(human.exit_code == 3);
  CHECK(human.out.rfind("FAILED", 0) == 0);
  CHECK(human.out.find("hint:") != std::string::npos);
}

TEST_CASE("IPv6-then-IPv4 fallback shows every connect attempt", "[trace][lab]") {
  Lab lab;
  const auto port = std::to_string(lab.port());
  const auto result = run_reqscope({"trace", "http://dual.test:" + port + "/", "--resolve",
                                    "dual.test:" + port + ":[::1],127.0.0.1", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hop = parse_stdout(result)["hops"][0];
  CHECK(hop["dns"]["source"] == "override");
  const auto& connects = hop["connects"];
  REQUIRE(connects.size() == 2);
  CHECK(connects[0]["family"] == "IPv6");
  CHECK(connects[0]["result"] != "ok");
  CHECK(connects[1]["family"] == "IPv4");
  CHECK(connects[1]["result"] == "ok");
  CHECK(hop["remote_ip"] == "127.0.0.1");
}

TEST_CASE("option --connect-to sends the request for one name to another address", "[trace][lab]") {
  Lab lab;
  const auto result =
      run_reqscope({"trace", "http://api.example.test/headers", "--connect-to",
                    "api.example.test:80:127.0.0.1:" + std::to_string(lab.port()), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto hop = parse_stdout(result)["hops"][0];
  CHECK(hop["remote_port"] == lab.port());
  CHECK(hop["dns"]["source"] == "literal");
}

TEST_CASE("a timeout while the server thinks is a timeout in the wait phase",
          "[trace][lab][errors]") {
  Lab lab;
  const auto result =
      run_reqscope({"trace", lab.url() + "/delay/3000", "--timeout", "300ms", "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "timeout");
  CHECK(doc["error"]["phase"] == "wait");
}

TEST_CASE("a connection dropped mid-body is an http_protocol failure", "[trace][lab][errors]") {
  Lab lab;
  const auto result = run_reqscope({"trace", lab.url() + "/close", "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "http_protocol");
  CHECK(doc["error"]["phase"] == "transfer");
}

TEST_CASE("request headers and body reach the server and secrets are redacted", "[trace][lab]") {
  Lab lab;
  reqscope::test::TempDir dir;
  const auto body_file = dir.write("body.json", R"({"hello":"world"})");
  const auto result = run_reqscope(
      {"trace", "-X", "PUT", "-H", "Authorization: Bearer s3cr3t-token", "-H",
       "Content-Type: application/json", "-d", "@" + body_file, lab.url() + "/headers", "--json"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("s3cr3t-token") == std::string::npos);
  const auto hop = parse_stdout(result)["hops"][0];
  CHECK(hop["request"]["method"] == "PUT");
  CHECK(hop["response"]["body_bytes"].get<int>() > 0);
  bool saw_redacted = false;
  for (const auto& h : hop["request"]["headers"]) {
    if (h["name"] == "Authorization")
      saw_redacted = h["value"].get<std::string>().find("Bearer [redacted") == 0;
  }
  CHECK(saw_redacted);

  const auto shown = run_reqscope({"trace", "-H", "Authorization: Bearer s3cr3t-token", "-H",
                                   "X-Two: 2", lab.url() + "/headers", "-v", "--show-secrets"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("s3cr3t-token") != std::string::npos);
  const auto hidden = run_reqscope(
      {"trace", "-H", "Authorization: Bearer s3cr3t-token", lab.url() + "/headers", "-v"});
  CHECK(hidden.out.find("s3cr3t-token") == std::string::npos);
  CHECK(hidden.out.find("Authorization: Bearer [redacted") != std::string::npos);
}

TEST_CASE("option --repeat reports every run and per-phase statistics", "[trace][lab][repeat]") {
  Lab lab;
  const auto result = run_reqscope({"trace", lab.url() + "/", "--repeat", "3", "--json"});
  REQUIRE(result.exit_code == 0);
  const auto doc = parse_stdout(result);
  REQUIRE(doc["runs"].size() == 3);
  for (const auto& run : doc["runs"])
    CHECK(run["hops"][0]["reused"] == false);
  for (const char* phase :
       {"dns_ms", "connect_ms", "tls_ms", "send_ms", "wait_ms", "transfer_ms", "total_ms"}) {
    const auto& s = doc["stats"][phase];
    CHECK(s["min"].get<double>() <= s["p50"].get<double>());
    CHECK(s["p50"].get<double>() <= s["p90"].get<double>());
    CHECK(s["p90"].get<double>() <= s["p99"].get<double>());
    CHECK(s["p99"].get<double>() <= s["max"].get<double>());
  }

  const auto reused =
      run_reqscope({"trace", lab.url() + "/", "--repeat", "3", "--reuse", "--json"});
  REQUIRE(reused.exit_code == 0);
  const auto runs = parse_stdout(reused)["runs"];
  CHECK(runs[0]["hops"][0]["reused"] == false);
  CHECK(runs[2]["hops"][0]["reused"] == true);

  const auto human = run_reqscope({"trace", lab.url() + "/", "--repeat", "2"});
  CHECK(human.exit_code == 0);
  CHECK(human.out.find("p99") != std::string::npos);
}

TEST_CASE("option --json output has every documented field", "[trace][lab][json]") {
  Lab lab;
  const auto doc = parse_stdout(run_reqscope({"trace", lab.url() + "/", "--json"}));
  for (const char* key :
       {"schema", "url", "ok", "started_at", "hops", "phases", "total_ms", "checks"}) {
    INFO(key);
    CHECK(doc.contains(key));
  }
  CHECK(doc["schema"] == "reqscope.trace/1");
  const auto& hop = doc["hops"][0];
  for (const char* key :
       {"url", "status", "http_version", "remote_ip", "remote_port", "reused", "dns", "connects",
        "tls", "request", "response", "redirect_url", "phases"}) {
    INFO(key);
    CHECK(hop.contains(key));
  }
  for (const char* key : {"host", "source", "servers", "queries", "addresses", "ms"})
    CHECK(hop["dns"].contains(key));
  for (const char* key : {"address", "port", "family", "result", "detail", "ms"})
    CHECK(hop["connects"][0].contains(key));
  for (const char* key : {"method", "line", "headers"})
    CHECK(hop["request"].contains(key));
  for (const char* key : {"headers", "body_bytes"})
    CHECK(hop["response"].contains(key));
  for (const char* key :
       {"dns_ms", "connect_ms", "tls_ms", "send_ms", "wait_ms", "transfer_ms", "total_ms"}) {
    CHECK(hop["phases"].contains(key));
  }
}

TEST_CASE("option --explain teaches the phases and names the biggest", "[trace][lab][explain]") {
  Lab lab;
  const auto result = run_reqscope({"trace", lab.url() + "/delay/100", "--explain"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("What the phases mean") != std::string::npos);
  CHECK(result.out.find("Most time is server wait") != std::string::npos);
}

TEST_CASE("colour follows --color and NO_COLOR", "[trace][lab][cli]") {
  Lab lab;
  const auto always = run_reqscope({"trace", lab.url() + "/", "--color", "always"});
  CHECK(always.out.find("\x1b[") != std::string::npos);
  const auto never = run_reqscope({"trace", lab.url() + "/", "--color", "never"});
  CHECK(never.out.find("\x1b[") == std::string::npos);
  const auto automatic = run_reqscope({"trace", lab.url() + "/"}, {{"NO_COLOR", "1"}});
  CHECK(automatic.out.find("\x1b[") == std::string::npos);
  const auto ascii = run_reqscope({"trace", lab.url() + "/", "--explain"}, {{"LC_ALL", "C"}});
  CHECK(std::all_of(ascii.out.begin(), ascii.out.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}

namespace {

// A one-purpose HTTP server on loopback: answers the first connection at
// once, then reports when the second request arrived and holds its answer.
class HoldingServer {
 public:
  HoldingServer() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener_, 8);
    socklen_t length = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HoldingServer() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
    for (int fd : held_)
      close(fd);
  }
  int port() const { return port_; }
  bool wait_for_second_request() {
    std::unique_lock lock(mutex_);
    return held_cv_.wait_for(lock, std::chrono::seconds(30), [this] { return !held_.empty(); });
  }

 private:
  void serve() {
    for (int served = 0;; ++served) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      char buffer[4096];
      if (read(fd, buffer, sizeof buffer) <= 0) {
        close(fd);
        continue;
      }
      if (served == 0) {
        const std::string response =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        static_cast<void>(write(fd, response.data(), response.size()));
        close(fd);
        continue;
      }
      std::lock_guard lock(mutex_);
      held_.push_back(fd);
      held_cv_.notify_all();
    }
  }
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable held_cv_;
  std::vector<int> held_;
};

}  // namespace

TEST_CASE("Ctrl-C stops a --repeat series and reports the finished runs",
          "[trace][repeat][signals]") {
  HoldingServer server;
  reqscope::test::TempDir dir;
  const auto out = dir.path() + "/out.json";
  reqscope::test::Process trace(
      {REQSCOPE_BINARY, "trace", "http://127.0.0.1:" + std::to_string(server.port()) + "/",
       "--repeat", "5", "--json"},
      out);
  REQUIRE(server.wait_for_second_request());
  CHECK(trace.stop(SIGINT) == 128 + SIGINT);
  std::ifstream in(out);
  const auto doc = Json::parse(in);
  REQUIRE(doc["runs"].size() == 1);
  CHECK(doc["runs"][0]["hops"][0]["status"] == 200);
  CHECK(doc["interrupted"] == true);
  CHECK(doc["ok"] == false);
}

TEST_CASE("a server whose accept queue is full gives connect_timeout", "[trace][errors]") {
  // A listener that never accepts: once its queue is full, the kernel drops
  // new SYNs, exactly like a firewall that silently discards packets.
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener, 0) == 0);
  socklen_t length = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto result =
      run_reqscope({"trace", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/",
                    "--timeout", "500ms", "--json"});
  for (int fd : fillers)
    close(fd);
  close(listener);
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "connect_timeout");
  CHECK(doc["error"]["phase"] == "connect");
  CHECK(doc["hops"][0]["connects"][0]["result"] == "timeout");
}

TEST_CASE("https to a plain HTTP port is a tls_handshake failure", "[trace][nginx][tls][errors]") {
  Nginx nginx;
  const auto result = run_reqscope(
      {"trace", "https://127.0.0.1:" + std::to_string(nginx.http_port()) + "/", "--json"});
  CHECK(result.exit_code == 3);
  const auto doc = parse_stdout(result);
  CHECK(doc["error"]["kind"] == "tls_handshake");
  CHECK(doc["error"]["phase"] == "tls");
}

TEST_CASE("IPv6 literal URLs work over HTTP and HTTPS", "[trace][lab][ipv6]") {
  for (const bool https : {false, true}) {
    std::vector<std::string> lab_args = {"--bind", "::1"};
    if (https) lab_args.push_back("--https");
    Lab lab(lab_args);
    const auto url =
        std::string(https ? "https" : "http") + "://[::1]:" + std::to_string(lab.port()) + "/";
    const auto result = run_reqscope({"trace", url, "-k", "--json"});
    INFO(url << "\n" << result.out);
    REQUIRE(result.exit_code == 0);
    const auto hop = parse_stdout(result)["hops"][0];
    CHECK(hop["reused"] == false);
    CHECK(hop["remote_ip"] == "::1");
    CHECK(hop["connects"][0]["family"] == "IPv6");
    CHECK(hop["dns"]["source"] == "literal");
  }
}

TEST_CASE("empty bodies from /bytes/0 and /drip end at once", "[trace][lab]") {
  Lab lab;
  for (const char* path : {"/bytes/0", "/drip?bytes=0&ms=100"}) {
    INFO(path);
    const auto result = run_reqscope({"trace", lab.url() + path, "--timeout", "5s", "--json"});
    REQUIRE(result.exit_code == 0);
    CHECK(parse_stdout(result)["hops"][0]["response"]["body_bytes"] == 0);
  }
}

TEST_CASE("a --cacert that is not PEM is bad input", "[trace][nginx][tls][errors]") {
  Nginx nginx;
  reqscope::test::TempDir dir;
  const auto bogus = dir.write("bogus.pem", "this is not a certificate\n");
  const auto result = run_reqscope({"trace", nginx.https_url("/"), "--cacert", bogus, "--json"});
  CHECK(result.exit_code == 2);
  CHECK(parse_stdout(result)["error"]["kind"] == "bad_file");
}

TEST_CASE("control bytes from the wire never reach the terminal raw", "[trace][lab][security]") {
  Lab lab;
  const auto result = run_reqscope(
      {"trace", "-H", "X-Evil: a\x1b[2Jb", lab.url() + "/headers", "-v", "--color", "never"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find('\x1b') == std::string::npos);
  CHECK(result.out.find("a\\x1b[2Jb") != std::string::npos);
}

TEST_CASE("an error status is named in the verdict but still exits 0", "[trace][nginx]") {
  Nginx nginx;
  const auto result = run_reqscope({"trace", nginx.http_url("/missing"), "--color", "never"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.rfind("CLIENT ERROR  404", 0) == 0);
}
