#include "reqscope/cors/scan.hpp"

#include <algorithm>
#include <set>

#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cors {

namespace {

constexpr const char* kUnrelatedOrigin = "https://unrelated-origin.example";
constexpr const char* kAllowListFix =
    "compare the whole Origin, byte for byte, with an allow-list, and send "
    "Access-Control-Allow-Origin only for listed origins";

std::string origin_with(const Origin& base, const std::string& scheme, const std::string& host,
                        std::uint16_t port) {
  Origin origin = base;
  origin.scheme = scheme;
  origin.host = host;
  origin.port = port;
  return origin.serialize();
}

// The last two labels of a DNS name ("example.com" of "app.example.com"): what a
// suffix check written as endsWith("example.com") accepts "evilexample.com" for.
std::string registrable_guess(const std::string& host) {
  const auto last = host.rfind('.');
  if (last == std::string::npos || last == 0) return host;
  const auto second = host.rfind('.', last - 1);
  return second == std::string::npos ? host : host.substr(second + 1);
}

bool allows(const Response& response, const std::string& origin) {
  return get_header(response.headers, "Access-Control-Allow-Origin") == origin;
}

bool allows_credentials(const Response& response) {
  return get_header(response.headers, "Access-Control-Allow-Credentials") == "true";
}

Finding probe_finding(const ScanProbe& probe, const Response& response) {
  const bool credentials = allows_credentials(response);
  const std::string with_credentials =
      credentials ? ", with credentials: any such page can read responses made with the user's "
                    "cookies"
                  : "";
  const std::string severity = credentials ? "high" : "medium";
  if (probe.id == "unrelated") {
    return {"origin_reflected", severity,
            "an unrelated origin (" + probe.origin +
                ") is allowed: the server reflects any Origin" + with_credentials,
            kAllowListFix, probe.origin};
  }
  if (probe.id == "null") {
    return {"null_origin_allowed", severity,
            "Origin: null is allowed; sandboxed iframes and file: pages of any site send null" +
                with_credentials,
            "never allow null: remove it from the allow-list", probe.origin};
  }
  if (probe.id == "prefix" || probe.id == "suffix") {
    return {probe.id + "_origin_allowed", severity,
            "the look-alike origin " + probe.origin + " is allowed: the allow-list check matches " +
                (probe.id == "prefix" ? "the start" : "the end") + " of the origin" +
                with_credentials,
            kAllowListFix + std::string(" (no startsWith, endsWith or unanchored regex)"),
            probe.origin};
  }
  if (probe.id == "other_scheme") {
    const bool downgrade = probe.origin.starts_with("http:");
    return {"other_scheme_allowed", downgrade && credentials ? "medium" : "low",
            "the same host over another scheme (" + probe.origin + ") is allowed" +
                (downgrade ? "; anyone who can tamper with plain-HTTP traffic can read these "
                             "responses"
                           : ""),
            "allow only the scheme your page uses", probe.origin};
  }
  return {"other_port_allowed", "low",
          "the same host on another port (" + probe.origin + ") is allowed",
          "allow only the port your page uses", probe.origin};
}

}  // namespace

std::vector<ScanProbe> scan_probes(const Origin& origin) {
  std::vector<ScanProbe> probes;
  probes.push_back({"unrelated", kUnrelatedOrigin});
  if (origin.opaque) return probes;
  probes.push_back({"null", "null"});
  // Look-alikes of an IP address are not names anyone could register.
  if (!origin.host_is_ipv6 && !util::is_ipv4_literal(origin.host)) {
    probes.push_back(
        {"prefix", origin_with(origin, origin.scheme, origin.host + ".evil.test", origin.port)});
    probes.push_back({"suffix", origin_with(origin, origin.scheme,
                                            "evil" + registrable_guess(origin.host), origin.port)});
  }
  const std::string other_scheme = origin.scheme == "https" ? "http" : "https";
  const std::uint16_t scheme_port =
      origin.default_port() ? (other_scheme == "https" ? 443 : 80) : origin.port;
  probes.push_back({"other_scheme", origin_with(origin, other_scheme, origin.host, scheme_port)});
  const std::uint16_t other_port = origin.port == 65535 ? 65534 : origin.port + 1;
  probes.push_back({"other_port", origin_with(origin, origin.scheme, origin.host, other_port)});
  return probes;
}

std::vector<Finding> scan_findings(const Request& request, const Response& baseline,
                                   const std::vector<ProbeResponse>& probes) {
  std::vector<Finding> findings;
  const bool reflects_any = std::any_of(probes.begin(), probes.end(), [](const ProbeResponse& p) {
    return p.probe.id == "unrelated" && allows(p.response, p.probe.origin);
  });
  for (const auto& [probe, response] : probes) {
    if (!allows(response, probe.origin)) continue;
    // Reflecting every origin already explains each look-alike being allowed.
    if (reflects_any && probe.id != "unrelated" && probe.id != "null") continue;
    findings.push_back(probe_finding(probe, response));
  }

  std::set<std::optional<std::string>> allow_origins{
      get_header(baseline.headers, "Access-Control-Allow-Origin")};
  bool every_response_varies = vary_lists_origin(baseline.headers);
  for (const auto& probe : probes) {
    allow_origins.insert(get_header(probe.response.headers, "Access-Control-Allow-Origin"));
    every_response_varies = every_response_varies && vary_lists_origin(probe.response.headers);
  }
  if (allow_origins.size() > 1 && !every_response_varies) {
    findings.push_back({"missing_vary", "medium",
                        "Access-Control-Allow-Origin changes with the Origin sent, but Vary does "
                        "not always list Origin: a shared cache can serve one origin's answer to "
                        "another",
                        "Vary: Origin (on every response of this URL, also those without "
                        "Access-Control-Allow-Origin)",
                        ""});
  }

  if (auto wildcard = wildcard_with_credentials(baseline.headers))
    findings.push_back(std::move(*wildcard));

  // Allow-Methods means something only on a preflight's answer.
  if (!plan_preflight(request).needed) return findings;
  const auto methods = extract_token_list(baseline.headers, "Access-Control-Allow-Methods");
  const auto method = normalize_method(request.method);
  std::vector<std::string> extra;
  for (const auto& member : methods.members) {
    if (member != method && !is_safelisted_method(member)) extra.push_back(member);
  }
  if (std::find(extra.begin(), extra.end(), "*") != extra.end()) {
    findings.push_back({"allow_methods_broad", "low",
                        "Access-Control-Allow-Methods is *: every method is allowed cross-origin",
                        "Access-Control-Allow-Methods: " + method +
                            " (the methods this resource "
                            "serves)",
                        ""});
  } else if (!extra.empty()) {
    findings.push_back({"allow_methods_broad", "low",
                        "Access-Control-Allow-Methods also allows " + util::join(extra, ", ") +
                            "; this request needs only " + method,
                        "list only the methods this resource serves", ""});
  }
  return findings;
}

}  // namespace reqscope::cors
