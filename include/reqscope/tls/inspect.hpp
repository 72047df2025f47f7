#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "reqscope/dns/resolve.hpp"
#include "reqscope/error.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/tls/certificate.hpp"
#include "reqscope/tls/verify.hpp"

namespace reqscope::tls {

// The server to inspect: HOST[:PORT] or an https URL. IPv6 literals may be
// bracketed ("[::1]:8443") or bare ("::1", port 443).
struct Target {
  std::string host;  // lower case; IPv6 without brackets
  std::uint16_t port = 443;
};

// Errors are kind "bad_url" and name the value.
Result<Target> parse_target(std::string_view text);

inline constexpr const char* kProtocolNames[] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

struct InspectOptions {
  Target target;
  std::string servername;  // SNI and the name verified; empty: the host (no SNI for an IP)
  std::string ca_file;     // empty: the system's trust store
  dns::Family family = dns::Family::any;
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // for the whole inspection
  bool probe_versions = false;
  const std::atomic<bool>* cancel = nullptr;
};

// One handshake message as OpenSSL sent or received it, in order.
struct HandshakeMessage {
  bool sent = false;
  std::string name;  // "ClientHello", "ServerHello", "Certificate", ...
  std::size_t bytes = 0;
  std::chrono::nanoseconds at{0};  // since the TCP connection was made
};

// One protocol version probed on its own (min = max version).
struct VersionProbe {
  std::string version;  // "TLSv1.0" ... "TLSv1.3"
  // "supported", "unsupported", "not_testable" (the local OpenSSL cannot offer
  // it), "failed" (no answer: connect error or timeout)
  std::string result;
  std::string detail;  // the reason when not supported
};

struct Inspection {
  Target target;
  std::string servername;                            // sent as SNI; empty when none was sent
  std::string verified_name;                         // the name the certificate must match
  std::string ca_file;                               // empty: the system's trust store
  std::chrono::system_clock::time_point checked_at;  // the wall-clock time dates are checked at
  dns::Resolution resolution;
  std::vector<http::ConnectAttempt> attempts;
  std::string address;  // the address the handshake ran on
  std::chrono::nanoseconds connect{0};
  std::chrono::nanoseconds handshake{0};
  std::string protocol;  // "TLSv1.3"
  std::string cipher;
  std::string group;  // key exchange: "X25519", "P-256", ... empty when none
  std::string alpn;   // empty when the server chose none
  bool ocsp_stapled = false;
  std::optional<bool> resumption;             // nullopt: unknown, see resumption_detail
  std::string resumption_detail;              // why it is unknown
  bool client_certificate_requested = false;  // the server sent a CertificateRequest
  bool local_tls13 = false;                   // whether the local OpenSSL offered TLS 1.3
  // Non-empty when a client with the local OpenSSL defaults could not
  // handshake (its reason): what is shown is then a legacy client's handshake
  // (security level 0, every version and cipher).
  std::string default_client_error;
  std::vector<HandshakeMessage> messages;
  std::vector<CertificateInfo> chain;  // as the server sent it, leaf first
  Verification verify;
  std::vector<VersionProbe> versions;  // empty unless probed
  bool interrupted = false;            // Ctrl-C after the first handshake: later probes are missing
};

// Connects (resolving with c-ares as `trace` does), handshakes with OpenSSL
// offering h2 and http/1.1 and asking for an OCSP staple (retrying as a legacy
// client when the local defaults are refused), verifies the chain
// separately so that every problem is seen, then optionally resumes the session
// and probes each protocol version. Errors: dns_*, connect_*, tls_handshake
// (the hint names a plain-HTTP port), timeout; "bad_file" for --cacert.
Result<Inspection> inspect(const InspectOptions& options);

}  // namespace reqscope::tls
