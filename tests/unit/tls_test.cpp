#include <fmt/format.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <catch2/catch.hpp>

#include "reqscope/render/tls_human.hpp"
#include "reqscope/render/tls_json.hpp"
#include "reqscope/tls/certificate.hpp"
#include "reqscope/tls/findings.hpp"
#include "reqscope/tls/inspect.hpp"
#include "reqscope/tls/self_signed.hpp"
#include "reqscope/tls/verify.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;
using tls::CertificateRequest;
using tls::KeyAndCertificate;

namespace {

KeyAndCertificate make(CertificateRequest request, const KeyAndCertificate* issuer = nullptr) {
  auto made = tls::make_certificate(request, issuer);
  REQUIRE(made);
  return std::move(*made);
}

CertificateRequest ca(const std::string& name) {
  CertificateRequest request;
  request.common_name = name;
  request.is_ca = true;
  return request;
}

CertificateRequest leaf() {
  CertificateRequest request;
  request.common_name = "localhost";
  request.sans = {"DNS:localhost", "IP:127.0.0.1"};
  return request;
}

struct Pki {
  KeyAndCertificate root = make(ca("unit root"));
  KeyAndCertificate intermediate = make(ca("unit intermediate"), &root);
  tls::Store store{X509_STORE_new()};
  Pki() { X509_STORE_add_cert(store.get(), root.certificate.get()); }

  tls::Verification verify(const KeyAndCertificate& end, bool with_intermediate = true,
                           const std::string& host = "localhost") const {
    std::vector<const X509*> chain = {end.certificate.get()};
    if (with_intermediate) chain.push_back(intermediate.certificate.get());
    return tls::verify_chain(chain, store.get(), host, std::chrono::system_clock::now());
  }
};

bool has_problem(const tls::Verification& verification, int code, int depth) {
  for (const auto& problem : verification.problems) {
    if (problem.code == code && problem.depth == depth) return true;
  }
  return false;
}

std::vector<std::string> ids(const std::vector<tls::Finding>& findings, tls::Severity severity) {
  std::vector<std::string> out;
  for (const auto& finding : findings) {
    if (finding.severity == severity) out.push_back(finding.id);
  }
  return out;
}

tls::CertificateInfo certificate(std::chrono::system_clock::time_point now, const std::string& name,
                                 const std::string& issuer) {
  tls::CertificateInfo info;
  info.subject = "CN=" + name;
  info.issuer = "CN=" + issuer;
  info.sans = {"DNS:" + name};
  info.key = {"EC", 256, "P-256"};
  info.signature_algorithm = "ecdsa-with-SHA256";
  info.signature_bits = 128;
  info.not_before = now - std::chrono::hours(24 * 10);
  info.not_after = now + std::chrono::hours(24 * 60 + 1);
  info.days_left = 60;
  info.sha256 = "fingerprint of " + name;
  return info;
}

tls::CertificateInfo ca_certificate(std::chrono::system_clock::time_point now,
                                    const std::string& name, const std::string& issuer) {
  auto info = certificate(now, name, issuer);
  info.sans.clear();
  info.is_ca = true;
  info.self_issued = name == issuer;
  return info;
}

// A server sending leaf and intermediate, verified to a root in the store.
tls::Inspection healthy(std::chrono::system_clock::time_point now) {
  tls::Inspection inspection;
  inspection.target = {"api.example.com", 443};
  inspection.verified_name = "api.example.com";
  inspection.checked_at = now;
  inspection.protocol = "TLSv1.3";
  inspection.local_tls13 = true;
  inspection.chain = {certificate(now, "api.example.com", "Example Intermediate"),
                      ca_certificate(now, "Example Intermediate", "Example Root")};
  inspection.verify.ok = true;
  inspection.verify.chain = inspection.chain;
  inspection.verify.chain.push_back(ca_certificate(now, "Example Root", "Example Root"));
  return inspection;
}

void fail_verification(tls::Inspection& inspection, std::vector<tls::VerifyProblem> problems) {
  inspection.verify.ok = false;
  inspection.verify.error = problems.front().reason;
  inspection.verify.problems = std::move(problems);
}

}  // namespace

TEST_CASE("tls::parse_target accepts hosts, ports, IPv6 and https URLs", "[tls]") {
  const auto check = [](const char* text, const char* host, int port) {
    INFO(text);
    const auto target = tls::parse_target(text);
    REQUIRE(target);
    CHECK(target->host == host);
    CHECK(target->port == port);
  };
  check("example.com", "example.com", 443);
  check("Example.COM:8443", "example.com", 8443);
  check("127.0.0.1:1", "127.0.0.1", 1);
  check("::1", "::1", 443);
  check("[::1]", "::1", 443);
  check("[2001:db8::1]:9443", "2001:db8::1", 9443);
  check("https://api.example.com/v1?x=1", "api.example.com", 443);
  check("https://[::1]:8443/", "::1", 8443);
}

TEST_CASE("tls::parse_target rejects malformed and hostile targets by name", "[tls][errors]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"http://example.com/", "https"},
      {"ftp://x/", "ftp"},
      {"example.com:", "example.com:"},
      {"example.com:65536", "65536"},
      {"example.com:-1", "-1"},
      {"[::1", "[::1"},
      {"[::1]x", "[::1]x"},
      {"[example.com]:443", "example.com"},
      {"a..b", "a..b"},
      {"bad host", "bad host"},
      {"x:1:2", "x:1"},
      {std::string(400, 'a'), "aaaa"},
      {std::string("nul\0byte", 8), "\\x00"},
      {"\x1b[31mred", "\\x1b"},
  };
  for (const auto& [text, named] : cases) {
    INFO(text);
    const auto target = tls::parse_target(text);
    REQUIRE_FALSE(target);
    CHECK(target.error().kind == "bad_url");
    CHECK(target.error().message.find(named) != std::string::npos);
    CHECK(target.error().message.find('\n') == std::string::npos);
    CHECK(target.error().message.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("tls::describe_certificate reads keys, names, dates and fingerprints", "[tls]") {
  const auto now = std::chrono::system_clock::now();
  const Pki pki;
  CertificateRequest rsa = leaf();
  rsa.rsa_bits = 2048;
  rsa.digest = "SHA384";
  const auto end = make(rsa, &pki.intermediate);
  const auto info = tls::describe_certificate(end.certificate.get(), now);
  CHECK(info.subject == "CN=localhost,O=reqscope lab");
  CHECK(info.issuer == "CN=unit intermediate,O=reqscope lab");
  CHECK(info.sans == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"});
  CHECK(info.key.type == "RSA");
  CHECK(info.key.bits == 2048);
  CHECK(tls::describe_key(info.key) == "RSA 2048");
  CHECK(info.signature_algorithm == "ecdsa-with-SHA384");  // signed by the EC intermediate
  CHECK(info.days_left >= 29);
  CHECK(info.days_left <= 30);
  CHECK(info.sha256.size() == 95);
  CHECK(info.sha256[2] == ':');
  CHECK_FALSE(info.self_issued);
  CHECK_FALSE(info.is_ca);

  const auto root = tls::describe_certificate(pki.root.certificate.get(), now);
  CHECK(root.self_issued);
  CHECK(root.is_ca);
  CHECK(tls::describe_key(root.key) == "EC P-256");
}

TEST_CASE("tls::verify_chain collects every problem with its depth", "[tls]") {
  const Pki pki;
  SECTION("a complete, valid chain") {
    const auto verification = pki.verify(make(leaf(), &pki.intermediate));
    CHECK(verification.ok);
    CHECK(verification.error.empty());
  }
  SECTION("the IP address is checked too") {
    CHECK(pki.verify(make(leaf(), &pki.intermediate), true, "127.0.0.1").ok);
    CHECK(has_problem(pki.verify(make(leaf(), &pki.intermediate), true, "127.0.0.2"),
                      X509_V_ERR_IP_ADDRESS_MISMATCH, 0));
  }
  SECTION("a missing intermediate") {
    const auto verification = pki.verify(make(leaf(), &pki.intermediate), false);
    CHECK_FALSE(verification.ok);
    CHECK(verification.problems.front().depth == 0);
  }
  SECTION("expired and wrong host at once") {
    auto request = leaf();
    request.days = -3;
    const auto verification = pki.verify(make(request, &pki.intermediate), true, "other.test");
    CHECK_FALSE(verification.ok);
    CHECK(has_problem(verification, X509_V_ERR_CERT_HAS_EXPIRED, 0));
    CHECK(has_problem(verification, X509_V_ERR_HOSTNAME_MISMATCH, 0));
  }
  SECTION("not yet valid") {
    auto request = leaf();
    request.starts_in_days = 2;
    CHECK(has_problem(pki.verify(make(request, &pki.intermediate)), X509_V_ERR_CERT_NOT_YET_VALID,
                      0));
  }
  SECTION("self-signed") {
    CHECK(has_problem(pki.verify(make(leaf()), false), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0));
  }
  SECTION("a 1024-bit RSA key fails at security level 2") {
    auto request = leaf();
    request.rsa_bits = 1024;
    CHECK(
        has_problem(pki.verify(make(request, &pki.intermediate)), X509_V_ERR_EE_KEY_TOO_SMALL, 0));
  }
  SECTION("a weak key does not hide an unknown root") {
    const auto other_root = make(ca("other root"));
    const auto other_intermediate = make(ca("other intermediate"), &other_root);
    auto request = leaf();
    request.rsa_bits = 1024;
    const auto end = make(request, &other_intermediate);
    const auto verification =
        tls::verify_chain({end.certificate.get(), other_intermediate.certificate.get()},
                          pki.store.get(), "localhost", std::chrono::system_clock::now());
    CHECK(has_problem(verification, X509_V_ERR_EE_KEY_TOO_SMALL, 0));
    CHECK_FALSE(has_problem(verification, X509_V_ERR_EE_KEY_TOO_SMALL, 1));
    CHECK(has_problem(verification, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 1));
  }
  SECTION("the built chain reaches the root, from the store when need be") {
    const auto end = make(leaf(), &pki.intermediate);
    const auto verification = pki.verify(end);
    REQUIRE(verification.chain.size() == 3);
    CHECK(verification.chain[2].subject == "CN=unit root,O=reqscope lab");
    X509_STORE_add_cert(pki.store.get(), pki.intermediate.certificate.get());
    const auto from_store = pki.verify(end, false);
    CHECK(from_store.ok);
    REQUIRE(from_store.chain.size() == 3);
    CHECK(from_store.chain[1].subject == "CN=unit intermediate,O=reqscope lab");
  }
  SECTION("a chain to an unknown root") {
    const auto other_root = make(ca("other root"));
    const auto other_intermediate = make(ca("other intermediate"), &other_root);
    const auto end = make(leaf(), &other_intermediate);
    const auto verification =
        tls::verify_chain({end.certificate.get(), other_intermediate.certificate.get()},
                          pki.store.get(), "localhost", std::chrono::system_clock::now());
    CHECK_FALSE(verification.ok);
    CHECK(verification.problems.front().depth == 1);
  }
  SECTION("an empty chain") {
    const auto verification =
        tls::verify_chain({}, pki.store.get(), "localhost", std::chrono::system_clock::now());
    CHECK_FALSE(verification.ok);
    CHECK(verification.error == "the server sent no certificate");
  }
}

TEST_CASE("tls::evaluate turns an inspection into findings", "[tls]") {
  const auto now = std::chrono::system_clock::now();
  SECTION("a healthy server has none") {
    CHECK(tls::evaluate(healthy(now), {}).empty());
  }
  SECTION("expiry: expired, not yet valid, expiring within --warn-days") {
    auto inspection = healthy(now);
    inspection.chain[0].not_after = now - std::chrono::hours(24 * 3 + 1);
    inspection.chain[0].days_left = -4;
    auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "expired");
    CHECK(findings[0].message.find("(expired 3 days ago)") != std::string::npos);

    inspection = healthy(now);
    inspection.chain[0].not_before = now + std::chrono::hours(1);
    CHECK(ids(tls::evaluate(inspection, {}), tls::Severity::error) ==
          std::vector<std::string>{"not_yet_valid"});

    inspection = healthy(now);
    inspection.chain[0].days_left = 13;
    CHECK(ids(tls::evaluate(inspection, {14, false}), tls::Severity::error) ==
          std::vector<std::string>{"expiring_soon"});
    CHECK(tls::evaluate(inspection, {13, false}).empty());
    CHECK(ids(tls::evaluate(inspection, {14, true}), tls::Severity::error) ==
          std::vector<std::string>{"expiring_soon"});

    inspection = healthy(now);
    inspection.chain[1].days_left = 4;
    findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("intermediate certificate 'Example Intermediate'") !=
          std::string::npos);
    CHECK(findings[0].fix.find("current intermediate") != std::string::npos);
  }
  SECTION("trust problems, and --insecure making them warnings") {
    auto inspection = healthy(now);
    inspection.verify.chain.resize(1);
    fail_verification(inspection,
                      {{0, X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch"},
                       {0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get issuer"},
                       {0, X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch"},
                       {0, X509_V_ERR_INVALID_PURPOSE, "unsupported certificate purpose"}});
    const auto findings = tls::evaluate(inspection, {});
    CHECK(ids(findings, tls::Severity::error) ==
          std::vector<std::string>{"hostname_mismatch", "incomplete_chain", "verify_failed"});
    CHECK(findings[0].message.find("DNS:api.example.com") != std::string::npos);
    CHECK(findings[1].message.find("'Example Intermediate'") != std::string::npos);
    CHECK(findings[2].message.find("unsupported certificate purpose") != std::string::npos);
    CHECK(findings[2].fix.find("serverAuth") != std::string::npos);
    CHECK(ids(tls::evaluate(inspection, {14, true}), tls::Severity::error).empty());
    CHECK(ids(tls::evaluate(inspection, {14, true}), tls::Severity::warning).size() == 3);
  }
  SECTION("a hostname mismatch lists at most eight names") {
    auto inspection = healthy(now);
    for (int i = 0; i < 20; ++i)
      inspection.chain[0].sans.push_back(fmt::format("DNS:h{}", i));
    fail_verification(inspection, {{0, X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch"}});
    const auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("and 13 more") != std::string::npos);
  }
  SECTION("dates and strength still fail under --insecure") {
    auto inspection = healthy(now);
    inspection.chain[0].not_after = now - std::chrono::hours(1);
    inspection.chain[0].key = {"RSA", 1024, ""};
    CHECK(ids(tls::evaluate(inspection, {14, true}), tls::Severity::error) ==
          std::vector<std::string>{"expired", "weak_key"});
  }
  SECTION("a trust-store certificate's own problem is an error, even under --insecure") {
    auto inspection = healthy(now);
    inspection.verify.chain[2].not_after = now - std::chrono::hours(24 * 2 + 1);
    fail_verification(inspection, {{2, X509_V_ERR_CERT_HAS_EXPIRED, "certificate has expired"}});
    const auto findings = tls::evaluate(inspection, {14, true});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "expired");
    CHECK(findings[0].severity == tls::Severity::error);
    CHECK(findings[0].message.find("the root certificate 'Example Root'") != std::string::npos);
    CHECK(findings[0].message.find("(trust store)") != std::string::npos);
    CHECK(findings[0].fix.find("in the trust store") != std::string::npos);
  }
  SECTION("what OpenSSL rejects and reqscope's own checks miss is still told") {
    auto inspection = healthy(now);
    inspection.chain[0].signature_algorithm = "rsassaPss";
    inspection.chain[0].signature_bits = 0;
    inspection.verify.chain[0] = inspection.chain[0];
    fail_verification(inspection, {{0, X509_V_ERR_CA_MD_TOO_WEAK, "digest too weak"}});
    const auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "weak_signature");
    CHECK(findings[0].severity == tls::Severity::error);
    CHECK(findings[0].message.find("digest too weak") != std::string::npos);
  }
  SECTION("an expired certificate the server sends but clients skip is a warning") {
    auto inspection = healthy(now);
    auto old_cross_sign = ca_certificate(now, "Example Root", "Old Root");
    old_cross_sign.sha256 = "fingerprint of the cross-signed root";
    old_cross_sign.not_after = now - std::chrono::hours(24 * 30);
    inspection.chain.push_back(old_cross_sign);
    const auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "expired");
    CHECK(findings[0].severity == tls::Severity::warning);
    CHECK(findings[0].message.find("clients do not use it") != std::string::npos);
  }
  SECTION("verified only thanks to an intermediate from the trust store") {
    auto inspection = healthy(now);
    inspection.chain.resize(1);
    const auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "incomplete_chain");
    CHECK(findings[0].severity == tls::Severity::warning);
    CHECK(findings[0].message.find("'Example Intermediate'") != std::string::npos);
  }
  SECTION("a missing issuer above a CA certificate is an untrusted root") {
    auto inspection = healthy(now);
    inspection.verify.chain.resize(2);
    inspection.verify.chain[1].issuer = "CN=Private Root";
    fail_verification(inspection,
                      {{1, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get issuer"}});
    const auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "untrusted_root");
    CHECK(findings[0].message.find("Private Root") != std::string::npos);
  }
  SECTION("weak keys and signatures, but not the root's own signature") {
    auto inspection = healthy(now);
    inspection.chain[0].key = {"RSA", 1024, ""};
    inspection.chain[0].signature_algorithm = "sha1WithRSAEncryption";
    inspection.chain[0].signature_bits = 63;
    inspection.verify.chain[0] = inspection.chain[0];
    inspection.verify.chain[2].signature_bits = 63;
    CHECK(ids(tls::evaluate(inspection, {}), tls::Severity::error) ==
          std::vector<std::string>{"weak_key", "weak_signature"});
  }
  SECTION("connection findings are warnings, sorted after errors") {
    auto inspection = healthy(now);
    inspection.protocol = "TLSv1.2";
    inspection.chain[0].days_left = 1;
    inspection.verify.chain[0] = inspection.chain[0];
    auto findings = tls::evaluate(inspection, {});
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].id == "expiring_soon");
    CHECK(findings[1].id == "no_tls13");
    CHECK(findings[1].severity == tls::Severity::warning);
    CHECK_FALSE(tls::has_error({findings[1]}));

    inspection = healthy(now);
    inspection.client_certificate_requested = true;
    inspection.versions = {{"TLSv1.0", "supported", ""},
                           {"TLSv1.1", "failed", "no answer from the server"},
                           {"TLSv1.2", "supported", ""},
                           {"TLSv1.3", "unsupported", ""}};
    findings = tls::evaluate(inspection, {});
    CHECK(ids(findings, tls::Severity::warning) ==
          std::vector<std::string>{"client_certificate_requested", "tls10_enabled", "no_tls13",
                                   "probe_failed"});
    CHECK(findings.back().message.find("TLSv1.1 (no answer from the server)") != std::string::npos);

    inspection = healthy(now);
    inspection.local_tls13 = false;
    inspection.protocol = "TLSv1.2";
    CHECK(tls::evaluate(inspection, {}).empty());

    inspection.protocol = "TLSv1.0";
    inspection.cipher = "ECDHE-ECDSA-AES128-SHA";
    inspection.default_client_error = "unsupported protocol";
    findings = tls::evaluate(inspection, {14, true});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "legacy_only");
    CHECK(findings[0].severity == tls::Severity::error);
    CHECK(findings[0].message.find("unsupported protocol") != std::string::npos);
    CHECK(findings[0].message.find("TLSv1.0") != std::string::npos);
  }
}

TEST_CASE("tls render: hostile names are escaped and long SAN lists shortened", "[tls][render]") {
  const auto now = std::chrono::system_clock::now();
  auto inspection = healthy(now);
  inspection.attempts = {{"192.0.2.1", 443, "IPv4", "ok", "", std::chrono::milliseconds(1)}};
  inspection.address = "192.0.2.1";
  inspection.chain[0].subject = "CN=evil\x1b[2J\x07name";
  inspection.chain[0].sans = {"DNS:bell\x07\x1b[31m.test"};
  for (int i = 1; i < 20; ++i)
    inspection.chain[0].sans.push_back(fmt::format("DNS:h{}.test", i));
  inspection.verify.chain[0] = inspection.chain[0];
  const auto findings = tls::evaluate(inspection, {});
  render::HumanOptions options;
  const auto out = render::render_tls(inspection, findings, options);
  INFO(out);
  CHECK(out.rfind("OK  api.example.com:443 TLSv1.3, certificate trusted, 60 days left", 0) == 0);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK(out.find("and 12 more") != std::string::npos);
  CHECK(out.find("(-v shows all)") != std::string::npos);
  for (auto line : util::split(out, '\n')) {
    INFO(line);
    CHECK(util::display_width(line) <= render::kColumns);
  }
  auto mismatch = inspection;
  fail_verification(mismatch, {{0, X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch"}});
  const auto mismatch_out = render::render_tls(mismatch, tls::evaluate(mismatch, {}), options);
  CHECK(mismatch_out.find("hostname_mismatch") != std::string::npos);
  CHECK(mismatch_out.find("DNS:bell") != std::string::npos);
  CHECK(mismatch_out.find('\x1b') == std::string::npos);
  CHECK(mismatch_out.find('\x07') == std::string::npos);
  options.verbose = true;
  CHECK(render::render_tls(inspection, findings, options).find("DNS:h19.test") !=
        std::string::npos);

  const auto document = render::tls_document(inspection, findings);
  CHECK(document["schema"] == "reqscope.tls/1");
  CHECK(document["ok"] == true);
  CHECK(document["interrupted"] == false);
  CHECK(document["versions"].is_null());
  CHECK(document["version_probes"].empty());
  CHECK(document["chain"][0]["subject"] == "CN=evil\x1b[2J\x07name");
  CHECK(document["chain"][0]["sans"].size() == 20);
}

TEST_CASE("tls render: IPv6 targets in brackets and the earliest expiry first", "[tls][render]") {
  const auto now = std::chrono::system_clock::now();
  auto inspection = healthy(now);
  inspection.target = {"2001:db8::1", 8443};
  inspection.attempts = {{"2001:db8::1", 8443, "IPv6", "ok", "", std::chrono::milliseconds(1)}};
  inspection.address = "2001:db8::1";
  inspection.chain[1].days_left = 20;
  inspection.chain[1].not_after = now + std::chrono::hours(24 * 20 + 1);
  inspection.verify.chain[1] = inspection.chain[1];
  const auto out = render::render_tls(inspection, tls::evaluate(inspection, {}), {});
  INFO(out);
  CHECK(out.rfind("OK  [2001:db8::1]:8443 TLSv1.3, certificate trusted, 20 days left", 0) == 0);
  CHECK(out.find("(intermediate\n    'Example Intermediate')") != std::string::npos);
}

TEST_CASE("tls::common_name unescapes RFC 2253 values", "[tls]") {
  CHECK(tls::common_name("CN=Foo\\, Inc,O=Bar") == "Foo, Inc");
  CHECK(tls::common_name("O=Bar,CN=host") == "host");
  CHECK(tls::common_name("O=No CN") == "O=No CN");
  CHECK(tls::common_name("") == "");
}
