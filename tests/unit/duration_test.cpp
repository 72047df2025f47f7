#include "reqscope/util/duration.hpp"

#include <catch2/catch.hpp>

#include "reqscope/util/number.hpp"

using namespace std::chrono;
using reqscope::util::parse_duration;

TEST_CASE("durations accept units and bare seconds", "[duration]") {
  CHECK(*parse_duration("250ms") == milliseconds(250));
  CHECK(*parse_duration("1.5s") == milliseconds(1500));
  CHECK(*parse_duration("2m") == minutes(2));
  CHECK(*parse_duration("1h") == hours(1));
  CHECK(*parse_duration("500us") == microseconds(500));
  CHECK(*parse_duration("10") == seconds(10));
  CHECK(*parse_duration("0") == seconds(0));
  CHECK(*parse_duration(".5") == milliseconds(500));
  CHECK(*parse_duration("24h") == hours(24));
}

TEST_CASE("malformed, hostile and oversized durations are rejected", "[duration]") {
  for (const char* text : {"", "ms", "-1", "-1s", "1..5s", "1.5.5s", "5parsecs", "1 s", "s1", "nan",
                           "inf", "1e3", "0x10", "25h", "999999999999999999999999h", "1sms", "1S",
                           "12345678901234567890123456789012345"}) {
    INFO(text);
    auto d = parse_duration(text);
    REQUIRE_FALSE(d);
    CHECK(d.error().kind == "bad_duration");
  }
}

TEST_CASE("integer and millisecond options check their range", "[number]") {
  using reqscope::util::parse_integer;
  using reqscope::util::parse_milliseconds;
  CHECK(*parse_integer("20", 0, 1000, "--max-redirs") == 20);
  for (const char* text : {"", "-1", "1001", "ten", "1.5", "9999999999999999999999", " 5", "5 "}) {
    INFO(text);
    auto n = parse_integer(text, 0, 1000, "--max-redirs");
    REQUIRE_FALSE(n);
    CHECK(n.error().message.find("--max-redirs") != std::string::npos);
  }
  CHECK(*parse_milliseconds("12.5", "--max-total-ms") == Approx(12.5));
  for (const char* text : {"", "nan", "inf", "-0.1", "1e999", "abc", "86400001"}) {
    INFO(text);
    CHECK_FALSE(parse_milliseconds(text, "--max-total-ms"));
  }
}
