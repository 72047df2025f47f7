#include "reqscope/bench/error_kind.hpp"

#include <cerrno>

namespace reqscope::bench {

std::string_view error_kind(CURLcode code, long os_errno, bool connected) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return os_errno == ETIMEDOUT ? "connect_timeout" : "connect_refused";
    case CURLE_OPERATION_TIMEDOUT:
      return connected ? "timeout" : "connect_timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
      return "tls";
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
      return "reset";
    default:
      return "http_protocol";
  }
}

}  // namespace reqscope::bench
