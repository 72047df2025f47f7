#include "support/tls_nginx.hpp"

#include <fmt/format.h>
#include <openssl/ocsp.h>

#include <set>
#include <stdexcept>

#include "reqscope/tls/self_signed.hpp"
#include "support/nginx.hpp"

namespace reqscope::test {

namespace {

using tls::CertificateRequest;
using tls::KeyAndCertificate;

// Debian's OpenSSL defaults (TLS 1.2 at least, security level 2) would keep
// nginx from serving the weak sites; this configuration lifts both for nginx only.
constexpr const char* kOpensslConfig = R"(openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
)";

constexpr const char* kTlsServer = R"(  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {dir}/{site}.pem;
    ssl_certificate_key {dir}/{site}.key;
    ssl_protocols {protocols};
    ssl_ciphers ALL:@SECLEVEL=0;
{extra}    location / {{ return 200 "{site}\n"; }}
  }}
)";

KeyAndCertificate make(const CertificateRequest& request, const KeyAndCertificate* issuer) {
  auto made = tls::make_certificate(request, issuer);
  if (!made) throw std::runtime_error(made.error().message);
  return std::move(*made);
}

CertificateRequest ca_request(const std::string& name) {
  CertificateRequest request;
  request.common_name = name;
  request.days = 30;
  request.is_ca = true;
  return request;
}

CertificateRequest leaf_request() {
  CertificateRequest request;
  request.common_name = "localhost";
  request.sans = {"DNS:localhost", "IP:127.0.0.1"};
  request.days = 30;
  return request;
}

// A DER OCSP response saying "good" for `leaf`, signed by its issuer: what
// nginx staples from ssl_stapling_file without asking any responder.
std::string ocsp_response(const KeyAndCertificate& leaf, const KeyAndCertificate& issuer) {
  OCSP_CERTID* id = OCSP_cert_to_id(nullptr, leaf.certificate.get(), issuer.certificate.get());
  OCSP_BASICRESP* basic = OCSP_BASICRESP_new();
  ASN1_TIME* now = X509_gmtime_adj(nullptr, 0);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, 86400);
  OCSP_basic_add1_status(basic, id, V_OCSP_CERTSTATUS_GOOD, 0, nullptr, now, next);
  OCSP_basic_sign(basic, issuer.certificate.get(), issuer.key.get(), EVP_sha256(), nullptr, 0);
  OCSP_RESPONSE* response = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
  unsigned char* der = nullptr;
  const int length = i2d_OCSP_RESPONSE(response, &der);
  std::string bytes = length > 0 ? std::string(reinterpret_cast<char*>(der), length) : "";
  OPENSSL_free(der);
  OCSP_RESPONSE_free(response);
  ASN1_TIME_free(next);
  ASN1_TIME_free(now);
  OCSP_BASICRESP_free(basic);
  OCSP_CERTID_free(id);
  if (bytes.empty()) throw std::runtime_error("cannot make an OCSP response");
  return bytes;
}

}  // namespace

TlsNginx::TlsNginx() {
  const auto root = make(ca_request("reqscope test root"), nullptr);
  const auto intermediate = make(ca_request("reqscope test intermediate"), &root);
  const auto other_root = make(ca_request("unknown root"), nullptr);
  const auto other_intermediate = make(ca_request("unknown intermediate"), &other_root);
  root_file_ = dir_.write("root.pem", tls::certificate_pem(root.certificate.get()));
  const auto intermediate_pem = tls::certificate_pem(intermediate.certificate.get());
  bundle_file_ =
      dir_.write("bundle.pem", tls::certificate_pem(root.certificate.get()) + intermediate_pem);

  struct Site {
    std::string name;
    CertificateRequest request;
    const KeyAndCertificate* issuer;  // null: self-signed
    std::string chain_pem;            // sent after the leaf
    std::string protocols = "TLSv1.2 TLSv1.3";
    bool staple = false;
    std::string extra{};  // more directives for the server block
  };
  std::vector<Site> sites;
  const auto add = [&](std::string name, auto change) {
    Site site{std::move(name), leaf_request(), &intermediate, intermediate_pem};
    change(site);
    sites.push_back(std::move(site));
  };
  add("valid", [](Site&) {});
  add("expired", [](Site& s) { s.request.days = -2; });
  add("not_yet_valid", [](Site& s) { s.request.starts_in_days = 3; });
  add("wrong_host", [](Site& s) {
    s.request.common_name = "other.test";
    s.request.sans = {"DNS:other.test"};
  });
  add("self_signed", [](Site& s) {
    s.issuer = nullptr;
    s.chain_pem.clear();
  });
  add("rsa1024", [](Site& s) { s.request.rsa_bits = 1024; });
  add("sha1", [](Site& s) { s.request.digest = "SHA1"; });
  add("expiring", [](Site& s) { s.request.days = 5; });
  add("missing_intermediate", [](Site& s) { s.chain_pem.clear(); });
  add("tls12_only", [](Site& s) { s.protocols = "TLSv1.2"; });
  add("tls13_only", [](Site& s) { s.protocols = "TLSv1.3"; });
  add("legacy", [](Site& s) { s.protocols = "TLSv1 TLSv1.1 TLSv1.2"; });
  add("stapled", [](Site& s) { s.staple = true; });
  add("tls10_only", [](Site& s) { s.protocols = "TLSv1"; });
  add("client_cert", [&](Site& s) {
    s.extra = "    ssl_verify_client on;\n    ssl_client_certificate " + root_file_ + ";\n";
  });
  add("untrusted", [&](Site& s) {
    s.issuer = &other_intermediate;
    s.chain_pem = tls::certificate_pem(other_intermediate.certificate.get());
  });

  std::string servers;  // each with a {port} to fill in
  for (auto& site : sites) {
    const auto leaf = make(site.request, site.issuer);
    dir_.write(site.name + ".pem", tls::certificate_pem(leaf.certificate.get()) + site.chain_pem);
    dir_.write(site.name + ".key", tls::private_key_pem(leaf.key.get()));
    if (site.staple) {
      const auto file = dir_.write(site.name + ".ocsp", ocsp_response(leaf, *site.issuer));
      site.extra += "    ssl_stapling on;\n    ssl_stapling_file " + file + ";\n";
    }
  }
  const auto openssl_config = dir_.write("openssl.cnf", kOpensslConfig);
  // Free ports can be taken by someone else before nginx binds them: a few
  // tries with fresh ones.
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    ports_.clear();
    std::set<int> taken;
    const auto fresh_port = [&] {
      int port = free_port();
      while (!taken.insert(port).second)
        port = free_port();
      return port;
    };
    std::string config = nginx_config_head(dir_.path());
    for (const auto& site : sites) {
      ports_[site.name] = fresh_port();
      config += fmt::format(kTlsServer, fmt::arg("dir", dir_.path()), fmt::arg("site", site.name),
                            fmt::arg("port", ports_[site.name]),
                            fmt::arg("protocols", site.protocols), fmt::arg("extra", site.extra));
    }
    ports_["plain_http"] = fresh_port();
    config += fmt::format(
        "  server {{\n    listen 127.0.0.1:{};\n    location / {{ return 200 \"plain\\n\"; }}\n  "
        "}}\n}}\n",
        ports_["plain_http"]);
    std::vector<int> ports;
    for (const auto& [site, port] : ports_)
      ports.push_back(port);
    try {
      process_ = start_nginx(dir_, config, ports, {"OPENSSL_CONF=" + openssl_config});
      return;
    } catch (const std::runtime_error&) {
      if (attempt == kTries) throw;
    }
  }
}

TlsNginx::~TlsNginx() {
  process_.reset();
}

int TlsNginx::port(const std::string& site) const {
  return ports_.at(site);
}

std::string TlsNginx::address(const std::string& site) const {
  return fmt::format("127.0.0.1:{}", port(site));
}

}  // namespace reqscope::test
