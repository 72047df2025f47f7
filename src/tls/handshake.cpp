#include "handshake.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "reqscope/util/cancel.hpp"

namespace reqscope::tls {

namespace {

// Short enough that Ctrl-C is seen at once, long enough not to spin.
constexpr std::chrono::milliseconds kPollSlice{100};
constexpr std::chrono::milliseconds kTicketWaitMin{250};
constexpr std::chrono::milliseconds kTicketWaitMax{1000};
constexpr unsigned char kAlpnOffer[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

std::string handshake_type_name(unsigned type) {
  switch (type) {
    case SSL3_MT_HELLO_REQUEST:
      return "HelloRequest";
    case SSL3_MT_CLIENT_HELLO:
      return "ClientHello";
    case SSL3_MT_SERVER_HELLO:
      return "ServerHello";
    case SSL3_MT_NEWSESSION_TICKET:
      return "NewSessionTicket";
    case SSL3_MT_END_OF_EARLY_DATA:
      return "EndOfEarlyData";
    case SSL3_MT_ENCRYPTED_EXTENSIONS:
      return "EncryptedExtensions";
    case SSL3_MT_CERTIFICATE:
      return "Certificate";
    case SSL3_MT_SERVER_KEY_EXCHANGE:
      return "ServerKeyExchange";
    case SSL3_MT_CERTIFICATE_REQUEST:
      return "CertificateRequest";
    case SSL3_MT_SERVER_DONE:
      return "ServerHelloDone";
    case SSL3_MT_CERTIFICATE_VERIFY:
      return "CertificateVerify";
    case SSL3_MT_CLIENT_KEY_EXCHANGE:
      return "ClientKeyExchange";
    case SSL3_MT_FINISHED:
      return "Finished";
    case SSL3_MT_CERTIFICATE_STATUS:
      return "CertificateStatus";
    case SSL3_MT_KEY_UPDATE:
      return "KeyUpdate";
    default:
      return "handshake message " + std::to_string(type);
  }
}

void on_message(int write_p, int /*version*/, int content_type, const void* buf, std::size_t len,
                SSL* /*ssl*/, void* arg) {
  auto& transcript = *static_cast<Transcript*>(arg);
  const auto* bytes = static_cast<const unsigned char*>(buf);
  if (content_type == SSL3_RT_HEADER) {
    if (write_p == 0 && len >= 5 && transcript.messages.size() <= 1 &&
        std::memcmp(bytes, "HTTP/", 5) == 0) {
      transcript.plain_http = true;
    }
    return;
  }
  std::string name;
  if (content_type == SSL3_RT_HANDSHAKE && len > 0) {
    name = handshake_type_name(bytes[0]);
  } else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC) {
    name = "ChangeCipherSpec";
  } else if (content_type == SSL3_RT_ALERT && len >= 2) {
    name = std::string("Alert: ") + SSL_alert_desc_string_long(bytes[1]);
  } else {
    return;
  }
  transcript.messages.push_back(
      {write_p != 0, std::move(name), len, Clock::now() - transcript.start});
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* transcript = static_cast<Transcript*>(SSL_get_app_data(ssl));
  if (transcript == nullptr || SSL_SESSION_is_resumable(session) != 1) return 0;
  transcript->session.reset(session);
  return 1;
}

std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  if (code == 0) return {};
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(code);
}

// Waits until the socket is ready for what OpenSSL asked, or the slice ends.
void wait_ready(int fd, int ssl_error, Clock::time_point deadline) {
  pollfd pfd{fd, static_cast<short>(ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
  const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  const auto wait = std::clamp(remaining, std::chrono::milliseconds(0), kPollSlice);
  ::poll(&pfd, 1, static_cast<int>(wait.count()));
}

}  // namespace

Result<SslContext> make_client_context(const ClientConfig& config) {
  SslContext context(SSL_CTX_new(TLS_client_method()));
  if (!context) return fail("tls_setup", "cannot create an OpenSSL client context");
  SSL_CTX* ctx = context.get();
  if (config.legacy) {
    SSL_CTX_set_min_proto_version(ctx, 0);  // 0: the lowest version this OpenSSL has
    SSL_CTX_set_security_level(ctx, 0);
    // Anonymous suites would give a handshake without a certificate to show.
    SSL_CTX_set_cipher_list(ctx, "ALL:!aNULL:@SECLEVEL=0");
  }
  if (config.only_version) {
    if (SSL_CTX_set_min_proto_version(ctx, *config.only_version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, *config.only_version) != 1) {
      return fail("tls_setup", "the local OpenSSL cannot offer this protocol version");
    }
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_alpn_protos(ctx, kAlpnOffer, sizeof kAlpnOffer);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  return context;
}

Result<Connection> open_connection(SSL_CTX* context, int fd, const std::string& servername,
                                   SSL_SESSION* resume) {
  Connection connection{http::UniqueFd(fd), std::make_unique<Transcript>(),
                        SslConnection(SSL_new(context))};
  SSL* ssl = connection.ssl.get();
  if (ssl == nullptr) return fail("tls_setup", "cannot create an OpenSSL connection");
  connection.transcript->start = Clock::now();
  SSL_set_app_data(ssl, connection.transcript.get());
  SSL_set_msg_callback(ssl, on_message);
  SSL_set_msg_callback_arg(ssl, connection.transcript.get());
  SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
  if (!servername.empty()) SSL_set_tlsext_host_name(ssl, servername.c_str());
  if (resume != nullptr) SSL_set_session(ssl, resume);
  SSL_set_fd(ssl, fd);
  return connection;
}

HandshakeResult run_handshake(Connection& connection, Clock::time_point deadline,
                              const std::atomic<bool>* cancel) {
  SSL* ssl = connection.ssl.get();
  HandshakeResult result;
  const auto started = Clock::now();
  ERR_clear_error();
  while (true) {
    errno = 0;
    const int rc = SSL_connect(ssl);
    if (rc == 1) {
      result.status = HandshakeStatus::ok;
      break;
    }
    const int error = SSL_get_error(ssl, rc);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      if (util::cancelled(cancel)) {
        result.status = HandshakeStatus::cancelled;
        result.reason = "interrupted";
        break;
      }
      if (Clock::now() >= deadline) {
        result.status = HandshakeStatus::timeout;
        result.reason = "no answer from the server";
        break;
      }
      wait_ready(connection.fd.get(), error, deadline);
      continue;
    }
    result.status = HandshakeStatus::failed;
    result.reason = openssl_reason();
    if (result.reason.empty()) {
      result.reason = (error == SSL_ERROR_SYSCALL && errno != 0)
                          ? std::string(std::strerror(errno))
                          : "the server closed the connection";
    }
    break;
  }
  result.duration = Clock::now() - started;
  return result;
}

void wait_for_session(Connection& connection, std::chrono::nanoseconds handshake_time,
                      Clock::time_point deadline, const std::atomic<bool>* cancel) {
  SSL* ssl = connection.ssl.get();
  if (SSL_version(ssl) != TLS1_3_VERSION) return;
  // Tickets follow the server's Finished by about one round trip, which the
  // handshake took a few of; a server that sends none is not waited on long.
  const auto wait =
      std::clamp<std::chrono::nanoseconds>(handshake_time * 3, kTicketWaitMin, kTicketWaitMax);
  const auto until = std::min(deadline, Clock::now() + wait);
  char byte = 0;
  while (!connection.transcript->session && Clock::now() < until && !util::cancelled(cancel)) {
    const int rc = SSL_read(ssl, &byte, 1);
    const int error = SSL_get_error(ssl, rc);
    if (rc > 0 || (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE)) break;
    // The read may have just taken the ticket in.
    if (connection.transcript->session) break;
    wait_ready(connection.fd.get(), error, until);
  }
  ERR_clear_error();
}

void close_connection(Connection& connection) {
  if (connection.ssl && SSL_is_init_finished(connection.ssl.get())) {
    SSL_shutdown(connection.ssl.get());
  }
  ERR_clear_error();
}

}  // namespace reqscope::tls
