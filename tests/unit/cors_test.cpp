// Table-driven tests of the CORS evaluator against the WHATWG Fetch standard
// (https://fetch.spec.whatwg.org/): methods, CORS-safelisted request-headers,
// CORS-unsafe request-header names, forbidden request-headers, the CORS check,
// the CORS-preflight fetch, CORS-exposed header names and Access-Control-Max-Age.
// Each table row is one case; the comment above a table quotes the rule.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/cors/evaluation.hpp"
#include "reqscope/cors/origin.hpp"
#include "reqscope/cors/probe.hpp"
#include "reqscope/cors/request.hpp"
#include "reqscope/cors/response.hpp"
#include "reqscope/cors/scan.hpp"
#include "reqscope/http/header.hpp"

using namespace reqscope;
using namespace reqscope::cors;
using http::Header;
using http::Headers;

namespace {

constexpr const char* kPage = "https://app.example";
constexpr const char* kAcao = "Access-Control-Allow-Origin";
constexpr const char* kAcac = "Access-Control-Allow-Credentials";
constexpr const char* kAcam = "Access-Control-Allow-Methods";
constexpr const char* kAcah = "Access-Control-Allow-Headers";
constexpr const char* kAceh = "Access-Control-Expose-Headers";
constexpr const char* kAcma = "Access-Control-Max-Age";

char lower_char(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = lower_char(c);
  return out;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool icontains(std::string_view text, std::string_view part) {
  return contains(lower(text), lower(part));
}

std::string repeat(std::string_view part, std::size_t times) {
  std::string out;
  out.reserve(part.size() * times);
  for (std::size_t i = 0; i < times; ++i)
    out += part;
  return out;
}

// Every value of `name` (any case) in `headers`, in order.
std::vector<std::string> values_of(const Headers& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (lower(h.name) == lower(name)) out.push_back(h.value);
  }
  return out;
}

Origin origin_of(std::string_view text) {
  auto parsed = parse_origin(text);
  INFO("origin: " << std::string(text));
  REQUIRE(parsed);
  return *parsed;
}

Request make_request(std::string method, Headers headers = {}, bool credentials = false,
                     std::string_view origin = kPage) {
  Request request;
  request.origin = origin_of(origin);
  request.method = std::move(method);
  request.headers = std::move(headers);
  request.credentials = credentials;
  return request;
}

Response make_response(long status, Headers headers) {
  Response response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

const Check* find_check(const std::vector<Check>& checks, std::string_view id) {
  for (const auto& check : checks) {
    if (check.id == id) return &check;
  }
  return nullptr;
}

const Check* first_failed(const std::vector<Check>& checks) {
  for (const auto& check : checks) {
    if (!check.ok) return &check;
  }
  return nullptr;
}

std::string describe(const std::vector<Check>& checks) {
  std::string out;
  for (const auto& c : checks) {
    out += c.id + (c.ok ? " ok: " : " FAILED: ") + c.detail + " | fix: " + c.fix + "\n";
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<UnsafeHeader>& unsafe) {
  std::vector<std::string> out;
  for (const auto& u : unsafe)
    out.push_back(u.name);
  return out;
}

std::string join_comma(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

const Finding* finding_with_origin(const std::vector<Finding>& findings, std::string_view origin) {
  for (const auto& f : findings) {
    if (f.origin == origin) return &f;
  }
  return nullptr;
}

const Finding* finding_with_id(const std::vector<Finding>& findings, std::string_view id) {
  for (const auto& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::string describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += f.id + " [" + f.severity + "] origin=" + f.origin + ": " + f.message + "\n";
  }
  return out;
}

const ScanProbe* probe_with_id(const std::vector<ScanProbe>& probes, std::string_view id) {
  for (const auto& p : probes) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

// 128 bytes: the longest value a CORS-safelisted request-header may have.
const std::string k128(128, 'a');

}  // namespace

// ---------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------

TEST_CASE("parse_origin accepts serialized http(s) origins and null", "[cors][origin]") {
  struct Row {
    const char* input;
    const char* serialized;
    const char* scheme;
    const char* host;
    bool ipv6;
    bool opaque;
  };
  const Row rows[] = {
      {"https://app.example", "https://app.example", "https", "app.example", false, false},
      {"http://app.example", "http://app.example", "http", "app.example", false, false},
      // The default port is left out of the serialization.
      {"https://app.example:443", "https://app.example", "https", "app.example", false, false},
      {"http://app.example:80", "http://app.example", "http", "app.example", false, false},
      // Another scheme's default port is not this scheme's default.
      {"https://app.example:80", "https://app.example:80", "https", "app.example", false, false},
      {"http://app.example:443", "http://app.example:443", "http", "app.example", false, false},
      {"https://app.example:8443", "https://app.example:8443", "https", "app.example", false,
       false},
      // Scheme and host are lower-cased as a browser would.
      {"HTTPS://APP.EXAMPLE", "https://app.example", "https", "app.example", false, false},
      {"Https://App.Example:8443", "https://app.example:8443", "https", "app.example", false,
       false},
      {"http://[::1]:8080", "http://[::1]:8080", "http", "::1", true, false},
      {"http://[::1]", "http://[::1]", "http", "::1", true, false},
      {"http://127.0.0.1:3000", "http://127.0.0.1:3000", "http", "127.0.0.1", false, false},
      {"http://localhost:5173", "http://localhost:5173", "http", "localhost", false, false},
      {"https://a.b.c.example:65535", "https://a.b.c.example:65535", "https", "a.b.c.example",
       false, false},
      {"https://xn--bcher-kva.example", "https://xn--bcher-kva.example", "https",
       "xn--bcher-kva.example", false, false},
      {"null", "null", "", "", false, true},
  };
  for (const auto& row : rows) {
    INFO("input: " << row.input);
    auto parsed = parse_origin(row.input);
    CHECK(parsed);
    if (!parsed) continue;
    CHECK(parsed->serialize() == row.serialized);
    CHECK(parsed->opaque == row.opaque);
    if (!row.opaque) {
      CHECK(parsed->scheme == row.scheme);
      CHECK(parsed->host == row.host);
      CHECK(parsed->host_is_ipv6 == row.ipv6);
    }
  }
  CHECK(origin_of("https://app.example:443").default_port());
  CHECK(origin_of("http://app.example").default_port());
  CHECK_FALSE(origin_of("https://app.example:8443").default_port());
  CHECK(origin_of("http://[::1]:8080").port == 8080);
  CHECK(origin_of("https://app.example:8443").port == 8443);
}

TEST_CASE("parse_origin refuses what is not an origin with bad_origin, naming the value",
          "[cors][origin]") {
  struct Row {
    std::string input;
    bool printable;  // the message can be checked to name it verbatim
  };
  const Row rows[] = {
      {"https://app.example/", true},
      {"https://app.example/path", true},
      {"https://app.example?q=1", true},
      {"https://app.example#top", true},
      {"https://user@app.example", true},
      {"https://user:pw@app.example", true},
      {"https://app.example@evil.example", true},
      {"ftp://app.example", true},
      {"ws://app.example", true},
      {"file:///etc/passwd", true},
      {"app.example", true},
      {"//app.example", true},
      {"https:app.example", true},
      {"", false},
      {"https://", true},
      {"https://app.example:0", true},
      {"https://app.example:99999", true},
      {"https://app.example:65536", true},
      {"https://app.example:-1", true},
      {"https://app.example:abc", true},
      {"https://app example", true},
      {"https://app.example ", false},
      {"http://[::1", true},
      {"*", true},
      {std::string("https://app\0.example", 20), false},
      {"https://app.example\r\nX-Injected: 1", false},
      {"https://app.example\x01", false},
      {"https://" + std::string(10 * 1024, 'a') + ".example", false},
  };
  for (const auto& row : rows) {
    INFO("input: " << row.input.substr(0, 60) << " (" << row.input.size() << " bytes)");
    auto parsed = parse_origin(row.input);
    CHECK_FALSE(parsed);
    if (parsed) continue;
    CHECK(parsed.error().kind == "bad_origin");
    CHECK_FALSE(parsed.error().message.empty());
    if (row.printable) CHECK(contains(parsed.error().message, row.input));
  }
}

// ---------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------

// Fetch: "To normalize a method, if it is a byte-case-insensitive match for DELETE, GET, HEAD,
// OPTIONS, POST, or PUT, byte-uppercase it." "A forbidden method is a method that is a
// byte-case-insensitive match for CONNECT, TRACE, or TRACK." "A CORS-safelisted method is a
// method that is GET, HEAD, or POST."
TEST_CASE("methods normalize, and are forbidden or safelisted, as Fetch defines",
          "[cors][method]") {
  struct Row {
    const char* method;
    const char* normalized;
    bool forbidden;
    bool safelisted;  // after normalizing
  };
  const Row rows[] = {
      {"get", "GET", false, true},          {"GET", "GET", false, true},
      {"pOsT", "POST", false, true},        {"head", "HEAD", false, true},
      {"put", "PUT", false, false},         {"delete", "DELETE", false, false},
      {"options", "OPTIONS", false, false}, {"patch", "patch", false, false},
      {"Patch", "Patch", false, false},     {"PATCH", "PATCH", false, false},
      {"CHICKEN", "CHICKEN", false, false}, {"eGg", "eGg", false, false},
      {"GETS", "GETS", false, false},       {"PROPFIND", "PROPFIND", false, false},
      {"TRACE", "TRACE", true, false},      {"trace", "trace", true, false},
      {"track", "track", true, false},      {"Connect", "Connect", true, false},
      {"CONNECT", "CONNECT", true, false},  {"TRACES", "TRACES", false, false},
  };
  for (const auto& row : rows) {
    INFO("method: " << row.method);
    const auto normalized = normalize_method(row.method);
    CHECK(normalized == row.normalized);
    CHECK(is_forbidden_method(row.method) == row.forbidden);
    CHECK(is_safelisted_method(normalized) == row.safelisted);
  }
}

// ---------------------------------------------------------------------------
// CORS-safelisted request-headers
// ---------------------------------------------------------------------------

// Fetch: "A CORS-unsafe request-header byte is a byte byte for which one of the following is
// true: byte is less than 0x20 and is not 0x09 HT; byte is 0x22 ("), 0x28, 0x29, 0x3A (:),
// 0x3C (<), 0x3E (>), 0x3F (?), 0x40 (@), 0x5B ([), 0x5C (\), 0x5D (]), 0x7B ({), 0x7D (}), or
// 0x7F DEL."
TEST_CASE("CORS-unsafe request-header bytes are exactly the listed ones", "[cors][header]") {
  const std::set<int> listed = {0x22, 0x28, 0x29, 0x3A, 0x3C, 0x3E, 0x3F,
                                0x40, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F};
  for (int b = 0; b < 256; ++b) {
    const bool expected = (b < 0x20 && b != 0x09) || listed.count(b) > 0;
    INFO("byte 0x" << std::hex << b);
    CHECK(is_unsafe_header_byte(static_cast<unsigned char>(b)) == expected);
  }
}

// Fetch "CORS-safelisted request-header": value length <= 128; accept: no CORS-unsafe byte;
// accept-language / content-language: only 0-9 A-Z a-z SP * , - . ; =; content-type: no unsafe
// byte, parses as a MIME type whose essence is application/x-www-form-urlencoded,
// multipart/form-data or text/plain; range: a single range "bytes=N-[M]" (no suffix ranges);
// otherwise: false. The name is byte-lowercased, the value is not trimmed further.
TEST_CASE("unsafe_header_reason follows each CORS-safelisted request-header rule",
          "[cors][header]") {
  struct Row {
    std::string name;
    std::string value;
    bool safelisted;
  };
  const Row rows[] = {
      // Accept
      {"Accept", "*/*", true},
      {"Accept", "application/json, text/plain;q=0.9", true},
      {"Accept", "text/html, \"x\"", false},
      {"Accept", "application/{json}", false},
      {"Accept", "text/plain\x01", false},
      {"Accept", "text/plain\tq=1", true},  // HT is the one control byte allowed
      {"Accept", "text/\xc3\xa9", true},    // bytes >= 0x80 are not unsafe bytes
      {"Accept", k128, true},
      {"Accept", k128 + "a", false},
      {"ACCEPT", "*/*", true},
      {"accept", "a@b", false},
      // Accept-Language
      {"Accept-Language", "en-US,en;q=0.9", true},
      {"Accept-Language", "*", true},
      {"Accept-Language", "en_US", false},
      {"Accept-Language", "en/US", false},
      {"Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", true},
      {"accept-language", "de", true},
      // Content-Language
      {"Content-Language", "de-DE", true},
      {"Content-Language", "de-DE, en-CA", true},
      {"Content-Language", "de(DE)", false},
      {"Content-Language", "en_GB", false},
      {"Content-Language",
       "fran\xc3\xa7"
       "ais",
       false},
      {"CONTENT-LANGUAGE", "mi", true},
      // Content-Type
      {"Content-Type", "text/plain", true},
      {"Content-Type", "text/plain; charset=utf-8", true},
      {"Content-Type", "TEXT/PLAIN", true},
      {"Content-Type", "Text/Plain;Charset=UTF-8", true},
      {"Content-Type", "application/x-www-form-urlencoded", true},
      {"Content-Type", "multipart/form-data; boundary=x", true},
      {"Content-Type", "text/plain;", true},
      {"Content-Type", "text/plain;application/json", true},  // a parameter without '=' is skipped
      {"Content-Type", "application/json", false},
      {"Content-Type", "text/html", false},
      {"Content-Type", "text/plain,application/json", false},    // the subtype is not a token
      {"Content-Type", "text/plain; charset=\"utf-8\"", false},  // 0x22 is an unsafe byte
      {"Content-Type", "text/plain; a=b:c", false},
      {"Content-Type", std::string("text/plain\0", 11), false},
      {"Content-Type", "text/", false},
      // "parse a MIME type" removes only trailing whitespace from the subtype, and none from
      // the type: a space after "/" or before it leaves a non-token.
      {"Content-Type", "text/ plain", false},
      {"Content-Type", "text /plain", false},
      {"Content-Type", " text/plain ", true},
      {"Content-Type", "", false},
      {"Content-Type", "text/plain; x=" + std::string(120, 'a'), false},  // 134 bytes
      {"content-type", "text/plain", true},
      {"Content-TYPE", "multipart/form-data", true},
      // Range
      {"Range", "bytes=0-99", true},
      {"Range", "bytes=0-", true},
      {"Range", "bytes=5-5", true},
      {"Range", "bytes=-5", false},
      {"Range", "bytes=0-99,200-300", false},
      {"Range", "bytes=99-0", false},
      {"Range", "bytes = 0-99", false},
      {"Range", "BYTES=0-99", false},
      {"Range", "items=0-9", false},
      {"Range", "garbage", false},
      {"Range", "bytes=", false},
      {"range", "bytes=10-20", true},
      // Every other name
      {"X-Api-Key", "k", false},
      {"Authorization", "Bearer abc", false},
      {"X-Requested-With", "XMLHttpRequest", false},
      {"Cache-Control", "no-cache", false},
      {"Content-Encoding", "gzip", false},
      // No trimming or fuzzy matching of the name.
      {"Accept ", "*/*", false},
      {" Accept", "*/*", false},
      {"Accept-", "*/*", false},
      {"X-Accept", "*/*", false},
  };
  for (const auto& row : rows) {
    INFO("header: '" << row.name << "': '" << row.value.substr(0, 60) << "' (" << row.value.size()
                     << " bytes)");
    const auto reason = unsafe_header_reason(Header{row.name, row.value});
    CHECK(reason.has_value() == !row.safelisted);
    if (reason) CHECK_FALSE(reason->empty());
  }
}

// Fetch "CORS-unsafe request-header names": not-safelisted names, plus every safelisted one
// when safelistValueSize > 1024, converted to a sorted-lowercase set.
TEST_CASE("unsafe_request_headers is a sorted lower-case set with the 1024-byte rule",
          "[cors][header]") {
  struct Row {
    const char* what;
    Headers headers;
    std::vector<std::string> names;
  };
  Headers eight_accepts;
  for (int i = 0; i < 8; ++i)
    eight_accepts.push_back({"Accept", k128});
  Headers nine_accepts = eight_accepts;
  nine_accepts.push_back({"Accept", k128});
  Headers over_with_language = eight_accepts;
  over_with_language.push_back({"Content-Language", "de"});
  Headers over_with_unsafe = over_with_language;
  over_with_unsafe.push_back({"X-Foo", "1"});

  const Row rows[] = {
      {"none", {}, {}},
      {"safelisted only", {{"Accept", "*/*"}, {"Content-Type", "text/plain"}}, {}},
      {"sorted, lower-cased, duplicate-free",
       {{"X-B", "1"}, {"x-a", "2"}, {"X-A", "3"}},
       {"x-a", "x-b"}},
      {"one unsafe among safelisted",
       {{"Accept", "*/*"}, {"X-Api-Key", "k"}, {"Content-Language", "de"}},
       {"x-api-key"}},
      {"unsafe value of a safelisted name",
       {{"Content-Type", "application/json"}, {"X-Api-Key", "k"}},
       {"content-type", "x-api-key"}},
      {"duplicate header", {{"X-Custom", "1"}, {"X-Custom", "2"}}, {"x-custom"}},
      {"Fetch's own example: json then text/plain",
       {{"Content-Type", "application/json"}, {"Content-Type", "text/plain"}},
       {"content-type"}},
      {"8 x 128 = 1024 bytes is not over the limit", eight_accepts, {}},
      {"9 x 128 = 1152 bytes is over the limit", nine_accepts, {"accept"}},
      {"1026 bytes over two names", over_with_language, {"accept", "content-language"}},
      {"over the limit plus an unsafe name",
       over_with_unsafe,
       {"accept", "content-language", "x-foo"}},
      {"unsafe values do not count toward 1024",
       {{"Accept", k128 + "a"}, {"Content-Language", "de"}},
       {"accept"}},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto unsafe = unsafe_request_headers(row.headers);
    CHECK(names_of(unsafe) == row.names);
    for (const auto& u : unsafe) {
      INFO(u.name);
      CHECK_FALSE(u.reason.empty());
    }
  }
}

// ---------------------------------------------------------------------------
// Forbidden request-headers and what a page can send
// ---------------------------------------------------------------------------

// Fetch "forbidden request-header": the listed names (byte-case-insensitive), names starting
// with proxy- or sec-, and X-HTTP-Method / X-HTTP-Method-Override / X-Method-Override when a
// value, got, decoded and split, is a forbidden method.
TEST_CASE("is_forbidden_request_header follows Fetch's list", "[cors][header]") {
  struct Row {
    const char* name;
    std::string value;
    bool forbidden;
  };
  const Row rows[] = {
      {"Host", "evil.example", true},
      {"host", "evil.example", true},
      {"HOST", "evil.example", true},
      {"Cookie", "a=b", true},
      {"Cookie2", "a=b", true},
      {"Origin", "https://evil.example", true},
      {"Referer", "https://evil.example/", true},
      {"Sec-Fetch-Mode", "cors", true},
      {"sec-ch-ua", "x", true},
      {"Proxy-Authorization", "Basic x", true},
      {"Proxy-Foo", "x", true},
      {"Content-Length", "10", true},
      {"Accept-Charset", "utf-8", true},
      {"Accept-Encoding", "gzip", true},
      {"Access-Control-Request-Headers", "x", true},
      {"Access-Control-Request-Method", "PUT", true},
      {"Connection", "close", true},
      {"Date", "Tue, 01 Jan 2030 00:00:00 GMT", true},
      {"DNT", "1", true},
      {"Expect", "100-continue", true},
      {"Keep-Alive", "timeout=5", true},
      {"Set-Cookie", "a=b", true},
      {"TE", "trailers", true},
      {"Trailer", "x", true},
      {"Transfer-Encoding", "chunked", true},
      {"Upgrade", "websocket", true},
      {"Via", "1.1 proxy", true},
      {"X-HTTP-Method-Override", "TRACE", true},
      {"X-HTTP-Method-Override", "trace", true},
      {"X-HTTP-Method-Override", "GET, TRACE", true},
      {"X-HTTP-Method-Override", " track ", true},
      {"x-http-method", "CONNECT", true},
      {"X-Method-Override", "Track", true},
      {"X-HTTP-Method-Override", "PATCH", false},
      {"X-HTTP-Method-Override", "TRACES", false},
      {"X-HTTP-Method-Override", "DELETE, PUT", false},
      {"X-Method-Override", "", false},
      {"Accept", "*/*", false},
      {"Authorization", "Bearer x", false},
      {"X-Api-Key", "k", false},
      {"User-Agent", "reqscope", false},  // no longer a forbidden name in Fetch
      {"Secret", "x", false},             // not "sec-"
      {"Proxy", "x", false},              // not "proxy-"
      {"Hostname", "x", false},
      {"X-Forwarded-For", "1.2.3.4", false},
      {"X-HTTP-Method-Override-Extra", "TRACE", false},
  };
  for (const auto& row : rows) {
    INFO(row.name << ": " << row.value);
    CHECK(is_forbidden_request_header(Header{row.name, row.value}) == row.forbidden);
  }
}

TEST_CASE("check_sendable refuses forbidden methods and headers, naming them", "[cors][header]") {
  struct Row {
    const char* method;
    Headers headers;
    const char* kind;   // nullptr: sendable
    const char* named;  // what the message must name
  };
  const Row rows[] = {
      {"GET", {}, nullptr, nullptr},
      {"PATCH", {{"X-Api-Key", "k"}}, nullptr, nullptr},
      {"POST", {{"X-HTTP-Method-Override", "PATCH"}}, nullptr, nullptr},
      {"TRACE", {}, "forbidden_method", "TRACE"},
      {"track", {}, "forbidden_method", "track"},
      {"Connect", {}, "forbidden_method", "Connect"},
      {"GET", {{"Host", "evil.example"}}, "forbidden_header", "Host"},
      {"GET", {{"Cookie", "a=b"}}, "forbidden_header", "Cookie"},
      {"GET",
       {{"Accept", "*/*"}, {"Sec-Fetch-Site", "none"}},
       "forbidden_header",
       "Sec-Fetch-Site"},
      {"GET", {{"Proxy-Authorization", "Basic x"}}, "forbidden_header", "Proxy-Authorization"},
      {"POST", {{"X-HTTP-Method-Override", "TRACE"}}, "forbidden_header", "X-HTTP-Method-Override"},
  };
  for (const auto& row : rows) {
    INFO(row.method << " with " << row.headers.size() << " headers");
    const auto result = check_sendable(make_request(row.method, row.headers));
    if (!row.kind) {
      CHECK(result);
      continue;
    }
    CHECK_FALSE(result);
    if (result) continue;
    CHECK(result.error().kind == row.kind);
    CHECK(icontains(result.error().message, row.named));
  }
}

// ---------------------------------------------------------------------------
// Preflight plan
// ---------------------------------------------------------------------------

// Fetch main fetch: a CORS-preflight fetch happens when "request's method is not a
// CORS-safelisted method or CORS-unsafe request-header names with request's header list is not
// empty". CORS-preflight fetch: Access-Control-Request-Method is the request's method;
// Access-Control-Request-Headers is the unsafe names "separated from each other by `,`"
// ("This intentionally does not use combine, as 0x20 following 0x2C is not the way this was
// implemented").
TEST_CASE("plan_preflight decides like a browser and builds the OPTIONS headers",
          "[cors][preflight]") {
  struct Row {
    const char* method;
    Headers headers;
    bool credentials;
    bool needed;
    const char* plan_method;
    const char* request_headers;  // Access-Control-Request-Headers; nullptr: absent
  };
  Headers nine_accepts;
  for (int i = 0; i < 9; ++i)
    nine_accepts.push_back({"Accept", k128});
  const Row rows[] = {
      {"GET", {}, false, false, "GET", nullptr},
      {"get", {}, false, false, "GET", nullptr},
      {"HEAD", {}, false, false, "HEAD", nullptr},
      {"POST", {{"Content-Type", "text/plain"}}, false, false, "POST", nullptr},
      {"post",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       false,
       false,
       "POST",
       nullptr},
      {"POST",
       {{"Content-Type", "multipart/form-data; boundary=x"}},
       false,
       false,
       "POST",
       nullptr},
      {"GET", {}, true, false, "GET", nullptr},  // credentials alone need no preflight
      {"GET",
       {{"Accept", "*/*"}, {"Accept-Language", "en-US"}, {"Content-Language", "de"}},
       false,
       false,
       "GET",
       nullptr},
      {"GET", {{"Range", "bytes=0-99"}}, false, false, "GET", nullptr},
      {"PUT", {}, false, true, "PUT", nullptr},
      {"DELETE", {}, false, true, "DELETE", nullptr},
      {"options", {}, false, true, "OPTIONS", nullptr},
      {"patch", {}, false, true, "patch", nullptr},
      {"PATCH", {}, false, true, "PATCH", nullptr},
      {"POST", {{"Content-Type", "application/json"}}, false, true, "POST", "content-type"},
      {"POST",
       {{"Content-Type", "application/json"}, {"X-Api-Key", "k"}},
       false,
       true,
       "POST",
       "content-type,x-api-key"},
      {"POST",
       {{"X-Api-Key", "k"}, {"Content-Type", "application/json"}},
       false,
       true,
       "POST",
       "content-type,x-api-key"},
      {"GET", {{"X-B", "1"}, {"x-a", "2"}, {"X-A", "3"}}, false, true, "GET", "x-a,x-b"},
      {"GET", {{"Authorization", "Bearer x"}}, true, true, "GET", "authorization"},
      {"GET", {{"Range", "bytes=-5"}}, false, true, "GET", "range"},
      {"GET", nine_accepts, false, true, "GET", "accept"},
      {"put", {{"X-Api-Key", "k"}}, true, true, "PUT", "x-api-key"},
  };
  for (const auto& row : rows) {
    INFO(row.method << " with " << row.headers.size() << " headers, credentials "
                    << row.credentials);
    const auto request = make_request(row.method, row.headers, row.credentials);
    const auto plan = plan_preflight(request);
    CHECK(plan.needed == row.needed);
    CHECK(plan.method == row.plan_method);
    CHECK(plan.reasons.empty() == !row.needed);
    CHECK(join_comma(names_of(plan.unsafe_headers)) ==
          std::string(row.request_headers ? row.request_headers : ""));
    if (!row.needed) continue;
    CHECK(values_of(plan.headers, "Origin") == std::vector<std::string>{kPage});
    CHECK(values_of(plan.headers, "Access-Control-Request-Method") ==
          std::vector<std::string>{row.plan_method});
    if (row.request_headers) {
      CHECK(values_of(plan.headers, "Access-Control-Request-Headers") ==
            std::vector<std::string>{row.request_headers});
    } else {
      CHECK(values_of(plan.headers, "Access-Control-Request-Headers").empty());
    }
  }
}

TEST_CASE("an opaque origin is sent as Origin: null", "[cors][preflight]") {
  const auto request = make_request("PUT", {}, false, "null");
  const auto plan = plan_preflight(request);
  REQUIRE(plan.needed);
  CHECK(values_of(plan.headers, "Origin") == std::vector<std::string>{"null"});
  CHECK(values_of(actual_request_headers(request), "Origin") == std::vector<std::string>{"null"});
}

TEST_CASE("the actual request carries the page's headers and Origin", "[cors][preflight]") {
  const auto request = make_request("PUT", {{"X-Api-Key", "k"}, {"Content-Type", "text/plain"}});
  const auto headers = actual_request_headers(request);
  CHECK(values_of(headers, "Origin") == std::vector<std::string>{kPage});
  CHECK(values_of(headers, "X-Api-Key") == std::vector<std::string>{"k"});
  CHECK(values_of(headers, "Content-Type") == std::vector<std::string>{"text/plain"});
}

// ---------------------------------------------------------------------------
// Header list helpers
// ---------------------------------------------------------------------------

// Fetch "get": "the values of all headers in list whose name is a byte-case-insensitive match
// for name, separated from each other by 0x2C 0x20, in order", or null.
TEST_CASE("get_header joins every value of a name with comma-space", "[cors][response]") {
  struct Row {
    Headers headers;
    const char* name;
    std::optional<std::string> value;
  };
  const Row rows[] = {
      {{{"A", "1"}, {"a", "2"}}, "A", "1, 2"}, {{{"A", "1"}, {"B", "2"}, {"A", "3"}}, "a", "1, 3"},
      {{{"X-Thing", "v"}}, "x-thing", "v"},    {{{"X-Thing", ""}}, "X-Thing", ""},
      {{}, "X-Thing", std::nullopt},           {{{"X-Other", "v"}}, "X-Thing", std::nullopt},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    const auto value = get_header(row.headers, row.name);
    CHECK(value.has_value() == row.value.has_value());
    if (value && row.value) CHECK(*value == *row.value);
  }
}

// Fetch "extract header list values" for the #method / #field-name lists: null when absent,
// failure when a value does not parse. RFC 9110 §5.6.1: "a recipient MUST accept empty list
// elements" and ignore them; OWS around commas.
TEST_CASE("extract_token_list parses #token lists and drops empty members", "[cors][response]") {
  struct Row {
    Headers headers;
    bool present;
    std::vector<std::string> members;
    bool error;
  };
  const Row rows[] = {
      {{{kAcam, "GET, PUT"}}, true, {"GET", "PUT"}, false},
      {{{kAcam, "GET,,PUT"}}, true, {"GET", "PUT"}, false},
      {{{kAcam, "  GET ,PUT  "}}, true, {"GET", "PUT"}, false},
      {{{kAcam, "GET,\tPUT"}}, true, {"GET", "PUT"}, false},
      {{{kAcam, "GET"}, {kAcam, "PUT"}}, true, {"GET", "PUT"}, false},
      {{{kAcam, "x-api-key, Content-Type"}}, true, {"x-api-key", "Content-Type"}, false},
      {{{kAcam, "*"}}, true, {"*"}, false},
      {{{kAcam, ""}}, true, {}, false},
      {{{kAcam, ","}}, true, {}, false},
      {{{kAcam, "GET PUT"}}, true, {}, true},
      {{{kAcam, "GET;PUT"}}, true, {}, true},
      {{{kAcam, "GET, PU T"}}, true, {}, true},
      {{{kAcam, "\"GET\""}}, true, {}, true},
      {{{kAcam, "GET"}, {kAcam, "P(UT"}}, true, {}, true},
      {{}, false, {}, false},
      {{{"Allow", "GET"}}, false, {}, false},
  };
  for (const auto& row : rows) {
    INFO((row.headers.empty() ? std::string("(absent)") : row.headers.front().value));
    const auto list = extract_token_list(row.headers, kAcam);
    CHECK(list.present == row.present);
    CHECK(list.error.empty() == !row.error);
    if (!row.error) CHECK(list.members == row.members);
  }
  // The error names the bad member.
  CHECK(contains(extract_token_list({{kAcam, "GET, PU T"}}, kAcam).error, "PU T"));
}

// ---------------------------------------------------------------------------
// The preflight response
// ---------------------------------------------------------------------------

// Fetch "CORS-preflight fetch": success needs a CORS check success and an ok status (200-299);
// then: methods and headerNames extracted (failure -> network error); "If request's method is
// not in methods, request's method is not a CORS-safelisted method, and request's credentials
// mode is "include" or methods does not contain `*`, then return a network error"; "If one of
// request's header list's names is a CORS non-wildcard request-header name [Authorization] and
// is not a byte-case-insensitive match for an item in headerNames, then return a network
// error"; "For each unsafeName of the CORS-unsafe request-header names ..., if unsafeName is
// not a byte-case-insensitive match for an item in headerNames and request's credentials mode
// is "include" or headerNames does not contain `*`, return a network error".
// Fetch "CORS check": ACAO null -> failure; not include and `*` -> success; the byte-serialized
// origin must equal ACAO; with include, ACAC must be `true` (case-sensitive).
TEST_CASE("check_preflight applies every rule of the CORS-preflight fetch", "[cors][preflight]") {
  struct Row {
    const char* what;
    const char* origin;
    const char* method;
    Headers request_headers;
    bool credentials;
    long status;
    Headers response_headers;
    const char* failing;  // the first failing check's id; nullptr: all pass
    const char* fix_names;
  };
  const Header api_key{"X-Api-Key", "k"};
  const Header allow_page{kAcao, kPage};
  const Header allow_put{kAcam, "PUT"};
  const Header allow_key{kAcah, "x-api-key"};
  const Header allow_true{kAcac, "true"};
  Headers nine_accepts;
  for (int i = 0; i < 9; ++i)
    nine_accepts.push_back({"Accept", k128});

  const Row rows[] = {
      // ok status
      {"204",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"200",
       kPage,
       "PUT",
       {api_key},
       false,
       200,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"299",
       kPage,
       "PUT",
       {api_key},
       false,
       299,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"300",
       kPage,
       "PUT",
       {api_key},
       false,
       300,
       {allow_page, allow_put, allow_key},
       "ok_status",
       nullptr},
      {"302",
       kPage,
       "PUT",
       {api_key},
       false,
       302,
       {allow_page, allow_put, allow_key},
       "ok_status",
       nullptr},
      {"404",
       kPage,
       "PUT",
       {api_key},
       false,
       404,
       {allow_page, allow_put, allow_key},
       "ok_status",
       nullptr},
      {"500",
       kPage,
       "PUT",
       {api_key},
       false,
       500,
       {allow_page, allow_put, allow_key},
       "ok_status",
       nullptr},
      {"199",
       kPage,
       "PUT",
       {api_key},
       false,
       199,
       {allow_page, allow_put, allow_key},
       "ok_status",
       nullptr},
      // allow-origin
      {"ACAO * without credentials",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "*"}, allow_put, allow_key},
       nullptr,
       nullptr},
      {"ACAO * with credentials",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {{kAcao, "*"}, allow_true, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO missing",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO with a trailing slash",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "https://app.example/"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO in another case",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "https://APP.example"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO with the default port",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "https://app.example:443"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO with the other scheme",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "http://app.example"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO of a look-alike",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "https://app.example.evil.example"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"two ACAO headers (joined 'a, a')",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_page, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO listing two origins",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "https://app.example, https://other.example"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO empty",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, ""}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO null for the null origin",
       "null",
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "null"}, allow_put, allow_key},
       nullptr,
       nullptr},
      {"ACAO null for a tuple origin",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "null"}, allow_put, allow_key},
       "allow_origin",
       kAcao},
      {"ACAO * for the null origin",
       "null",
       "PUT",
       {api_key},
       false,
       204,
       {{kAcao, "*"}, allow_put, allow_key},
       nullptr,
       nullptr},
      {"ACAO null with credentials for the null origin",
       "null",
       "PUT",
       {api_key},
       true,
       204,
       {{kAcao, "null"}, allow_true, allow_put, allow_key},
       nullptr,
       nullptr},
      // allow-credentials (only with credentials)
      {"ACAC true",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, allow_put, allow_key},
       nullptr,
       nullptr},
      {"ACAC True",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, {kAcac, "True"}, allow_put, allow_key},
       "allow_credentials",
       kAcac},
      {"ACAC missing",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_put, allow_key},
       "allow_credentials",
       kAcac},
      {"ACAC false",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, {kAcac, "false"}, allow_put, allow_key},
       "allow_credentials",
       kAcac},
      {"two ACAC true headers (joined 'true, true')",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, allow_true, allow_put, allow_key},
       "allow_credentials",
       kAcac},
      {"ACAC ignored without credentials",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcac, "false"}, allow_put, allow_key},
       nullptr,
       nullptr},
      // allow-methods
      {"ACAM lists the method among others",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET, PUT, DELETE"}, allow_key},
       nullptr,
       nullptr},
      {"ACAM lacks the method",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET"}, allow_key},
       "allow_methods",
       kAcam},
      {"ACAM missing",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_key},
       "allow_methods",
       kAcam},
      {"ACAM * without credentials",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "*"}, allow_key},
       nullptr,
       nullptr},
      {"ACAM * with credentials",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, {kAcam, "*"}, allow_key},
       "allow_methods",
       kAcam},
      {"ACAM *, PUT with credentials",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, {kAcam, "*, PUT"}, allow_key},
       nullptr,
       nullptr},
      {"ACAM put does not allow PUT",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "put"}, allow_key},
       "allow_methods",
       kAcam},
      {"method put is normalized to PUT",
       kPage,
       "put",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"method patch is not allowed by PATCH",
       kPage,
       "patch",
       {},
       false,
       204,
       {allow_page, {kAcam, "PATCH"}},
       "allow_methods",
       kAcam},
      {"method patch is allowed by patch",
       kPage,
       "patch",
       {},
       false,
       204,
       {allow_page, {kAcam, "patch"}},
       nullptr,
       nullptr},
      {"method PATCH is allowed by PATCH",
       kPage,
       "PATCH",
       {},
       false,
       204,
       {allow_page, {kAcam, "PATCH"}},
       nullptr,
       nullptr},
      {"method PATCH is not allowed by patch",
       kPage,
       "PATCH",
       {},
       false,
       204,
       {allow_page, {kAcam, "patch"}},
       "allow_methods",
       kAcam},
      {"a safelisted method need not be listed",
       kPage,
       "POST",
       {api_key},
       false,
       204,
       {allow_page, allow_key},
       nullptr,
       nullptr},
      {"GET need not be listed even when ACAM lists others",
       kPage,
       "GET",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"post is normalized to the safelisted POST",
       kPage,
       "post",
       {api_key},
       true,
       204,
       {allow_page, allow_true, allow_key},
       nullptr,
       nullptr},
      {"ACAM unparsable, even for a safelisted method (network error)",
       kPage,
       "POST",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET PUT"}, allow_key},
       "allow_methods",
       kAcam},
      {"ACAM is not a list (network error)",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET PUT"}, allow_key},
       "allow_methods",
       kAcam},
      {"ACAM over two headers",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET"}, {kAcam, "PUT"}, allow_key},
       nullptr,
       nullptr},
      {"ACAM with an empty member",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, {kAcam, "GET,,PUT"}, allow_key},
       nullptr,
       nullptr},
      // allow-headers
      {"ACAH in another case",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, {kAcah, "X-API-KEY"}},
       nullptr,
       nullptr},
      {"ACAH missing",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put},
       "allow_headers",
       kAcah},
      {"ACAH lists another name",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, {kAcah, "content-type"}},
       "allow_headers",
       kAcah},
      {"ACAH * without credentials",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, {kAcah, "*"}},
       nullptr,
       nullptr},
      {"ACAH * with credentials",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, allow_put, {kAcah, "*"}},
       "allow_headers",
       kAcah},
      {"ACAH *, x-api-key with credentials",
       kPage,
       "PUT",
       {api_key},
       true,
       204,
       {allow_page, allow_true, allow_put, {kAcah, "*, x-api-key"}},
       nullptr,
       nullptr},
      {"ACAH * never covers Authorization",
       kPage,
       "GET",
       {{"Authorization", "Bearer x"}},
       false,
       204,
       {allow_page, {kAcah, "*"}},
       "allow_headers",
       kAcah},
      {"ACAH * covers x-api-key but not Authorization",
       kPage,
       "GET",
       {api_key, {"Authorization", "Bearer x"}},
       false,
       204,
       {allow_page, {kAcah, "*"}},
       "allow_headers",
       kAcah},
      {"ACAH authorization covers Authorization",
       kPage,
       "GET",
       {{"Authorization", "Bearer x"}},
       false,
       204,
       {allow_page, {kAcah, "authorization"}},
       nullptr,
       nullptr},
      {"ACAH *, Authorization",
       kPage,
       "GET",
       {{"Authorization", "Bearer x"}, api_key},
       false,
       204,
       {allow_page, {kAcah, "*, Authorization"}},
       nullptr,
       nullptr},
      {"ACAH Authorization with credentials",
       kPage,
       "GET",
       {{"Authorization", "Bearer x"}},
       true,
       204,
       {allow_page, allow_true, {kAcah, "Authorization"}},
       nullptr,
       nullptr},
      {"ACAH lacks one of two names",
       kPage,
       "POST",
       {{"Content-Type", "application/json"}, api_key},
       false,
       204,
       {allow_page, {kAcah, "x-api-key"}},
       "allow_headers",
       kAcah},
      {"ACAH lists both names",
       kPage,
       "POST",
       {{"Content-Type", "application/json"}, api_key},
       false,
       204,
       {allow_page, {kAcah, "Content-Type, X-Api-Key"}},
       nullptr,
       nullptr},
      {"ACAH over two headers",
       kPage,
       "POST",
       {{"Content-Type", "application/json"}, api_key},
       false,
       204,
       {allow_page, {kAcah, "content-type"}, {kAcah, "x-api-key"}},
       nullptr,
       nullptr},
      {"ACAH unparsable, though no header needs listing (network error)",
       kPage,
       "PUT",
       {},
       false,
       204,
       {allow_page, allow_put, {kAcah, "x-a x-b"}},
       "allow_headers",
       kAcah},
      {"ACAH is not a list (network error)",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, {kAcah, "x-api-key x-other"}},
       "allow_headers",
       kAcah},
      {"a safelisted Content-Type need not be listed",
       kPage,
       "PUT",
       {{"Content-Type", "text/plain"}, api_key},
       false,
       204,
       {allow_page, allow_put, allow_key},
       nullptr,
       nullptr},
      {"no unsafe headers need no ACAH",
       kPage,
       "PUT",
       {},
       false,
       204,
       {allow_page, allow_put},
       nullptr,
       nullptr},
      {"safelisted headers over 1024 bytes must be listed",
       kPage,
       "GET",
       nine_accepts,
       false,
       204,
       {allow_page},
       "allow_headers",
       kAcah},
      {"safelisted headers over 1024 bytes, listed",
       kPage,
       "GET",
       nine_accepts,
       false,
       204,
       {allow_page, {kAcah, "Accept"}},
       nullptr,
       nullptr},
      // max-age never blocks
      {"invalid max-age",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key, {kAcma, "abc"}},
       nullptr,
       nullptr},
      {"max-age over the cap",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key, {kAcma, "86400"}},
       nullptr,
       nullptr},
      {"negative max-age",
       kPage,
       "PUT",
       {api_key},
       false,
       204,
       {allow_page, allow_put, allow_key, {kAcma, "-1"}},
       nullptr,
       nullptr},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto request = make_request(row.method, row.request_headers, row.credentials, row.origin);
    const auto plan = plan_preflight(request);
    const auto checks =
        check_preflight(request, plan, make_response(row.status, row.response_headers));
    INFO(describe(checks));
    CHECK_FALSE(checks.empty());
    for (const auto& check : checks) {
      INFO(check.id);
      CHECK_FALSE(check.id.empty());
      CHECK_FALSE(check.rule.empty());
      CHECK(check.fix.empty() == check.ok);
    }
    if (!row.failing) {
      CHECK(passed(checks));
      CHECK(first_failed(checks) == nullptr);
      continue;
    }
    CHECK_FALSE(passed(checks));
    const Check* failed = first_failed(checks);
    CHECK(failed != nullptr);
    if (!failed) continue;
    CHECK(failed->id == row.failing);
    CHECK_FALSE(failed->detail.empty());
    CHECK_FALSE(failed->fix.empty());
    if (row.fix_names) CHECK(icontains(failed->fix, row.fix_names));
  }
}

TEST_CASE("a failed check lists the response headers that decided it", "[cors][preflight]") {
  const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
  const auto checks = check_preflight(
      request, plan_preflight(request),
      make_response(204, {{kAcao, "https://other.example"}, {kAcam, "PUT"}, {kAcah, "x-api-key"}}));
  const Check* origin = find_check(checks, "allow_origin");
  REQUIRE(origin != nullptr);
  CHECK_FALSE(origin->ok);
  CHECK(values_of(origin->headers, kAcao) == std::vector<std::string>{"https://other.example"});
  // Absent headers are not listed.
  const auto absent = check_preflight(request, plan_preflight(request),
                                      make_response(204, {{kAcam, "PUT"}, {kAcah, "x-api-key"}}));
  const Check* missing = find_check(absent, "allow_origin");
  REQUIRE(missing != nullptr);
  CHECK(values_of(missing->headers, kAcao).empty());
}

// Fetch: "Let max-age be the result of extracting header list values given
// Access-Control-Max-Age ... If max-age is failure or null, then set max-age to 5. If max-age is
// greater than an imposed limit on max-age, then set max-age to the imposed limit."
// ABNF: Access-Control-Max-Age = delta-seconds (1*DIGIT; a single header). RFC 9111 §1.2.2: a
// delta-seconds too large to represent is taken as 2147483648, i.e. still over the cap.
TEST_CASE("preflight_max_age defaults to 5 and caps at Chromium's 7200", "[cors][preflight]") {
  struct Row {
    Headers headers;
    long seconds;
    bool present;
    bool valid;
    long capped_from;
  };
  const Row rows[] = {
      {{}, 5, false, true, 0},
      {{{kAcma, "600"}}, 600, true, true, 0},
      {{{kAcma, "0"}}, 0, true, true, 0},
      {{{kAcma, "7200"}}, 7200, true, true, 0},
      {{{kAcma, "86400"}}, 7200, true, true, 86400},
      {{{kAcma, "abc"}}, 5, true, false, 0},
      {{{kAcma, "-1"}}, 5, true, false, 0},
      {{{kAcma, "1e3"}}, 5, true, false, 0},
      {{{kAcma, "600, 600"}}, 5, true, false, 0},
      {{{kAcma, "600"}, {kAcma, "600"}}, 5, true, false, 0},
      {{{kAcma, ""}}, 5, true, false, 0},
      {{{"access-control-max-age", "60"}}, 60, true, true, 0},
  };
  for (const auto& row : rows) {
    INFO((row.headers.empty() ? std::string("(absent)") : row.headers.front().value)
         << " in " << row.headers.size() << " headers");
    const auto age = preflight_max_age(row.headers);
    CHECK(age.seconds == row.seconds);
    CHECK(age.present == row.present);
    CHECK(age.valid == row.valid);
    CHECK(age.capped_from == row.capped_from);
  }
  const auto huge = preflight_max_age({{kAcma, "99999999999999999999999"}});
  CHECK(huge.seconds == kChromiumMaxAgeCap);
  CHECK(huge.present);
  CHECK(kMaxAgeDefault == 5);
}

TEST_CASE("check_preflight reports max-age without failing on it", "[cors][preflight]") {
  const auto request = make_request("PUT");
  for (const char* value : {"600", "abc", "86400"}) {
    INFO(value);
    const auto checks =
        check_preflight(request, plan_preflight(request),
                        make_response(204, {{kAcao, kPage}, {kAcam, "PUT"}, {kAcma, value}}));
    INFO(describe(checks));
    const Check* age = find_check(checks, "max_age");
    CHECK(age != nullptr);
    if (!age) continue;
    CHECK(age->ok);
    CHECK(passed(checks));
  }
}

// ---------------------------------------------------------------------------
// The actual response
// ---------------------------------------------------------------------------

// Fetch: "A successful HTTP response ... to a CORS request can use any status"; only the CORS
// check applies.
TEST_CASE("check_actual is the CORS check, whatever the status", "[cors][actual]") {
  struct Row {
    const char* what;
    const char* origin;
    bool credentials;
    long status;
    Headers headers;
    const char* failing;
    const char* fix_names;
  };
  const Row rows[] = {
      {"200 exact", kPage, false, 200, {{kAcao, kPage}}, nullptr, nullptr},
      {"500 exact", kPage, false, 500, {{kAcao, kPage}}, nullptr, nullptr},
      {"404 exact", kPage, false, 404, {{kAcao, kPage}}, nullptr, nullptr},
      {"403 *", kPage, false, 403, {{kAcao, "*"}}, nullptr, nullptr},
      {"missing ACAO", kPage, false, 200, {}, "allow_origin", kAcao},
      {"ACAO elsewhere",
       kPage,
       false,
       200,
       {{kAcao, "https://other.example"}},
       "allow_origin",
       kAcao},
      {"ACAO with a trailing slash",
       kPage,
       false,
       200,
       {{kAcao, "https://app.example/"}},
       "allow_origin",
       kAcao},
      {"two ACAO headers",
       kPage,
       false,
       200,
       {{kAcao, kPage}, {kAcao, kPage}},
       "allow_origin",
       kAcao},
      {"* with credentials",
       kPage,
       true,
       200,
       {{kAcao, "*"}, {kAcac, "true"}},
       "allow_origin",
       kAcao},
      {"exact with credentials and true",
       kPage,
       true,
       200,
       {{kAcao, kPage}, {kAcac, "true"}},
       nullptr,
       nullptr},
      {"exact with credentials, no ACAC",
       kPage,
       true,
       200,
       {{kAcao, kPage}},
       "allow_credentials",
       kAcac},
      {"exact with credentials and TRUE",
       kPage,
       true,
       200,
       {{kAcao, kPage}, {kAcac, "TRUE"}},
       "allow_credentials",
       kAcac},
      {"ACAC false ignored without credentials",
       kPage,
       false,
       200,
       {{kAcao, kPage}, {kAcac, "false"}},
       nullptr,
       nullptr},
      {"null origin allowed by null", "null", false, 200, {{kAcao, "null"}}, nullptr, nullptr},
      {"tuple origin not allowed by null",
       kPage,
       false,
       200,
       {{kAcao, "null"}},
       "allow_origin",
       kAcao},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto request = make_request("GET", {}, row.credentials, row.origin);
    const auto checks = check_actual(request, make_response(row.status, row.headers));
    INFO(describe(checks));
    CHECK(find_check(checks, "ok_status") == nullptr);
    if (!row.failing) {
      CHECK(passed(checks));
      continue;
    }
    CHECK_FALSE(passed(checks));
    const Check* failed = first_failed(checks);
    CHECK(failed != nullptr);
    if (!failed) continue;
    CHECK(failed->id == row.failing);
    CHECK(icontains(failed->fix, row.fix_names));
  }
}

// ---------------------------------------------------------------------------
// Readable response headers
// ---------------------------------------------------------------------------

// Fetch "CORS-safelisted response-header name": Cache-Control, Content-Language,
// Content-Length, Content-Type, Expires, Last-Modified, Pragma, and "any item in list that is
// not a forbidden response-header name" (Set-Cookie, Set-Cookie2). Main fetch: "If request's
// credentials mode is not "include" and headerNames contains `*`, then set response's
// CORS-exposed header-name list to all unique header names in response's header list."
TEST_CASE("readable_headers are the safelisted and exposed names, never Set-Cookie",
          "[cors][actual]") {
  const Headers base = {
      {"Cache-Control", "no-cache"},
      {"Content-Language", "en"},
      {"Content-Length", "10"},
      {"Content-Type", "text/plain"},
      {"Expires", "0"},
      {"Last-Modified", "x"},
      {"Pragma", "no-cache"},
      {"X-Secret", "s"},
      {"Set-Cookie", "a=b"},
      {"Server", "nginx"},
  };
  const std::vector<std::string> safelisted = {
      "cache-control", "content-language", "content-length", "content-type",
      "expires",       "last-modified",    "pragma"};
  auto with = [&](Headers extra) {
    Headers all = base;
    for (auto& h : extra)
      all.push_back(std::move(h));
    return all;
  };
  auto plus = [&](std::vector<std::string> extra) {
    auto all = safelisted;
    for (auto& n : extra)
      all.push_back(std::move(n));
    std::sort(all.begin(), all.end());
    return all;
  };
  struct Row {
    const char* what;
    bool credentials;
    Headers headers;
    std::vector<std::string> readable;
  };
  const Row rows[] = {
      {"safelisted only", false, with({{kAcao, kPage}}), safelisted},
      {"exposed X-Secret", false, with({{kAcao, kPage}, {kAceh, "X-Secret"}}), plus({"x-secret"})},
      {"exposed names not in the response are not listed", false,
       with({{kAcao, kPage}, {kAceh, "x-secret, X-Missing"}}), plus({"x-secret"})},
      {"* exposes all but Set-Cookie without credentials", false,
       with({{kAcao, kPage}, {kAceh, "*"}}),
       plus(
           {"access-control-allow-origin", "access-control-expose-headers", "server", "x-secret"})},
      {"* exposes nothing more with credentials", true,
       with({{kAcao, kPage}, {kAcac, "true"}, {kAceh, "*"}}), safelisted},
      {"*, X-Secret with credentials exposes X-Secret", true,
       with({{kAcao, kPage}, {kAcac, "true"}, {kAceh, "*, X-Secret"}}), plus({"x-secret"})},
      {"Set-Cookie cannot be exposed", false, with({{kAcao, kPage}, {kAceh, "Set-Cookie"}}),
       safelisted},
      {"Set-Cookie cannot be exposed with credentials", true,
       with({{kAcao, kPage}, {kAcac, "true"}, {kAceh, "Set-Cookie, X-Secret"}}),
       plus({"x-secret"})},
      {"an invalid expose list exposes nothing", false,
       with({{kAcao, kPage}, {kAceh, "X-Secret Server"}}), safelisted},
      {"the CORS check fails: nothing", false, base, {}},
      {"the credentials check fails: nothing",
       true,
       with({{kAcao, kPage}, {kAceh, "X-Secret"}}),
       {}},
      {"only present safelisted names",
       false,
       {{kAcao, kPage}, {"X-Secret", "s"}, {"CONTENT-TYPE", "a/b"}, {"content-type", "c/d"}},
       {"content-type"}},
      {"* and Set-Cookie2",
       false,
       {{kAcao, "*"}, {kAceh, "*"}, {"Set-Cookie2", "a=b"}, {"X-A", "1"}},
       {"access-control-allow-origin", "access-control-expose-headers", "x-a"}},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto request = make_request("GET", {}, row.credentials);
    CHECK(readable_headers(request, make_response(200, row.headers)) == row.readable);
  }
}

// ---------------------------------------------------------------------------
// evaluate()
// ---------------------------------------------------------------------------

TEST_CASE("evaluate gives the browser's verdict and the first failure", "[cors][evaluate]") {
  const Headers good_preflight = {{kAcao, kPage}, {kAcam, "PUT"}, {kAcah, "x-api-key"}};

  SECTION("a simple GET allowed without a preflight") {
    const auto request = make_request("GET");
    const auto e = evaluate(
        request, std::nullopt,
        make_response(200, {{kAcao, kPage}, {"Content-Type", "text/plain"}, {"Vary", "Origin"}}));
    CHECK(e.allowed);
    CHECK_FALSE(e.plan.needed);
    CHECK_FALSE(e.preflight.has_value());
    CHECK(e.actual.sent);
    CHECK(e.first_failure() == nullptr);
    CHECK(e.readable_headers ==
          std::vector<std::string>{"content-type"});  // Vary is not safelisted
  }
  SECTION("a simple GET blocked: no allow-origin") {
    const auto e = evaluate(make_request("GET"), std::nullopt, make_response(200, {}));
    CHECK_FALSE(e.allowed);
    REQUIRE(e.first_failure() != nullptr);
    CHECK(e.first_failure()->id == "allow_origin");
    CHECK(e.readable_headers.empty());
  }
  SECTION("a simple GET with a 500 and the right allow-origin is allowed") {
    const auto e =
        evaluate(make_request("GET"), std::nullopt, make_response(500, {{kAcao, kPage}}));
    CHECK(e.allowed);
  }
  SECTION("PUT with a good preflight and actual response") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    const auto e =
        evaluate(request, make_response(204, good_preflight), make_response(200, {{kAcao, kPage}}));
    CHECK(e.allowed);
    CHECK(e.plan.needed);
    REQUIRE(e.preflight.has_value());
    CHECK(e.preflight->sent);
    CHECK(passed(e.preflight->checks));
    CHECK(e.actual.sent);
    CHECK(e.first_failure() == nullptr);
  }
  SECTION("a failed preflight leaves the actual request unsent") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    const auto e = evaluate(request, make_response(204, {{kAcao, kPage}, {kAcah, "x-api-key"}}),
                            make_response(200, {{kAcao, kPage}}));
    CHECK_FALSE(e.allowed);
    REQUIRE(e.preflight.has_value());
    CHECK_FALSE(e.actual.sent);
    REQUIRE(e.first_failure() != nullptr);
    CHECK(e.first_failure()->id == "allow_methods");
    CHECK(e.readable_headers.empty());
  }
  SECTION("a preflight answered 404 fails on its status") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    const auto e = evaluate(request, make_response(404, good_preflight), std::nullopt);
    CHECK_FALSE(e.allowed);
    CHECK_FALSE(e.actual.sent);
    REQUIRE(e.first_failure() != nullptr);
    CHECK(e.first_failure()->id == "ok_status");
  }
  SECTION("the preflight's failure comes before the actual's") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    const auto e = evaluate(request, make_response(204, {{kAcao, kPage}, {kAcam, "PUT"}}),
                            make_response(200, {}));
    CHECK_FALSE(e.allowed);
    REQUIRE(e.first_failure() != nullptr);
    CHECK(e.first_failure()->id == "allow_headers");
  }
  SECTION("a good preflight and a failing actual response") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}}, true);
    Headers preflight = good_preflight;
    preflight.push_back({kAcac, "true"});
    const auto e =
        evaluate(request, make_response(204, preflight), make_response(200, {{kAcao, kPage}}));
    CHECK_FALSE(e.allowed);
    REQUIRE(e.preflight.has_value());
    CHECK(passed(e.preflight->checks));
    CHECK(e.actual.sent);
    REQUIRE(e.first_failure() != nullptr);
    CHECK(e.first_failure()->id == "allow_credentials");
  }
  SECTION("a needed preflight without a response is not allowed") {
    const auto e =
        evaluate(make_request("PUT"), std::nullopt, make_response(200, {{kAcao, kPage}}));
    CHECK_FALSE(e.allowed);
  }
  SECTION("no actual response is not allowed") {
    const auto e = evaluate(make_request("GET"), std::nullopt, std::nullopt);
    CHECK_FALSE(e.allowed);
  }
}

// ---------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------

TEST_CASE("vary_lists_origin reads Vary as a case-insensitive list", "[cors][findings]") {
  struct Row {
    const char* what;
    Headers headers;
    bool lists_origin;
  };
  const Row rows[] = {
      {"no Vary", {{kAcao, kPage}}, false},
      {"Vary: Origin", {{kAcao, kPage}, {"Vary", "Origin"}}, true},
      {"Vary: ORIGIN", {{kAcao, kPage}, {"vary", "ORIGIN"}}, true},
      {"Vary: accept, origin", {{kAcao, kPage}, {"Vary", "accept, origin"}}, true},
      {"Vary over two headers", {{kAcao, kPage}, {"Vary", "Accept"}, {"Vary", "Origin"}}, true},
      {"Vary: *", {{"Vary", "*"}}, true},
      {"Vary: Accept-Encoding only", {{kAcao, kPage}, {"Vary", "Accept-Encoding"}}, false},
      {"Vary: X-Origin is not Origin", {{kAcao, kPage}, {"Vary", "X-Origin"}}, false},
      {"Vary: Origins is not Origin", {{kAcao, kPage}, {"Vary", "Origins"}}, false},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    CHECK(vary_lists_origin(row.headers) == row.lists_origin);
  }
}

TEST_CASE("response_findings leaves missing Vary to --scan: one answer cannot show variation",
          "[cors][findings]") {
  const auto e =
      evaluate(make_request("GET", {}, false), std::nullopt, make_response(200, {{kAcao, kPage}}));
  CHECK(finding_with_id(response_findings(e), "missing_vary") == nullptr);
}

TEST_CASE("response_findings reports a wildcard answered to a credentialed request",
          "[cors][findings]") {
  const auto e = evaluate(make_request("GET", {}, true), std::nullopt,
                          make_response(200, {{kAcao, "*"}, {kAcac, "true"}}));
  CHECK_FALSE(e.allowed);
  const auto findings = response_findings(e);
  INFO(describe(findings));
  CHECK_FALSE(findings.empty());
}

TEST_CASE("has_high_finding looks for severity high", "[cors][findings]") {
  auto finding = [](const char* severity) {
    Finding f;
    f.id = "x";
    f.severity = severity;
    return f;
  };
  struct Row {
    std::vector<Finding> findings;
    bool high;
  };
  const Row rows[] = {
      {{}, false},
      {{finding("low"), finding("info")}, false},
      {{finding("medium")}, false},
      {{finding("low"), finding("high")}, true},
  };
  for (const auto& row : rows)
    CHECK(has_high_finding(row.findings) == row.high);
}

// ---------------------------------------------------------------------------
// --scan
// ---------------------------------------------------------------------------

TEST_CASE("scan_probes tries an unrelated origin, null, look-alikes, scheme and port",
          "[cors][scan]") {
  const auto origin = origin_of(kPage);
  const auto probes = scan_probes(origin);
  CHECK(probes.size() + 1 <= kMaxScanRequests);
  for (const char* id : {"unrelated", "null", "prefix", "suffix", "other_scheme", "other_port"}) {
    INFO(id);
    const ScanProbe* probe = probe_with_id(probes, id);
    CHECK(probe != nullptr);
    if (!probe) continue;
    CHECK(probe->origin != kPage);
    const auto parsed = parse_origin(probe->origin);
    CHECK(parsed);
    if (!parsed) continue;
    CHECK(parsed->serialize() == probe->origin);
  }
  for (const char* id : {"unrelated", "null", "prefix", "suffix", "other_scheme", "other_port"}) {
    REQUIRE(probe_with_id(probes, id) != nullptr);
  }
  CHECK(probe_with_id(probes, "null")->origin == "null");
  const auto unrelated = origin_of(probe_with_id(probes, "unrelated")->origin);
  CHECK_FALSE(contains(unrelated.host, "app.example"));
  const auto prefix = origin_of(probe_with_id(probes, "prefix")->origin);
  CHECK(prefix.host.rfind("app.example", 0) == 0);
  CHECK(prefix.host != "app.example");
  const auto suffix = origin_of(probe_with_id(probes, "suffix")->origin);
  CHECK(suffix.host.size() > std::string("app.example").size());
  CHECK(suffix.host.compare(suffix.host.size() - 11, 11, "app.example") == 0);
  const auto scheme = origin_of(probe_with_id(probes, "other_scheme")->origin);
  CHECK(scheme.scheme == "http");
  CHECK(scheme.host == "app.example");
  const auto port = origin_of(probe_with_id(probes, "other_port")->origin);
  CHECK(port.scheme == "https");
  CHECK(port.host == "app.example");
  CHECK_FALSE(port.default_port());

  const auto opaque = scan_probes(origin_of("null"));
  REQUIRE(opaque.size() == 1);
  CHECK(opaque.front().id == "unrelated");
}

TEST_CASE("scan_findings names the origins a server should not allow", "[cors][scan]") {
  const auto page = origin_of(kPage);
  const auto probes = scan_probes(page);
  auto responses = [&](auto make_headers) {
    std::vector<ProbeResponse> out;
    for (const auto& probe : probes) {
      ProbeResponse pr;
      pr.probe = probe;
      pr.response = make_response(200, make_headers(probe));
      out.push_back(std::move(pr));
    }
    return out;
  };
  for (const char* id : {"unrelated", "prefix", "suffix"}) {
    REQUIRE(probe_with_id(probes, id) != nullptr);
  }
  const std::string unrelated = probe_with_id(probes, "unrelated")->origin;
  const std::string prefix = probe_with_id(probes, "prefix")->origin;
  const std::string suffix = probe_with_id(probes, "suffix")->origin;

  SECTION("every origin reflected with credentials") {
    const auto request = make_request("GET", {}, true);
    const auto baseline = make_response(200, {{kAcao, kPage}, {kAcac, "true"}, {"Vary", "Origin"}});
    const auto findings =
        scan_findings(request, baseline, responses([](const ScanProbe& p) {
                        return Headers{{kAcao, p.origin}, {kAcac, "true"}, {"Vary", "Origin"}};
                      }));
    INFO(describe(findings));
    const Finding* reflected = finding_with_origin(findings, unrelated);
    REQUIRE(reflected != nullptr);
    CHECK(reflected->severity == "high");
    CHECK_FALSE(reflected->fix.empty());
    // null is its own finding; look-alikes may be folded into "reflects any origin".
    CHECK(finding_with_origin(findings, "null") != nullptr);
    CHECK(has_high_finding(findings));
  }
  SECTION("only null allowed") {
    const auto request = make_request("GET", {}, true);
    const auto baseline = make_response(200, {{kAcao, kPage}, {kAcac, "true"}, {"Vary", "Origin"}});
    const auto findings =
        scan_findings(request, baseline, responses([](const ScanProbe& p) {
                        if (p.origin != "null") return Headers{{"Vary", "Origin"}};
                        return Headers{{kAcao, "null"}, {kAcac, "true"}, {"Vary", "Origin"}};
                      }));
    INFO(describe(findings));
    CHECK(finding_with_origin(findings, "null") != nullptr);
    CHECK(finding_with_origin(findings, unrelated) == nullptr);
  }
  SECTION("a prefix look-alike allowed with credentials") {
    const auto request = make_request("GET", {}, true);
    const auto baseline = make_response(200, {{kAcao, kPage}, {kAcac, "true"}, {"Vary", "Origin"}});
    const auto findings =
        scan_findings(request, baseline, responses([&](const ScanProbe& p) {
                        if (p.origin != prefix) return Headers{{"Vary", "Origin"}};
                        return Headers{{kAcao, p.origin}, {kAcac, "true"}, {"Vary", "Origin"}};
                      }));
    INFO(describe(findings));
    const Finding* lookalike = finding_with_origin(findings, prefix);
    REQUIRE(lookalike != nullptr);
    CHECK(lookalike->severity == "high");
    CHECK(finding_with_origin(findings, suffix) == nullptr);
    CHECK(finding_with_origin(findings, unrelated) == nullptr);
  }
  SECTION("a suffix look-alike allowed") {
    const auto request = make_request("GET");
    const auto baseline = make_response(200, {{kAcao, kPage}, {"Vary", "Origin"}});
    const auto findings = scan_findings(request, baseline, responses([&](const ScanProbe& p) {
                                          if (p.origin != suffix)
                                            return Headers{{"Vary", "Origin"}};
                                          return Headers{{kAcao, p.origin}, {"Vary", "Origin"}};
                                        }));
    INFO(describe(findings));
    CHECK(finding_with_origin(findings, suffix) != nullptr);
    CHECK(finding_with_origin(findings, prefix) == nullptr);
  }
  SECTION("nothing else allowed: no findings") {
    const auto request = make_request("GET", {}, true);
    const auto baseline = make_response(200, {{kAcao, kPage}, {kAcac, "true"}, {"Vary", "Origin"}});
    const auto findings = scan_findings(request, baseline, responses([](const ScanProbe&) {
                                          return Headers{{"Vary", "Origin"}};
                                        }));
    INFO(describe(findings));
    CHECK(findings.empty());
    CHECK_FALSE(has_high_finding(findings));
  }
  SECTION("wildcard with credentials") {
    const auto request = make_request("GET", {}, true);
    const auto baseline = make_response(200, {{kAcao, "*"}, {kAcac, "true"}});
    const auto findings = scan_findings(request, baseline, responses([](const ScanProbe&) {
                                          return Headers{{kAcao, "*"}, {kAcac, "true"}};
                                        }));
    INFO(describe(findings));
    CHECK_FALSE(findings.empty());
  }
  SECTION("allow-origin varies without Vary: Origin") {
    const auto request = make_request("GET");
    const auto baseline = make_response(200, {{kAcao, kPage}});
    const auto findings =
        scan_findings(request, baseline, responses([](const ScanProbe&) { return Headers{}; }));
    INFO(describe(findings));
    CHECK(finding_with_id(findings, "missing_vary") != nullptr);
  }
  SECTION("allow-methods broader than the request needs") {
    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    const auto baseline = make_response(204, {{kAcao, kPage},
                                              {kAcam, "GET, POST, PUT, DELETE, PATCH, OPTIONS"},
                                              {kAcah, "x-api-key"},
                                              {"Vary", "Origin"}});
    const auto findings = scan_findings(request, baseline, responses([](const ScanProbe&) {
                                          return Headers{{"Vary", "Origin"}};
                                        }));
    INFO(describe(findings));
    bool methods = false;
    for (const auto& f : findings)
      methods = methods || icontains(f.id, "method");
    CHECK(methods);
  }
}

// ---------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------

TEST_CASE("hostile input gets a sensible answer and no crash", "[cors][hostile]") {
  const std::string mega(1 << 20, 'a');

  SECTION("1 MB values") {
    CHECK(unsafe_header_reason({"Accept", mega}).has_value());
    CHECK(unsafe_header_reason({"Content-Type", "text/plain; x=" + mega}).has_value());
    CHECK_FALSE(parse_origin("https://" + mega + ".example"));
    CHECK(get_header({{"X-Big", mega}}, "x-big")->size() == mega.size());
    CHECK(is_forbidden_request_header(
        {"X-HTTP-Method-Override", repeat("PATCH, ", 150000) + "TRACE"}));
    const auto request = make_request("GET");
    CHECK_FALSE(passed(check_actual(request, make_response(200, {{kAcao, mega}}))));
    const auto list = extract_token_list({{kAcam, repeat("GET,", 250000)}}, kAcam);
    CHECK(list.present);
    CHECK(list.error.empty());
    CHECK_FALSE(list.members.empty());
    CHECK(preflight_max_age({{kAcma, std::string(100000, '9')}}).seconds == kChromiumMaxAgeCap);
  }
  SECTION("NUL and non-ASCII bytes") {
    CHECK(unsafe_header_reason({"Content-Language", std::string("de\0", 3)}).has_value());
    CHECK(unsafe_header_reason({"Accept", std::string("*/*\0", 4)}).has_value());
    CHECK_FALSE(passed(check_actual(make_request("GET"),
                                    make_response(200, {{kAcao, "https://\xc3\xa4pp.example"}}))));
    CHECK_FALSE(passed(
        check_actual(make_request("GET"),
                     make_response(200, {{kAcao, std::string("https://app.example\0", 20)}}))));
    const auto nul = get_header({{"X-A", std::string("a\0b", 3)}}, "X-A");
    REQUIRE(nul);
    CHECK(*nul == std::string("a\0b", 3));
    CHECK_FALSE(extract_token_list({{kAcah, std::string("x-a\0", 4)}}, kAcah).error.empty());
    CHECK_FALSE(extract_token_list({{kAcah, "x-\xc3\xa4"}}, kAcah).error.empty());
  }
  SECTION("thousands of headers") {
    Headers many;
    for (int i = 0; i < 5000; ++i)
      many.push_back({"X-H" + std::to_string(i % 100), "v"});
    const auto unsafe = unsafe_request_headers(many);
    CHECK(unsafe.size() == 100);
    CHECK(std::is_sorted(
        unsafe.begin(), unsafe.end(),
        [](const UnsafeHeader& a, const UnsafeHeader& b) { return a.name < b.name; }));

    const auto request = make_request("PUT", {{"X-Api-Key", "k"}});
    Headers response = {{kAcao, kPage}, {kAcam, "PUT"}};
    for (int i = 0; i < 10000; ++i)
      response.push_back({kAcah, "x-h" + std::to_string(i)});
    response.push_back({kAcah, "x-api-key"});
    CHECK(passed(check_preflight(request, plan_preflight(request), make_response(204, response))));

    Headers actual = {{kAcao, kPage}, {kAceh, "*"}};
    for (int i = 0; i < 5000; ++i)
      actual.push_back({"X-R" + std::to_string(i), "v"});
    const auto e = evaluate(make_request("GET"), std::nullopt, make_response(200, actual));
    CHECK(e.allowed);
    CHECK(e.readable_headers.size() == 5002);
    CHECK(std::is_sorted(e.readable_headers.begin(), e.readable_headers.end()));
  }
}

TEST_CASE("parse_origin writes IP addresses as browsers serialize them", "[cors][origin]") {
  struct Row {
    const char* text;
    const char* serialized;  // nullptr: refused
  };
  const Row rows[] = {
      {"https://127.1", "https://127.0.0.1"},
      {"https://0x7f.1", "https://127.0.0.1"},
      {"http://2130706433:8080", "http://127.0.0.1:8080"},
      {"https://[0:0::1]:8080", "https://[::1]:8080"},
      {"https://[0000:0000:0000:0000:0000:0000:0000:0001]", "https://[::1]"},
      {"https://v1.example", "https://v1.example"},
      {"https://example.0x", "https://example.0x"},
      {"https://256.1.1.1", nullptr},
      {"https://1.2.3.4.5", nullptr},
      {"https://[::g]", nullptr},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    const auto origin = parse_origin(row.text);
    if (row.serialized == nullptr) {
      REQUIRE_FALSE(origin);
      CHECK(origin.error().kind == "bad_origin");
      continue;
    }
    REQUIRE(origin);
    CHECK(origin->serialize() == row.serialized);
  }
}

TEST_CASE("parse_origin hints at what was meant", "[cors][origin]") {
  const auto unbracketed = parse_origin("https://::1");
  REQUIRE_FALSE(unbracketed);
  CHECK(contains(unbracketed.error().message, "brackets"));
  const auto shouting = parse_origin("NULL");
  REQUIRE_FALSE(shouting);
  CHECK(contains(shouting.error().hint, "null"));
}

TEST_CASE("page_request builds what fetch() sends, and refuses what it refuses", "[cors]") {
  const auto origin = origin_of(kPage);
  const auto get = page_request(origin, "", {}, false, false);
  REQUIRE(get);
  CHECK(get->method == "GET");
  const auto post = page_request(origin, "", {}, true, false);
  REQUIRE(post);
  CHECK(post->method == "POST");
  CHECK(values_of(post->headers, "Content-Type") ==
        std::vector<std::string>{"text/plain;charset=UTF-8"});
  const auto typed =
      page_request(origin, "put", {{"content-type", "application/json"}}, true, true);
  REQUIRE(typed);
  CHECK(typed->method == "PUT");
  CHECK(typed->credentials);
  CHECK(values_of(typed->headers, "Content-Type").size() == 1);
  for (const char* method : {"GET", "head"}) {
    INFO(method);
    const auto refused = page_request(origin, method, {}, true, false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == "bad_option");
  }
  CHECK(page_request(origin, "TRACE", {}, false, false).error().kind == "forbidden_method");
  CHECK(page_request(origin, "GET", {{"Host", "x"}}, false, false).error().kind ==
        "forbidden_header");
}

TEST_CASE("a redirected actual response is not shown allowed", "[cors][actual]") {
  const auto request = make_request("GET");
  const auto checks =
      check_actual(request, make_response(302, {{kAcao, kPage}, {"Location", "/elsewhere"}}));
  const Check* redirect = find_check(checks, "redirect");
  REQUIRE(redirect != nullptr);
  CHECK_FALSE(redirect->ok);
  CHECK(contains(redirect->fix, "/elsewhere"));
  CHECK_FALSE(evaluate(request, std::nullopt,
                       make_response(307, {{kAcao, kPage}, {"Location", "https://x.test/"}}))
                  .allowed);
  CHECK(find_check(check_actual(request, make_response(200, {{kAcao, kPage}})), "redirect") ==
        nullptr);
}

TEST_CASE("fixes change what the server sends into what the browser needs", "[cors][fix]") {
  struct Row {
    const char* what;
    Request request;
    Headers headers;
    const char* failing;
    const char* fix_part;    // the fix must contain this
    const char* not_in_fix;  // and must not contain this (nullptr: no constraint)
  };
  const Row rows[] = {
      {"a duplicated Allow-Origin is to be sent once",
       make_request("GET"),
       {{kAcao, kPage}, {kAcao, kPage}},
       "allow_origin",
       "once",
       nullptr},
      {"a duplicated Allow-Credentials is to be sent once",
       make_request("GET", {}, true),
       {{kAcao, kPage}, {kAcac, "true"}, {kAcac, "true"}},
       "allow_credentials",
       "once",
       nullptr},
      {"methods in the wrong case are replaced",
       make_request("DELETE"),
       {{kAcao, kPage}, {kAcam, "get, delete"}},
       "allow_methods",
       "get, DELETE",
       "delete,"},
      {"a method the browser keeps as written",
       make_request("patch"),
       {{kAcao, kPage}, {kAcam, "GET, PATCH"}},
       "allow_methods",
       "write PATCH",
       nullptr},
      {"space-separated methods keep their names",
       make_request("DELETE"),
       {{kAcao, kPage}, {kAcam, "GET PUT"}},
       "allow_methods",
       "GET, PUT, DELETE",
       nullptr},
      {"* kept for the other headers when Authorization is missing",
       make_request("GET", {{"Authorization", "Bearer x"}, {"X-A", "1"}}),
       {{kAcao, kPage}, {kAcah, "*"}},
       "allow_headers",
       "*, authorization",
       nullptr},
      {"* dropped with credentials",
       make_request("GET", {{"X-A", "1"}}, true),
       {{kAcao, kPage}, {kAcac, "true"}, {kAcah, "*"}},
       "allow_headers",
       "Access-Control-Allow-Headers: x-a",
       "*"},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    const auto plan = plan_preflight(row.request);
    const auto checks = check_preflight(row.request, plan, make_response(204, row.headers));
    INFO(describe(checks));
    const Check* check = find_check(checks, row.failing);
    REQUIRE(check != nullptr);
    CHECK_FALSE(check->ok);
    CHECK(contains(check->fix, row.fix_part));
    if (row.not_in_fix != nullptr) CHECK_FALSE(contains(check->fix, row.not_in_fix));
  }
  const auto error_page =
      check_actual(make_request("GET"), make_response(500, {{"Content-Type", "text/html"}}));
  CHECK(contains(find_check(error_page, "allow_origin")->fix, "always"));
}

TEST_CASE("scan probes skip look-alikes of IP addresses", "[cors][scan]") {
  for (const char* text : {"http://127.0.0.1:3000", "http://[::1]:3000"}) {
    INFO(text);
    for (const auto& probe : scan_probes(origin_of(text))) {
      CHECK(probe.id != "prefix");
      CHECK(probe.id != "suffix");
    }
  }
}

TEST_CASE("only a redirect the browser follows fails the redirect check", "[cors][actual]") {
  struct Row {
    long status;
    bool location;
    bool redirect;
  };
  const Row rows[] = {{301, true, true},  {302, true, true},   {303, true, true},
                      {307, true, true},  {308, true, true},   {302, false, false},
                      {300, true, false}, {304, false, false}, {305, true, false}};
  for (const auto& row : rows) {
    INFO(row.status << (row.location ? " with" : " without") << " Location");
    Headers headers{{kAcao, kPage}};
    if (row.location) headers.push_back({"Location", "https://x.test/it's"});
    const auto checks = check_actual(make_request("GET"), make_response(row.status, headers));
    const Check* redirect = find_check(checks, "redirect");
    CHECK((redirect != nullptr) == row.redirect);
    // The fix is a command a shell can run: the quote in the URL escaped.
    if (redirect != nullptr) CHECK(contains(redirect->fix, R"('https://x.test/it'\''s')"));
  }
}

TEST_CASE("parse_origin serializes IPv6 as the URL standard does", "[cors][origin]") {
  struct Row {
    const char* text;
    const char* serialized;
  };
  const Row rows[] = {
      {"http://[::ffff:7f00:1]", "http://[::ffff:7f00:1]"},
      {"http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"},
      {"http://[::7f00:1]", "http://[::7f00:1]"},
      {"http://[1:0:0:2:0:0:0:3]", "http://[1:0:0:2::3]"},
      {"http://[2001:db8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"},
      {"http://[1:0:2:0:3:0:4:0]", "http://[1:0:2:0:3:0:4:0]"},
      {"http://[::]", "http://[::]"},
      {"http://[1::]", "http://[1::]"},
      {"http://[ABCD::EF]:8080", "http://[abcd::ef]:8080"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK(origin_of(row.text).serialize() == row.serialized);
  }
}

TEST_CASE("a safelisted Range may hold numbers of any length", "[cors][request]") {
  CHECK_FALSE(unsafe_header_reason({"Range", "bytes=0-99999999999999999999999"}));
  CHECK_FALSE(unsafe_header_reason({"Range", "bytes=00005-6"}));
  CHECK(unsafe_header_reason({"Range", "bytes=99999999999999999999999-1"}));
  CHECK(unsafe_header_reason({"Range", "bytes=10-009"}));
}
