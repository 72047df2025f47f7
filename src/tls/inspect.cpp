#include "reqscope/tls/inspect.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <memory>

#include "handshake.hpp"
#include "reqscope/tls/summary.hpp"
#include "reqscope/util/cancel.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/ip.hpp"

namespace reqscope::tls {

namespace {

using std::chrono::nanoseconds;

constexpr int kProtocolCodes[] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
// The extra handshakes get a budget each, so that one silent probe cannot
// take the rest of --timeout from the others.
constexpr nanoseconds kExtraHandshakeBudget = std::chrono::seconds(5);

bool received(const Transcript& transcript, const std::string& message) {
  return std::any_of(transcript.messages.begin(), transcript.messages.end(),
                     [&](const HandshakeMessage& m) { return !m.sent && m.name == message; });
}

std::string handshake_hint(const std::string& reason) {
  if (reason.find("protocol") != std::string::npos) {
    return "the server and the local OpenSSL share no protocol version, even with legacy "
           "settings (TLS 1.0 and security level 0)";
  }
  if (reason.find("handshake failure") != std::string::npos ||
      reason.find("cipher") != std::string::npos) {
    return "the server and the local OpenSSL share no cipher or key exchange, even with legacy "
           "settings";
  }
  if (reason.find("closed") != std::string::npos) {
    return "the server hung up on the ClientHello: it may not speak TLS on this port, or it wants "
           "another name (--servername)";
  }
  return "check that the server speaks TLS on this port";
}

Error handshake_error(const InspectOptions& options, const Transcript& transcript,
                      const HandshakeResult& result) {
  const auto where =
      fmt::format("TLS handshake with {} port {}", options.target.host, options.target.port);
  if (result.status == HandshakeStatus::cancelled) {
    return {"interrupted", where + " interrupted", ""};
  }
  if (result.status == HandshakeStatus::timeout) {
    return {"timeout",
            where + ": no answer within the --timeout of " + util::whole_ms(options.timeout),
            "the server accepted the connection but never answered the ClientHello: check that "
            "it speaks TLS on this port, or raise --timeout"};
  }
  if (transcript.plain_http) {
    return {
        "tls_handshake",
        where + " failed: the server answered in plain HTTP, not TLS; OpenSSL: " + result.reason,
        "this port speaks plain HTTP: use http:// with trace, or the server's TLS port"};
  }
  if (received(transcript, "CertificateRequest")) {
    return {"tls_handshake", where + " failed: " + result.reason,
            "the server requires a client certificate (mutual TLS), which reqscope does not "
            "send"};
  }
  return {"tls_handshake", where + " failed: " + result.reason, handshake_hint(result.reason)};
}

std::string group_of(SSL* ssl) {
  EVP_PKEY* key = nullptr;
  if (SSL_get_peer_tmp_key(ssl, &key) != 1 || key == nullptr) return {};
  const Pkey owned(key);
  const auto described = describe_public_key(owned.get());
  if (described.type == "EC") return described.curve;
  if (described.type == "DH") return fmt::format("DH {}", described.bits);
  return described.type;
}

void read_parameters(SSL* ssl, Inspection& out) {
  auto agreed = negotiated(ssl);
  // OpenSSL calls TLS 1.0 "TLSv1"; the versions table names it like the others.
  out.protocol = SSL_version(ssl) == TLS1_VERSION ? "TLSv1.0" : std::move(agreed.version);
  out.cipher = std::move(agreed.cipher);
  out.alpn = std::move(agreed.alpn);
  out.group = group_of(ssl);
  const unsigned char* ocsp = nullptr;
  out.ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp) > 0 && ocsp != nullptr;
}

void read_chain(SSL* ssl, X509_STORE* store, Inspection& out) {
  out.checked_at = std::chrono::system_clock::now();
  std::vector<const X509*> chain;
  if (const STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl); sent != nullptr) {
    for (int i = 0; i < sk_X509_num(sent); ++i)
      chain.push_back(sk_X509_value(sent, i));
  }
  for (const X509* certificate : chain) {
    out.chain.push_back(describe_certificate(certificate, out.checked_at));
  }
  out.verify = verify_chain(chain, store, out.verified_name, out.checked_at);
}

// A fresh connection to the address the main handshake used.
Result<Connection> reconnect(const Inspection& inspection, SSL_CTX* context, SSL_SESSION* resume,
                             Clock::time_point deadline, const std::atomic<bool>* cancel,
                             std::vector<http::ConnectAttempt>& attempts) {
  const int fd = http::connect_in_order({inspection.address}, inspection.target.port, deadline,
                                        cancel, attempts);
  if (fd < 0) {
    if (util::cancelled(cancel)) return fail("interrupted", "interrupted");
    if (Clock::now() >= deadline) return fail("timeout", "no time left for another handshake");
    return tl::unexpected(
        http::connect_error(inspection.address, inspection.target.port, attempts, {}));
  }
  return open_connection(context, fd, inspection.servername, resume);
}

// Offers the first handshake's session on a second connection. Sets
// `detail` when the answer is unknown.
std::optional<bool> test_resumption(const Inspection& inspection, SSL_CTX* context, Session session,
                                    Clock::time_point deadline, const std::atomic<bool>* cancel,
                                    std::string& detail) {
  if (!session) {
    detail = "the server gave no session to resume";
    return std::nullopt;
  }
  std::vector<http::ConnectAttempt> attempts;
  auto connection = reconnect(inspection, context, session.get(), deadline, cancel, attempts);
  if (!connection) {
    detail = "the second connection failed: " + connection.error().message;
    return std::nullopt;
  }
  const auto result = run_handshake(*connection, deadline, cancel);
  if (result.status != HandshakeStatus::ok) {
    detail = "the second handshake did not finish: " + result.reason;
    return std::nullopt;
  }
  const bool reused = SSL_session_reused(connection->ssl.get()) == 1;
  close_connection(*connection);
  return reused;
}

struct CipherStackDeleter {
  void operator()(STACK_OF(SSL_CIPHER) * ciphers) const { sk_SSL_CIPHER_free(ciphers); }
};

bool can_offer(SSL_CTX* context) {
  const SslConnection ssl(SSL_new(context));
  if (!ssl) return false;
  const std::unique_ptr<STACK_OF(SSL_CIPHER), CipherStackDeleter> ciphers(
      SSL_get1_supported_ciphers(ssl.get()));
  return ciphers && sk_SSL_CIPHER_num(ciphers.get()) > 0;
}

VersionProbe probe_version(const Inspection& inspection, int code, const char* name,
                           Clock::time_point deadline, const std::atomic<bool>* cancel) {
  VersionProbe probe{name, "not_testable", ""};
  if (inspection.protocol == name) {
    probe.result = "supported";
    probe.detail = "the first handshake's version";
    return probe;
  }
  auto context = make_client_context({code, true});
  if (!context || !can_offer(context->get())) {
    probe.detail = "the local OpenSSL cannot offer " + probe.version;
    return probe;
  }
  std::vector<http::ConnectAttempt> attempts;
  auto connection = reconnect(inspection, context->get(), nullptr, deadline, cancel, attempts);
  if (!connection) {
    probe.result = connection.error().kind == "interrupted" ? "interrupted" : "failed";
    probe.detail = connection.error().message;
    return probe;
  }
  const auto result = run_handshake(*connection, deadline, cancel);
  switch (result.status) {
    case HandshakeStatus::ok:
      probe.result = "supported";
      close_connection(*connection);
      break;
    case HandshakeStatus::failed:
      // Asking for a client certificate comes after the version was agreed.
      if (received(*connection->transcript, "CertificateRequest")) {
        probe.result = "supported";
        probe.detail = "then the server wanted a client certificate";
      } else {
        probe.result = "unsupported";
        probe.detail = result.reason;
      }
      break;
    case HandshakeStatus::timeout:
      probe.result = "failed";
      probe.detail = result.reason;
      break;
    case HandshakeStatus::cancelled:
      probe.result = "interrupted";
      break;
  }
  return probe;
}

struct FirstHandshake {
  Connection connection;
  SslContext context;
  HandshakeResult result;
};

// The main handshake: as a client with the local defaults, once more if that
// fails (a reset or a full backlog is no verdict), then as a legacy client.
// The failed connections are closed before the next try, so that a server
// that serves one connection at a time answers the next.
Result<FirstHandshake> first_handshake(const InspectOptions& options, Inspection& out, int fd,
                                       Clock::time_point deadline) {
  auto context = make_client_context({});
  if (!context) return tl::unexpected(context.error());
  const long max_version = SSL_CTX_get_max_proto_version(context->get());
  out.local_tls13 = max_version == 0 || max_version >= TLS1_3_VERSION;
  auto connection = open_connection(context->get(), fd, out.servername, nullptr);
  if (!connection) return tl::unexpected(connection.error());
  auto result = run_handshake(*connection, deadline, options.cancel);
  const auto final_answer = [&] {
    return result.status != HandshakeStatus::failed || connection->transcript->plain_http ||
           received(*connection->transcript, "CertificateRequest");
  };
  if (final_answer()) return FirstHandshake{std::move(*connection), std::move(*context), result};
  const auto default_result = result;
  for (const bool legacy : {false, true}) {
    auto retry_context =
        legacy ? make_client_context({std::nullopt, true}) : make_client_context({});
    if (!retry_context) return tl::unexpected(retry_context.error());
    close_connection(*connection);
    connection->ssl.reset();
    connection->fd.reset();
    auto retry =
        reconnect(out, retry_context->get(), nullptr, deadline, options.cancel, out.attempts);
    if (!retry) return tl::unexpected(retry.error());
    connection = std::move(retry);
    context = std::move(retry_context);
    result = run_handshake(*connection, deadline, options.cancel);
    out.connect = out.attempts.back().duration;
    if (result.status == HandshakeStatus::ok && legacy) {
      out.default_client_error = default_result.reason;
    }
    if (final_answer()) break;
  }
  // When every try failed, what a client with the defaults met is the answer.
  if (result.status == HandshakeStatus::failed) result = default_result;
  return FirstHandshake{std::move(*connection), std::move(*context), result};
}

}  // namespace

Result<Inspection> inspect(const InspectOptions& options) {
  const auto deadline = Clock::now() + options.timeout;
  Inspection out;
  out.target = options.target;
  out.ca_file = options.ca_file;
  // SNI and certificate names carry no trailing dot (RFC 6066).
  auto name = options.servername.empty() ? options.target.host : options.servername;
  if (!name.empty() && name.back() == '.') name.pop_back();
  out.servername = util::is_ip_literal(name) ? std::string{} : name;
  out.verified_name = name;

  auto store = load_trust_store(options.ca_file);
  if (!store) return tl::unexpected(store.error());

  dns::ResolveOptions resolve_options;
  resolve_options.family = options.family;
  resolve_options.timeout = options.timeout;
  resolve_options.cancel = options.cancel;
  auto resolution = dns::resolve(options.target.host, resolve_options);
  if (!resolution) return tl::unexpected(resolution.error());
  out.resolution = std::move(*resolution);

  const int fd = http::connect_in_order(out.resolution.addresses, options.target.port, deadline,
                                        options.cancel, out.attempts);
  if (fd < 0) {
    if (util::cancelled(options.cancel)) return fail("interrupted", "interrupted while connecting");
    return tl::unexpected(http::connect_error(options.target.host, options.target.port,
                                              out.attempts, options.timeout));
  }
  out.address = out.attempts.back().address;
  out.connect = out.attempts.back().duration;

  auto first = first_handshake(options, out, fd, deadline);
  if (!first) return tl::unexpected(first.error());
  auto& connection = first->connection;
  out.handshake = first->result.duration;
  out.messages = connection.transcript->messages;
  out.client_certificate_requested = received(*connection.transcript, "CertificateRequest");
  if (first->result.status != HandshakeStatus::ok) {
    return tl::unexpected(handshake_error(options, *connection.transcript, first->result));
  }
  SSL* ssl = connection.ssl.get();
  read_parameters(ssl, out);
  read_chain(ssl, store->get(), out);

  const auto extra_deadline = [&] {
    return std::min(deadline, Clock::now() + kExtraHandshakeBudget);
  };
  wait_for_session(connection, out.handshake, extra_deadline(), options.cancel);
  auto session = std::move(connection.transcript->session);
  close_connection(connection);
  out.resumption = test_resumption(out, first->context.get(), std::move(session), extra_deadline(),
                                   options.cancel, out.resumption_detail);
  if (options.probe_versions) {
    for (std::size_t i = 0; i < std::size(kProtocolCodes) && !util::cancelled(options.cancel);
         ++i) {
      out.versions.push_back(probe_version(out, kProtocolCodes[i], kProtocolNames[i],
                                           extra_deadline(), options.cancel));
    }
  }
  out.interrupted = util::cancelled(options.cancel);
  if (out.interrupted && !out.resumption) out.resumption_detail = "interrupted";
  // A probe cut short by Ctrl-C says nothing about the server.
  if (!out.versions.empty() && out.versions.back().result == "interrupted") {
    out.versions.pop_back();
  }
  return out;
}

}  // namespace reqscope::tls
