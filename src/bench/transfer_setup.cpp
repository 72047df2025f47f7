#include "transfer_setup.hpp"

#include "reqscope/version.hpp"

namespace reqscope::bench {

namespace {

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

}  // namespace

TransferSetup::TransferSetup(const BenchConfig& config, const std::string& connect_address,
                             std::uint16_t connect_port)
    : config_(config),
      url_(config.url.to_string()),
      user_agent_(std::string("reqscope/") + kVersion) {
  const auto& request = config.request;
  method_ = http::effective_method(request.method, request.body.has_value());
  head_ = method_ == "HEAD";
  custom_method_ = http::needs_custom_method(method_, request.body.has_value());
  for (const auto& h : request.headers)
    http::slist_append(headers_, (h.name + ": " + h.value).c_str());
  // One round trip per request: no 100-continue pause before a large body.
  http::slist_append(headers_, "Expect:");
  const bool v6 = connect_address.find(':') != std::string::npos;
  const std::string to = v6 ? "[" + connect_address + "]" : connect_address;
  const std::string rule = config.url.host_for_url() + ":" + std::to_string(config.url.port) + ":" +
                           to + ":" + std::to_string(connect_port);
  http::slist_append(connect_to_, rule.c_str());
  if (request.http_version == http::HttpVersion::http1_1) http_version_ = CURL_HTTP_VERSION_1_1;
  if (request.http_version == http::HttpVersion::http2) {
    // Without TLS there is no ALPN: speak HTTP/2 from the first byte, as h2load does.
    http_version_ =
        config.url.is_https() ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
    multiplexed_ = config.streams_per_connection > 1;
  }
}

void TransferSetup::apply(CURL* easy) const {
  const auto& request = config_.request;
  curl_easy_setopt(easy, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  // Every connection goes to the resolved address: a proxy from the environment would defeat that.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_.get());
  curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_.get());
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, http_version_);
  // No PIPEWAIT: the first transfers each open a connection, up to -c, rather
  // than all waiting to share the first, which a fast server would keep alone.
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_body);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, request.insecure ? 0L : 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, request.insecure ? 0L : 2L);
  if (!request.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());
  const auto timeout_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout).count();
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long>(1, timeout_ms)));
  curl_easy_setopt(easy, CURLOPT_NOBODY, head_ ? 1L : 0L);
  if (request.body) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body->data());
  }
  if (custom_method_) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method_.c_str());
}

}  // namespace reqscope::bench
