#include "reqscope/http/trace.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <map>
#include <set>

#include "connect.hpp"
#include "curl_handle.hpp"
#include "reqscope/util/cancel.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"
#include "reqscope/version.hpp"

namespace reqscope::http {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

// What the libcurl callbacks record about the hop in flight.
struct HopContext {
  CURL* easy = nullptr;
  Clock::time_point transfer_start;
  Clock::time_point deadline;
  std::vector<std::string> addresses;
  std::uint16_t connect_port = 0;
  bool socket_opened = false;
  std::vector<ConnectAttempt> attempts;
  // Instants of this hop on reqscope's own clock, from transfer_start.
  std::optional<nanoseconds> connected_at;  // reqscope's own connect succeeded
  std::optional<nanoseconds> ready_at;      // connection (and TLS) ready, request about to go
  std::optional<nanoseconds> request_sent;
  std::optional<nanoseconds> first_byte_at;
  std::string request_line;
  Headers request_headers;
  Headers response_headers;
  std::uint64_t body_bytes = 0;
  bool wants_tls = false;
  std::optional<tls::Summary> tls;
  bool tls_complete = false;  // read after the handshake, not from inside it
  long first_verify_error = 0;
  const std::atomic<bool>* cancel = nullptr;
  bool cancelled() const { return util::cancelled(cancel); }
};

curl_socket_t open_socket(void* user, curlsocktype /*purpose*/, curl_sockaddr* /*address*/) {
  auto& hop = **static_cast<HopContext**>(user);
  if (hop.socket_opened) return CURL_SOCKET_BAD;
  hop.socket_opened = true;
  const int fd =
      connect_in_order(hop.addresses, hop.connect_port, hop.deadline, hop.cancel, hop.attempts);
  if (fd < 0) return CURL_SOCKET_BAD;
  hop.connected_at = Clock::now() - hop.transfer_start;
  return fd;
}

int socket_already_connected(void*, curl_socket_t, curlsocktype) {
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

void record_request_headers(HopContext& hop, std::string_view block) {
  hop.request_headers.clear();
  bool first = true;
  for (auto line : util::split(block, '\n')) {
    line = util::trim(line);
    if (line.empty()) continue;
    if (first) {
      hop.request_line = std::string(line);
      first = false;
      continue;
    }
    Header header;
    if (parse_response_header(line, header)) hop.request_headers.push_back(std::move(header));
  }
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return (*static_cast<HopContext**>(user))->cancelled() ? 1 : 0;
}

int on_request_ready(void* user, char*, char*, int, int) {
  auto& hop = **static_cast<HopContext**>(user);
  hop.ready_at = Clock::now() - hop.transfer_start;
  return CURL_PREREQFUNC_OK;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto& hop = **static_cast<HopContext**>(user);
  if (type == CURLINFO_HEADER_IN && !hop.first_byte_at) {
    hop.first_byte_at = Clock::now() - hop.transfer_start;
  } else if (type == CURLINFO_HEADER_OUT) {
    record_request_headers(hop, std::string_view(data, size));
    hop.request_sent = Clock::now() - hop.transfer_start;
  } else if (type == CURLINFO_DATA_OUT) {
    hop.request_sent = Clock::now() - hop.transfer_start;
  }
  return 0;
}

int hop_slot_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Sees the certificate when OpenSSL rejects it, so a handshake that fails
// verification still reports what the server presented. Never changes the verdict.
int on_verify(int preverify_ok, X509_STORE_CTX* store) {
  // A certificate that verifies is summarized after the handshake, off the handshake's clock.
  if (preverify_ok == 1) return preverify_ok;
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return preverify_ok;
  auto* slot =
      static_cast<HopContext**>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), hop_slot_index()));
  if (slot == nullptr || *slot == nullptr) return preverify_ok;
  HopContext& hop = **slot;
  if (hop.first_verify_error == 0) hop.first_verify_error = X509_STORE_CTX_get_error(store);
  hop.tls = tls::summarize(ssl, X509_STORE_CTX_get0_cert(store), hop.first_verify_error,
                           std::chrono::system_clock::now());
  return preverify_ok;
}

CURLcode on_ssl_context(CURL*, void* context, void* user) {
  auto* ssl_context = static_cast<SSL_CTX*>(context);
  SSL_CTX_set_ex_data(ssl_context, hop_slot_index(), user);
  SSL_CTX_set_verify(ssl_context, SSL_CTX_get_verify_mode(ssl_context), on_verify);
  return CURLE_OK;
}

void capture_tls(HopContext& hop) {
  if (!hop.wants_tls || hop.tls_complete) return;
  curl_tlssessioninfo* info = nullptr;
  if (curl_easy_getinfo(hop.easy, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == nullptr ||
      info->backend != CURLSSLBACKEND_OPENSSL || info->internals == nullptr) {
    return;
  }
  hop.tls =
      tls::summarize(static_cast<const SSL*>(info->internals), std::chrono::system_clock::now());
  hop.tls_complete = true;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& hop = **static_cast<HopContext**>(user);
  capture_tls(hop);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    hop.response_headers.clear();
  } else if (Header header; parse_response_header(line, header)) {
    hop.response_headers.push_back(std::move(header));
  }
  return size * count;
}

std::size_t on_body(char*, std::size_t size, std::size_t count, void* user) {
  auto& hop = **static_cast<HopContext**>(user);
  capture_tls(hop);
  hop.body_bytes += size * count;
  return size * count;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Names the phase a transfer stopped in from the instants the callbacks recorded.
std::string failed_phase(const HopContext& hop) {
  if (hop.socket_opened && !hop.connected_at) return "connect";
  if (!hop.ready_at) return hop.wants_tls ? "tls" : "connect";
  if (!hop.first_byte_at) return hop.request_sent ? "wait" : "send";
  return "transfer";
}

// The hop's instants in the form compute_phases() takes. A phase that failed
// lasts until the transfer ended; the phases after it never began.
PhaseMarks marks_of(const HopContext& hop, nanoseconds dns, nanoseconds done, bool reused,
                    const std::string& failed) {
  PhaseMarks marks;
  marks.dns = dns;
  marks.connected = reused ? nanoseconds(0) : hop.connected_at.value_or(done);
  marks.tls_done = hop.wants_tls && !reused ? hop.ready_at.value_or(done) : marks.connected;
  marks.request_sent = hop.request_sent;
  marks.first_byte = hop.first_byte_at.value_or(done);
  marks.done = done;
  if (failed == "connect") marks.connected = done;
  return marks;
}

// The hint for a broken HTTP exchange, by what libcurl saw.
std::string protocol_hint(CURLcode code) {
  switch (code) {
    case CURLE_PARTIAL_FILE:
      return "the server closed the connection before the whole body arrived; check its logs for a "
             "crash or a write timeout";
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without answering; check its logs";
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "the server does not speak HTTP on this port; check the port and the scheme";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
      return "the connection was reset; check the server's logs and any proxy or load balancer";
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return "the HTTP/2 exchange failed; compare with --http1.1";
    default:
      return "check the server's logs";
  }
}

TraceFailure classify_failure(CURLcode code, const char* errbuf, const HopContext& hop,
                              const std::string& host, nanoseconds timeout) {
  const std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);
  const std::string phase = failed_phase(hop);
  if (hop.cancelled()) {
    return {{"interrupted", "interrupted in the " + phase + " phase", ""}, phase};
  }
  const auto timeout_text = util::whole_ms(timeout);
  if (code == CURLE_SSL_CACERT_BADFILE) {
    return {{"bad_file", "--cacert: cannot load CA certificates: " + detail,
             "give a PEM file of CA certificates"},
            phase};
  }
  if (phase == "connect")
    return {connect_error(host, hop.connect_port, hop.attempts, timeout), phase};
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      return {{"tls_verify", "TLS: certificate not trusted: " + detail,
               "use --cacert FILE with the issuing CA, fix the server's chain, or --insecure to "
               "look anyway"},
              "tls"};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_USE_SSL_FAILED:
      return {
          {"tls_handshake", "TLS: handshake failed: " + detail,
           "the server may not speak TLS on this port, or no protocol version or cipher is shared"},
          "tls"};
    case CURLE_OPERATION_TIMEDOUT:
      return {{"timeout",
               "no complete response within the --timeout of " + timeout_text + " (in the " +
                   phase + " phase)",
               phase == "wait" ? "the server accepted the request but did not answer in time; "
                                 "raise --timeout or check the application"
                               : "raise --timeout, or check the network and the server"},
              phase};
    default:
      return {{"http_protocol", "HTTP: " + detail + " (in the " + phase + " phase)",
               protocol_hint(code)},
              phase};
  }
}

// Where a hop's addresses come from: --resolve for HOST:PORT first, then an
// earlier lookup of the same host in this trace ("cached"), then a fresh lookup,
// which is remembered. On failure `partial` holds what was seen.
Result<dns::Resolution> resolve_hop(const TraceOptions& options,
                                    std::map<std::string, dns::Resolution>& resolved,
                                    const std::string& host, std::uint16_t port,
                                    nanoseconds time_left, dns::Resolution& partial) {
  const auto rule =
      std::find_if(options.resolve_overrides.begin(), options.resolve_overrides.end(),
                   [&](const ResolveOverride& r) { return r.host == host && r.port == port; });
  if (rule != options.resolve_overrides.end()) {
    partial.host = host;
    partial.source = "override";
    partial.addresses = dns::connect_order(rule->addresses, options.family);
    if (partial.addresses.empty()) {
      return fail("dns_nodata", "--resolve gives no address of the requested family for " + host,
                  "drop -4/-6 or add an address of that family");
    }
    return partial;
  }
  if (auto cached = resolved.find(host); cached != resolved.end()) {
    auto resolution = cached->second;
    if (resolution.source != "literal") resolution.source = "cached";
    resolution.queries.clear();
    resolution.duration = nanoseconds(0);
    return resolution;
  }
  auto fresh = [&] {
    if (!options.dns_walk) {
      return dns::resolve(
          host, {options.family, time_left, options.hosts_path, options.dns_servers}, &partial);
    }
    auto walk_options = *options.dns_walk;
    walk_options.timeout = time_left;
    walk_options.cancel = options.cancel;
    return dns::resolve_by_walk(host, options.family, walk_options, &partial);
  }();
  if (fresh) resolved[host] = *fresh;
  return fresh;
}

Headers without_credentials(const Headers& headers) {
  Headers kept;
  for (const auto& h : headers) {
    if (!util::iequals(h.name, "authorization") && !util::iequals(h.name, "cookie"))
      kept.push_back(h);
  }
  return kept;
}

}  // namespace

std::string effective_method(const std::string& method, bool has_body) {
  if (!method.empty()) return method;
  return has_body ? "POST" : "GET";
}

bool needs_custom_method(const std::string& method, bool has_body) {
  return !(method == "GET" && !has_body) && !(method == "POST" && has_body) && method != "HEAD";
}

struct Tracer::State {
  EasyHandle easy;
  std::map<std::string, dns::Resolution> resolved;  // by connect host
  std::set<std::string> resolve_entries;            // "host:port" handed to libcurl
  Slist resolve_list;
  Slist request_headers;
  std::map<std::string, std::pair<std::string, std::uint16_t>>
      connected_peer;  // "host:port" → peer
  HopContext* hop = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};
};

Tracer::Tracer(TraceOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {
  global_init_once();
}

Tracer::~Tracer() = default;

TraceResult Tracer::run(const Url& url, bool keep_connection) {
  auto& state = *state_;
  if (!keep_connection || !state.easy) {
    state.easy.reset(curl_easy_init());
    state.resolved.clear();
    state.resolve_entries.clear();
    state.resolve_list.reset();
    state.connected_peer.clear();
    CURL* easy = state.easy.get();
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, state.errbuf);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, (std::string("reqscope/") + kVersion).c_str());
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, socket_already_connected);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, on_request_ready);
    curl_easy_setopt(easy, CURLOPT_PREREQDATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state.hop);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_context);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, &state.hop);
    long version = CURL_HTTP_VERSION_2TLS;
    if (options_.http_version == HttpVersion::http1_1) version = CURL_HTTP_VERSION_1_1;
    if (options_.http_version == HttpVersion::http2) version = CURL_HTTP_VERSION_2_0;
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, version);
  }
  CURL* easy = state.easy.get();

  TraceResult result;
  result.url = url.to_string();
  result.started_at = std::chrono::system_clock::now();
  const auto started = Clock::now();
  const auto deadline = started + options_.timeout;

  std::string method = effective_method(options_.method, options_.body.has_value());
  const std::string* body = options_.body ? &*options_.body : nullptr;
  Headers headers = options_.headers;
  Url current = url;

  for (int redirects = 0;; ++redirects) {
    Hop hop;
    hop.url = current.to_string();
    hop.method = method;

    std::string connect_host = current.host;
    std::uint16_t connect_port = current.port;
    for (const auto& rule : options_.connect_to_overrides) {
      if ((rule.from_host.empty() || rule.from_host == current.host) &&
          (!rule.from_port || *rule.from_port == current.port)) {
        if (!rule.to_host.empty()) connect_host = rule.to_host;
        if (rule.to_port) connect_port = *rule.to_port;
        break;
      }
    }

    dns::Resolution partial;
    auto resolved = resolve_hop(options_, state.resolved, connect_host, connect_port,
                                deadline - Clock::now(), partial);
    if (!resolved) {
      hop.dns = partial;
      hop.phases = compute_phases({partial.duration, {}, {}, {}, {}, {}});
      result.hops.push_back(std::move(hop));
      result.failure = TraceFailure{resolved.error(), "dns"};
      break;
    }
    const dns::Resolution& resolution = *resolved;
    hop.dns = resolution;

    // libcurl never resolves an IP literal, so only names need a RESOLVE entry.
    const std::string curl_key = current.host_for_url() + ":" + std::to_string(current.port);
    if (!util::is_ip_literal(current.host) && state.resolve_entries.insert(curl_key).second) {
      const auto& first = resolution.addresses.front();
      const auto entry =
          curl_key + ":" + (first.find(':') != std::string::npos ? "[" + first + "]" : first);
      slist_append(state.resolve_list, entry.c_str());
      curl_easy_setopt(easy, CURLOPT_RESOLVE, state.resolve_list.get());
    }

    HopContext context;
    context.easy = easy;
    context.deadline = deadline;
    context.addresses = resolution.addresses;
    context.connect_port = connect_port;
    context.wants_tls = current.is_https();
    context.cancel = options_.cancel;
    state.hop = &context;

    curl_easy_setopt(easy, CURLOPT_URL, hop.url.c_str());
    state.request_headers.reset();
    for (const auto& h : headers)
      slist_append(state.request_headers, (h.name + ": " + h.value).c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, state.request_headers.get());
    curl_easy_setopt(easy, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
    if (body) {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body->data());
    } else if (method != "HEAD") {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }
    const bool custom = needs_custom_method(method, body != nullptr);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, custom ? method.c_str() : nullptr);
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<long>(1, remaining.count())));

    state.errbuf[0] = '\0';
    context.transfer_start = Clock::now();
    const CURLcode code = curl_easy_perform(easy);
    const nanoseconds done = Clock::now() - context.transfer_start;
    state.hop = nullptr;

    // libcurl asked for no socket yet got the request ready: it reused a connection.
    hop.reused = !context.socket_opened && context.ready_at.has_value();
    hop.connects = context.attempts;
    hop.tls = context.tls;
    hop.request_line = context.request_line;
    hop.request_headers = context.request_headers;
    hop.response_headers = context.response_headers;
    hop.body_bytes = context.body_bytes;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &hop.status);
    long version = 0;
    curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
    hop.http_version = http_version_name(version);
    if (!context.attempts.empty() && context.attempts.back().result == "ok") {
      state.connected_peer[curl_key] = {context.attempts.back().address,
                                        context.attempts.back().port};
    }
    if (auto peer = state.connected_peer.find(curl_key); peer != state.connected_peer.end()) {
      hop.remote_ip = peer->second.first;
      hop.remote_port = peer->second.second;
    }

    if (code != CURLE_OK) {
      result.failure =
          classify_failure(code, state.errbuf, context, connect_host, options_.timeout);
      hop.phases = compute_phases(
          marks_of(context, resolution.duration, done, hop.reused, result.failure->phase));
      result.hops.push_back(std::move(hop));
      break;
    }
    hop.phases = compute_phases(marks_of(context, resolution.duration, done, hop.reused, ""));

    char* location = nullptr;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
    if (location != nullptr) hop.redirect_url = location;
    const bool follow =
        options_.follow_redirects && is_redirect(hop.status) && !hop.redirect_url.empty();
    result.hops.push_back(hop);
    if (!follow) break;

    if (redirects >= options_.max_redirects) {
      result.failure = TraceFailure{{"too_many_redirects",
                                     "stopped after " + std::to_string(options_.max_redirects) +
                                         (options_.max_redirects == 1 ? " redirect" : " redirects"),
                                     "the server may redirect in a loop; raise --max-redirs if the "
                                     "chain is really this long"},
                                    "redirect"};
      break;
    }
    auto next = parse_url(hop.redirect_url);
    if (!next) {
      result.failure = TraceFailure{
          {"http_protocol", "redirect to an unusable Location: " + next.error().message,
           "fix the Location header the server sends"},
          "redirect"};
      break;
    }
    if ((hop.status == 303 && method != "HEAD") ||
        ((hop.status == 301 || hop.status == 302) && method == "POST")) {
      method = "GET";
      body = nullptr;
    }
    if (next->host != current.host || next->port != current.port)
      headers = without_credentials(headers);
    current = *next;
  }

  result.total = Clock::now() - started;
  return result;
}

}  // namespace reqscope::http
