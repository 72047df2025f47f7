#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "../http/connect.hpp"
#include "reqscope/error.hpp"
#include "reqscope/tls/handles.hpp"
#include "reqscope/tls/inspect.hpp"

namespace reqscope::tls {

using Clock = std::chrono::steady_clock;

// How a client context is set up. The default is what an OpenSSL client gets
// from the local configuration; `legacy` lowers the security level to 0 and
// allows every cipher and protocol version, so that old servers can be
// reached at all.
struct ClientConfig {
  std::optional<int> only_version;  // min = max = this (TLS1_VERSION ... TLS1_3_VERSION)
  bool legacy = false;
};

// Errors are kind "tls_setup".
Result<SslContext> make_client_context(const ClientConfig& config);

// What the handshake callbacks record; kept at a stable address for OpenSSL.
struct Transcript {
  Clock::time_point start;
  std::vector<HandshakeMessage> messages;
  bool plain_http = false;  // the server's first bytes were an HTTP response
  Session session;          // the latest resumable session the server gave
};

// One TLS client connection over a connected socket.
struct Connection {
  http::UniqueFd fd;
  std::unique_ptr<Transcript> transcript;
  SslConnection ssl;  // last, so it is freed first
};

// Wraps a connected non-blocking socket (taking ownership) in a TLS client
// connection: SNI when `servername` is not empty, ALPN h2 and http/1.1, an OCSP
// status request, and `resume` offered when given.
Result<Connection> open_connection(SSL_CTX* context, int fd, const std::string& servername,
                                   SSL_SESSION* resume);

enum class HandshakeStatus { ok, failed, timeout, cancelled };

struct HandshakeResult {
  HandshakeStatus status = HandshakeStatus::failed;
  std::string reason;  // OpenSSL's reason, or what the server did, when not ok
  std::chrono::nanoseconds duration{0};
};

// Runs the handshake until done, `deadline`, or `cancel`.
HandshakeResult run_handshake(Connection& connection, Clock::time_point deadline,
                              const std::atomic<bool>* cancel);

// TLS 1.3 servers send session tickets after the handshake: reads until one
// arrives, `deadline`, `cancel`, or a wait scaled to `handshake_time` passes.
void wait_for_session(Connection& connection, std::chrono::nanoseconds handshake_time,
                      Clock::time_point deadline, const std::atomic<bool>* cancel);

// Sends close_notify without waiting for the server's.
void close_connection(Connection& connection);

}  // namespace reqscope::tls
