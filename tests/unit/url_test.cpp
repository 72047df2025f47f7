#include "reqscope/http/url.hpp"

#include <catch2/catch.hpp>

using reqscope::http::parse_url;

TEST_CASE("URLs parse into scheme, host, port and target", "[url]") {
  auto url = parse_url("https://Example.COM/api/v1?x=1#frag");
  REQUIRE(url);
  CHECK(url->scheme == "https");
  CHECK(url->host == "example.com");
  CHECK(url->port == 443);
  CHECK(url->target == "/api/v1?x=1");
  CHECK(url->to_string() == "https://example.com/api/v1?x=1");

  url = parse_url("http://127.0.0.1:8080");
  REQUIRE(url);
  CHECK(url->port == 8080);
  CHECK(url->target == "/");
  CHECK(url->to_string() == "http://127.0.0.1:8080/");

  url = parse_url("localhost:3000/health");
  REQUIRE(url);
  CHECK(url->scheme == "http");
  CHECK(url->host == "localhost");

  url = parse_url("http://[::1]:9000/x");
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->host_is_ipv6);
  CHECK(url->to_string() == "http://[::1]:9000/x");

  url = parse_url("HTTP://host?q");
  REQUIRE(url);
  CHECK(url->target == "/?q");
}

TEST_CASE("malformed, hostile and oversized URLs are rejected with bad_url", "[url]") {
  const char* bad[] = {
      "",
      "ftp://example.com/",
      "javascript:alert(1)://x",
      "http://",
      "http:///path",
      "http://exa mple.com/",
      "http://host/\r\nX-Injected: 1",
      "http://host\t/",
      "http://user:secret@host/",
      "http://host:/",
      "http://host:0/",
      "http://host:65536/",
      "http://host:80a/",
      "http://host:-1/",
      "http://[::1/",
      "http://[not-v6]/",
      "http://[::1]x/",
      "http://::1/",
      "http://bad_char$.com/",
      "http://a..b/",
      "http://.leading/",
      "http://host\x7f/",
  };
  for (const char* text : bad) {
    INFO(text);
    auto url = parse_url(text);
    REQUIRE_FALSE(url);
    CHECK(url.error().kind == "bad_url");
    CHECK_FALSE(url.error().message.empty());
  }
  const std::string long_label = "http://" + std::string(64, 'a') + ".com/";
  CHECK_FALSE(parse_url(long_label));
  const std::string long_host = "http://" + std::string(300, 'a') + "/";
  CHECK_FALSE(parse_url(long_host));
  const std::string huge = "http://host/" + std::string(20000, 'x');
  auto result = parse_url(huge);
  REQUIRE_FALSE(result);
  CHECK(result.error().message.size() < 200);
}

TEST_CASE("an error message names the offending part", "[url]") {
  auto url = parse_url("gopher://x/");
  REQUIRE_FALSE(url);
  CHECK(url.error().message.find("'gopher'") != std::string::npos);
  url = parse_url("http://host:99999/");
  REQUIRE_FALSE(url);
  CHECK(url.error().message.find("'99999'") != std::string::npos);
}
