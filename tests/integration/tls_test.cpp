#include <poll.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reqscope/util/text.hpp"
#include "support/lab.hpp"
#include "support/process.hpp"
#include "support/tls_nginx.hpp"
#include "support/usage_errors.hpp"

using reqscope::test::run_reqscope;
using reqscope::test::TlsNginx;
using Json = nlohmann::json;

namespace {

// Runs `reqscope tls ADDRESS --json ...` and parses its document.
std::pair<int, Json> inspect(const std::string& address, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"tls", address, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = run_reqscope(args);
  INFO(result.out << result.err);
  REQUIRE(result.err.empty());
  return {result.exit_code, Json::parse(result.out)};
}

std::vector<std::string> finding_ids(const Json& document, const std::string& severity) {
  std::vector<std::string> ids;
  for (const auto& finding : document["findings"]) {
    if (finding["severity"] == severity) ids.push_back(finding["id"]);
  }
  return ids;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::vector<std::string> message_names(const Json& document) {
  std::vector<std::string> names;
  for (const auto& message : document["handshake"])
    names.push_back(message["message"]);
  return names;
}

// A TCP port that accepts connections (the kernel completes them from the
// backlog) and never says a word: a TLS server that hangs.
class SilentServer {
 public:
  int port() const { return listener_.port(); }
  // Whether a client connected (its connection waits in the backlog) within 10 s.
  bool client_waiting() const {
    pollfd pfd{listener_.fd(), POLLIN, 0};
    return ::poll(&pfd, 1, 10000) == 1;
  }

 private:
  reqscope::test::LoopbackListener listener_;
};

}  // namespace

TEST_CASE("tls: a valid chain from nginx verifies and every field is reported", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] =
      inspect(nginx.address("valid"), {"--cacert", nginx.root_file(), "--servername", "localhost"});
  INFO(doc.dump(2));
  CHECK(code == 0);
  CHECK(doc["schema"] == "reqscope.tls/1");
  CHECK(doc["ok"] == true);
  CHECK(doc["host"] == "127.0.0.1");
  CHECK(doc["port"] == nginx.port("valid"));
  CHECK(doc["servername"] == "localhost");
  CHECK(doc["protocol"] == "TLSv1.3");
  CHECK(doc["cipher"].get<std::string>().rfind("TLS_", 0) == 0);
  CHECK_FALSE(doc["group"].is_null());
  CHECK(doc["alpn"] == "http/1.1");
  CHECK(doc["ocsp_stapled"] == false);
  CHECK(doc["resumption"] == true);
  CHECK(doc["connect_ms"].get<double>() >= 0);
  CHECK(doc["handshake_ms"].get<double>() > 0);
  CHECK(doc["verify"]["ok"] == true);
  CHECK(doc["verify"]["error"].is_null());
  CHECK(doc["versions"].is_null());
  CHECK(doc["findings"].empty());

  REQUIRE(doc["chain"].size() == 2);
  const auto& leaf = doc["chain"][0];
  CHECK(leaf["subject"] == "CN=localhost,O=reqscope lab");
  CHECK(leaf["issuer"] == "CN=reqscope test intermediate,O=reqscope lab");
  CHECK(leaf["sans"] == Json::array({"DNS:localhost", "IP:127.0.0.1"}));
  CHECK(leaf["key"]["type"] == "EC");
  CHECK(leaf["key"]["bits"] == 256);
  CHECK(leaf["key"]["curve"] == "P-256");
  CHECK(leaf["signature_algorithm"] == "ecdsa-with-SHA256");
  CHECK(leaf["days_left"].get<long>() >= 28);
  CHECK(leaf["days_left"].get<long>() <= 30);
  CHECK(leaf["sha256"].get<std::string>().size() == 95);
  CHECK(leaf["not_before"].get<std::string>().back() == 'Z');
  CHECK(doc["chain"][1]["subject"] == "CN=reqscope test intermediate,O=reqscope lab");
  CHECK(doc["chain"][1]["ca"] == true);

  const auto names = message_names(doc);
  REQUIRE(names.size() >= 5);
  CHECK(names.front() == "ClientHello");
  CHECK(contains(names, "ServerHello"));
  CHECK(contains(names, "Certificate"));
  CHECK(contains(names, "CertificateVerify"));
  CHECK(contains(names, "Finished"));
}

TEST_CASE("tls: an OCSP response stapled by nginx is seen", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] = inspect(nginx.address("stapled"), {"--cacert", nginx.root_file()});
  CHECK(code == 0);
  CHECK(doc["ocsp_stapled"] == true);
}

TEST_CASE("tls: each certificate problem is a named error finding and exits 1", "[tls][nginx]") {
  TlsNginx nginx;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"expired", "expired"},
      {"not_yet_valid", "not_yet_valid"},
      {"wrong_host", "hostname_mismatch"},
      {"self_signed", "self_signed"},
      {"rsa1024", "weak_key"},
      {"sha1", "weak_signature"},
      {"expiring", "expiring_soon"},
      {"missing_intermediate", "incomplete_chain"},
      {"untrusted", "untrusted_root"},
  };
  for (const auto& [site, finding] : cases) {
    INFO(site);
    const auto [code, doc] = inspect(nginx.address(site), {"--cacert", nginx.root_file()});
    INFO(doc["findings"].dump(2));
    CHECK(code == 1);
    CHECK(doc["ok"] == false);
    CHECK(contains(finding_ids(doc, "error"), finding));
    for (const auto& f : doc["findings"]) {
      CHECK_FALSE(f["message"].get<std::string>().empty());
      CHECK_FALSE(f["fix"].get<std::string>().empty());
    }
    if (finding != "expiring_soon") {
      CHECK(doc["verify"]["ok"] == false);
      CHECK_FALSE(doc["verify"]["error"].get<std::string>().empty());
    }
  }
}

TEST_CASE("tls: findings name what is wrong", "[tls][nginx]") {
  TlsNginx nginx;
  const auto message_of = [&](const std::string& site, const std::string& id) {
    const auto [code, doc] = inspect(nginx.address(site), {"--cacert", nginx.root_file()});
    for (const auto& f : doc["findings"]) {
      if (f["id"] == id) return f["message"].get<std::string>();
    }
    return std::string("no finding ") + id;
  };
  CHECK_THAT(message_of("wrong_host", "hostname_mismatch"),
             Catch::Contains("127.0.0.1") && Catch::Contains("DNS:other.test"));
  CHECK_THAT(message_of("expired", "expired"), Catch::Contains("2 days ago"));
  CHECK_THAT(message_of("rsa1024", "weak_key"), Catch::Contains("1024-bit RSA"));
  CHECK_THAT(message_of("sha1", "weak_signature"),
             Catch::Contains("sha1WithRSAEncryption") || Catch::Contains("ecdsa-with-SHA1"));
  CHECK_THAT(message_of("expiring", "expiring_soon"),
             Catch::Contains("4 days left") || Catch::Contains("5 days left"));
  CHECK_THAT(message_of("missing_intermediate", "incomplete_chain"),
             Catch::Contains("reqscope test intermediate"));
  CHECK_THAT(message_of("untrusted", "untrusted_root"), Catch::Contains("unknown root"));
}

TEST_CASE("tls: a server asking for a client certificate is named", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] =
      inspect(nginx.address("client_cert"), {"--cacert", nginx.root_file(), "--versions"});
  INFO(doc.dump(2));
  CHECK(code == 0);
  CHECK(contains(finding_ids(doc, "warning"), "client_certificate_requested"));
  CHECK(contains(message_names(doc), "CertificateRequest"));
  CHECK(doc["versions"]["TLSv1.2"] == "supported");
  CHECK(doc["versions"]["TLSv1.3"] == "supported");
}

TEST_CASE("tls: an intermediate found only in the trust store is a warning", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] =
      inspect(nginx.address("missing_intermediate"), {"--cacert", nginx.bundle_file()});
  CHECK(code == 0);
  CHECK(doc["verify"]["ok"] == true);
  CHECK(contains(finding_ids(doc, "warning"), "incomplete_chain"));
}

TEST_CASE("tls: --warn-days moves the expiry threshold", "[tls][nginx]") {
  TlsNginx nginx;
  const auto address = nginx.address("expiring");
  CHECK(inspect(address, {"--cacert", nginx.root_file(), "--warn-days", "3"}).first == 0);
  CHECK(inspect(address, {"--cacert", nginx.root_file(), "--warn-days", "14"}).first == 1);
  const auto [code, doc] =
      inspect(nginx.address("valid"), {"--cacert", nginx.root_file(), "--warn-days", "60"});
  CHECK(code == 1);
  CHECK(contains(finding_ids(doc, "error"), "expiring_soon"));
}

TEST_CASE("tls: --insecure turns verification problems into warnings", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] = inspect(nginx.address("self_signed"), {"--insecure"});
  CHECK(code == 0);
  CHECK(doc["ok"] == true);
  CHECK(doc["verify"]["ok"] == false);
  CHECK(contains(finding_ids(doc, "warning"), "self_signed"));
  CHECK(finding_ids(doc, "error").empty());
  // Dates and key strength still fail under --insecure; only trust is waived.
  for (const char* site : {"expiring", "expired", "rsa1024"}) {
    INFO(site);
    const auto [failed, document] = inspect(nginx.address(site), {"--insecure"});
    CHECK(failed == 1);
    const auto errors = finding_ids(document, "error");
    CHECK(errors.size() == 1);
    CHECK(contains(finding_ids(document, "warning"), "untrusted_root"));
  }
}

TEST_CASE("tls: the system trust store does not know the test root", "[tls][nginx]") {
  TlsNginx nginx;
  const auto [code, doc] = inspect(nginx.address("valid"));
  CHECK(code == 1);
  CHECK(contains(finding_ids(doc, "error"), "untrusted_root"));
}

TEST_CASE("tls: --versions probes each protocol version alone", "[tls][nginx]") {
  TlsNginx nginx;
  SECTION("TLS 1.2 only") {
    const auto [code, doc] =
        inspect(nginx.address("tls12_only"), {"--cacert", nginx.root_file(), "--versions"});
    CHECK(code == 0);
    CHECK(doc["protocol"] == "TLSv1.2");
    CHECK(doc["versions"]["TLSv1.2"] == "supported");
    CHECK(doc["versions"]["TLSv1.3"] == "unsupported");
    CHECK(doc["versions"]["TLSv1.1"] == "unsupported");
    CHECK(contains(finding_ids(doc, "warning"), "no_tls13"));
    const auto names = message_names(doc);
    CHECK(contains(names, "ServerKeyExchange"));
    CHECK(contains(names, "ServerHelloDone"));
  }
  SECTION("TLS 1.3 only") {
    const auto [code, doc] =
        inspect(nginx.address("tls13_only"), {"--cacert", nginx.root_file(), "--versions"});
    CHECK(code == 0);
    CHECK(doc["versions"]["TLSv1.3"] == "supported");
    CHECK(doc["versions"]["TLSv1.2"] == "unsupported");
    CHECK(doc["findings"].empty());
  }
  SECTION("legacy versions enabled") {
    const auto [code, doc] =
        inspect(nginx.address("legacy"), {"--cacert", nginx.root_file(), "--versions"});
    CHECK(code == 0);
    CHECK(doc["versions"]["TLSv1.2"] == "supported");
    CHECK(doc["versions"]["TLSv1.3"] == "unsupported");
    const auto warnings = finding_ids(doc, "warning");
    CHECK(contains(warnings, "no_tls13"));
    for (const char* version : {"TLSv1.0", "TLSv1.1"}) {
      INFO(version);
      REQUIRE(doc["versions"].contains(version));
      const auto result = doc["versions"][version].get<std::string>();
      if (result == "not_testable") WARN("the local OpenSSL cannot offer " << version);
      CHECK((result == "supported" || result == "not_testable"));
      if (result == "supported") {
        CHECK(contains(warnings,
                       std::string(version) == "TLSv1.0" ? "tls10_enabled" : "tls11_enabled"));
      }
    }
  }
  SECTION("a TLS 1.0-only server is reached by a legacy client and fails") {
    const auto [code, doc] =
        inspect(nginx.address("tls10_only"), {"--cacert", nginx.root_file(), "--versions"});
    INFO(doc.dump(2));
    REQUIRE(doc.contains("versions"));
    if (doc["versions"]["TLSv1.0"] != "supported") WARN("the local OpenSSL cannot offer TLS 1.0");
    if (doc["versions"]["TLSv1.0"] == "supported") {
      CHECK(code == 1);
      CHECK(doc["protocol"] == "TLSv1.0");
      CHECK(contains(finding_ids(doc, "error"), "legacy_only"));
      CHECK(contains(finding_ids(doc, "warning"), "tls10_enabled"));
      CHECK(doc["versions"]["TLSv1.2"] == "unsupported");
    }
  }
  SECTION("without --versions, a server stuck at TLS 1.2 is still noticed") {
    const auto [code, doc] = inspect(nginx.address("tls12_only"), {"--cacert", nginx.root_file()});
    CHECK(code == 0);
    CHECK(doc["versions"].is_null());
    CHECK(contains(finding_ids(doc, "warning"), "no_tls13"));
  }
}

TEST_CASE("tls: human output leads with the verdict and fits 80 columns", "[tls][nginx]") {
  TlsNginx nginx;
  const auto ok = run_reqscope({"tls", nginx.address("valid"), "--cacert", nginx.root_file(),
                                "--versions", "-v", "--explain"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("OK  127.0.0.1:", 0) == 0);
  CHECK_THAT(ok.out, Catch::Contains("Handshake messages") && Catch::Contains("ClientHello") &&
                         Catch::Contains("Protocol versions") && Catch::Contains("Verification") &&
                         Catch::Contains("CertificateVerify: the server signs"));
  const auto failed = run_reqscope(
      {"tls", nginx.address("missing_intermediate"), "--cacert", nginx.root_file(), "--explain"});
  CHECK(failed.exit_code == 1);
  CHECK(failed.out.rfind("FAILED  127.0.0.1:", 0) == 0);
  CHECK_THAT(failed.out, Catch::Contains("incomplete_chain") &&
                             Catch::Contains("works in my browser") && Catch::Contains("fix: "));
  for (const auto* out : {&ok.out, &failed.out}) {
    for (auto line : reqscope::util::split(*out, '\n')) {
      INFO(line);
      CHECK(reqscope::util::display_width(line) <= 80);
    }
  }
}

TEST_CASE("tls: the lab's --https certificate is self-signed", "[tls][lab]") {
  reqscope::test::Lab lab({"--https"});
  const auto address = lab.url().substr(std::string("https://").size());
  const auto [code, doc] = inspect(address);
  CHECK(code == 1);
  CHECK(doc["servername"].is_null());
  REQUIRE(doc["chain"].size() == 1);
  CHECK(doc["chain"][0]["self_signed"] == true);
  CHECK(contains(finding_ids(doc, "error"), "self_signed"));
  CHECK(inspect(address, {"--insecure"}).first == 0);
  CHECK(inspect(lab.url(), {"--insecure", "--servername", "localhost"}).first == 0);
}

TEST_CASE("tls: no handshake possible exits 3 with a named error", "[tls][errors]") {
  TlsNginx nginx;
  SECTION("a plain-HTTP port") {
    const auto result = run_reqscope({"tls", nginx.address("plain_http")});
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("this port speaks plain HTTP"));
    const auto json = run_reqscope({"tls", nginx.address("plain_http"), "--json"});
    CHECK(json.exit_code == 3);
    CHECK(Json::parse(json.out)["error"]["kind"] == "tls_handshake");
  }
  SECTION("a closed port") {
    const int port = reqscope::test::free_port();
    const auto result = run_reqscope({"tls", "127.0.0.1:" + std::to_string(port), "--json"});
    CHECK(result.exit_code == 3);
    CHECK(Json::parse(result.out)["error"]["kind"] == "connect_refused");
  }
  SECTION("a server that accepts and never answers") {
    SilentServer silent;
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_reqscope(
        {"tls", "127.0.0.1:" + std::to_string(silent.port()), "--timeout", "1", "--json"});
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(result.exit_code == 3);
    CHECK(Json::parse(result.out)["error"]["kind"] == "timeout");
    CHECK(elapsed < std::chrono::seconds(10));
  }
}

TEST_CASE("tls: Ctrl-C during the handshake exits 130 with an interrupted error", "[tls][errors]") {
  SilentServer silent;
  reqscope::test::TempDir dir;
  const auto out = dir.path() + "/out.json";
  reqscope::test::Process tls({REQSCOPE_BINARY, "tls", "127.0.0.1:" + std::to_string(silent.port()),
                               "--timeout", "30", "--json"},
                              out);
  REQUIRE(silent.client_waiting());
  const auto started = std::chrono::steady_clock::now();
  CHECK(tls.stop(SIGINT) == 130);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  std::ifstream file(out);
  const auto doc = Json::parse(file);
  CHECK(doc["schema"] == "reqscope.tls/1");
  CHECK(doc["error"]["kind"] == "interrupted");
}

TEST_CASE("tls rejects bad input with exit 2 and one line naming the value", "[tls][errors]") {
  const std::vector<reqscope::test::UsageErrorCase> cases = {
      {{"tls"}, "HOST"},
      {{"tls", ""}, "HOST"},
      {{"tls", "bad host!"}, "bad host!"},
      {{"tls", "exa_mple..com"}, "exa_mple..com"},
      {{"tls", "http://example.com/"}, "http://example.com/"},
      {{"tls", "ftp://example.com/"}, "ftp"},
      {{"tls", "example.com:99999"}, "99999"},
      {{"tls", "example.com:0"}, "0"},
      {{"tls", "example.com:"}, "example.com:"},
      {{"tls", "[::1"}, "[::1"},
      {{"tls", std::string(300, 'a') + ".com"}, "aaaa"},
      {{"tls", "tab\there"}, "tab\\x09here"},
      {{"tls", "example.com", "--servername", "bad name"}, "bad name"},
      {{"tls", "example.com", "--servername", "127.0.0.1"}, "127.0.0.1"},
      {{"tls", "example.com", "--servername", ""}, "--servername"},
      {{"tls", "example.com", "--cacert", ""}, "--cacert"},
      {{"tls", "example.com", "--cacert", "/"}, "directory"},
      {{"tls", "example.com", "--cacert", "/dev/null"}, "/dev/null"},
      {{"tls", "example.com", "--cacert", "/tmp/a\nb"}, "/tmp/a\\x0ab"},
      {{"tls", "::1:x"}, "[ADDRESS]:PORT"},
      {{"tls", "user:pw@example.com"}, "user:pw@example.com"},
      {{"tls", "example.com", "--warn-days", "-1"}, "-1"},
      {{"tls", "example.com", "--warn-days", "soon"}, "soon"},
      {{"tls", "example.com", "--warn-days", "99999"}, "99999"},
      {{"tls", "example.com", "-4", "-6"}, "-4"},
      {{"tls", "example.com", "--timeout", "never"}, "never"},
      {{"tls", "127.0.0.1:1", "--cacert", "/nonexistent/ca.pem"}, "/nonexistent/ca.pem"},
  };
  reqscope::test::check_usage_errors(cases);
}
