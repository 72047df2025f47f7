#include "reqscope/jwt/jwks_fetch.hpp"

#include "../http/curl_handle.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/version.hpp"

namespace reqscope::jwt {

namespace {

struct Download {
  std::string body;
  bool too_large = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  const std::size_t bytes = size * count;
  if (download->body.size() + bytes > kMaxJwksBytes) {
    download->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  download->body.append(data, bytes);
  return bytes;
}

Error curl_failure(CURLcode code, const char* errbuf, const std::string& url,
                   std::chrono::nanoseconds timeout, const std::string& what) {
  const std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);
  const std::string where = "fetching " + what + " " + util::quote(url) + ": ";
  const auto parsed = http::parse_url(url);
  const std::string host =
      parsed ? parsed->host_for_url() + ":" + std::to_string(parsed->port) : "HOST";
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {"dns_error", where + detail, "check the host name; reqscope dns NAME shows why"};
    case CURLE_COULDNT_CONNECT:
      return {"connect_refused", where + detail, "check the port and that the server is running"};
    case CURLE_OPERATION_TIMEDOUT:
      return {"timeout", where + "no answer within the --timeout of " + util::whole_ms(timeout),
              "raise --timeout, or check the server"};
    case CURLE_PEER_FAILED_VERIFICATION:
      return {"tls_verify", where + detail,
              "reqscope tls " + host + " shows the certificate problem"};
    case CURLE_SSL_CONNECT_ERROR:
      return {"tls_handshake", where + detail,
              "reqscope tls " + host + " shows what the server offers"};
    default:
      return {"network", where + detail, "reqscope trace URL shows where the request fails"};
  }
}

}  // namespace

bool is_jwks_url(std::string_view value) {
  const auto lower = util::to_lower(value.substr(0, 8));
  return lower.starts_with("http://") || lower.starts_with("https://");
}

Result<std::string> fetch_jwks(const std::string& url, std::chrono::nanoseconds timeout) {
  return fetch_document(url, timeout, "the JWKS");
}

Result<std::string> fetch_document(const std::string& url, std::chrono::nanoseconds timeout,
                                   const std::string& what) {
  auto parsed = http::parse_url(url);
  if (!parsed) return tl::unexpected(parsed.error());
  http::global_init_once();
  http::EasyHandle easy(curl_easy_init());
  if (!easy) return fail("internal", "cannot create a libcurl handle");
  Download download;
  char errbuf[CURL_ERROR_SIZE] = {};
  http::Slist headers;
  http::slist_append(headers, "Accept: application/json, application/jwk-set+json");
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  const std::string agent = std::string("reqscope/") + kVersion;
  CURL* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  // Keys fetched over https must not arrive over http after a redirect.
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR,
                   parsed->is_https() ? "https" : "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<long long>(1, timeout_ms)));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &download);
  const CURLcode code = curl_easy_perform(handle);
  if (download.too_large) {
    return fail("http_protocol",
                what + " at " + util::quote(url) + " is larger than " +
                    std::to_string(kMaxJwksBytes / (1024 * 1024)) + " MiB",
                "check the URL: it should be a small JSON document");
  }
  if (code != CURLE_OK) return tl::unexpected(curl_failure(code, errbuf, url, timeout, what));
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return fail("http_status",
                what + " URL " + util::quote(url) + " answered HTTP " + std::to_string(status),
                "check the URL; the issuer's /.well-known/openid-configuration names its jwks_uri");
  }
  return download.body;
}

}  // namespace reqscope::jwt
