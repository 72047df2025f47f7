#include "reqscope/http/header.hpp"

#include <catch2/catch.hpp>

using namespace reqscope::http;

TEST_CASE("request headers parse as Name: value", "[header]") {
  auto h = parse_header_line("Content-Type:   application/json  ");
  REQUIRE(h);
  CHECK(h->name == "Content-Type");
  CHECK(h->value == "application/json");
  h = parse_header_line("X-Empty:");
  REQUIRE(h);
  CHECK(h->value.empty());
  h = parse_header_line("X-Colons: a:b:c");
  REQUIRE(h);
  CHECK(h->value == "a:b:c");
}

TEST_CASE("malformed and hostile headers are rejected with bad_header", "[header]") {
  const std::string bad[] = {
      "",
      "NoColon",
      ": no name",
      "Bad Name: x",
      "Bad(Name): x",
      "X-Inject: a\r\nHost: evil",
      "X-Newline: a\nb",
      std::string("X-Nul: a\0b", 10),
      "X-Big: " + std::string(9000, 'v'),
  };
  for (const auto& line : bad) {
    INFO(line.substr(0, 40));
    auto result = parse_header_line(line);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == "bad_header");
  }
}

TEST_CASE("response header lines skip status lines and blanks", "[header]") {
  Header h;
  CHECK_FALSE(parse_response_header("HTTP/1.1 200 OK\r\n", h));
  CHECK_FALSE(parse_response_header("\r\n", h));
  CHECK_FALSE(parse_response_header(":bad\r\n", h));
  CHECK_FALSE(parse_response_header("garbage without colon", h));
  REQUIRE(parse_response_header("Server: nginx\r\n", h));
  CHECK(h.name == "Server");
  CHECK(h.value == "nginx");
}

TEST_CASE("credentials are redacted but keep their scheme", "[header][secrets]") {
  CHECK(is_secret_header("authorization"));
  CHECK(is_secret_header("Set-Cookie"));
  CHECK(is_secret_header("Proxy-Authorization"));
  CHECK_FALSE(is_secret_header("Accept"));
  CHECK(redact_value("Authorization", "Bearer abc.def.ghi") == "Bearer [redacted, 18 bytes]");
  CHECK(redact_value("Cookie", "session=xyz") == "session=[redacted, 11 bytes]");
  CHECK(redact_value("Authorization", "opaque") == "[redacted, 6 bytes]");
  CHECK(redact_value("Accept", "*/*") == "*/*");
}
