// Table-driven tests of rate-limit header parsing: the RFC 9651 structured
// field parser, every header dialect (IETF draft-08+ and its -07 form, the
// earlier RateLimit-Limit drafts, X-RateLimit-*, X-Rate-Limit-*), Retry-After
// in its four forms, and the --tolerance / --expect-limit check. Each table row
// is one case; malformed rows also check that nothing was guessed from them.

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/http/header.hpp"
#include "reqscope/ratelimit/headers.hpp"
#include "reqscope/ratelimit/report.hpp"
#include "reqscope/ratelimit/structured_field.hpp"
#include "reqscope/util/text.hpp"

using namespace reqscope;
using namespace reqscope::ratelimit;
using http::Headers;

namespace {

// Tue, 14 Nov 2023 22:13:20 GMT.
constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kDate = "Tue, 14 Nov 2023 22:13:20 GMT";

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string repeat(std::string_view part, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i)
    out += part;
  return out;
}

const HeaderField* field_named(const RateLimitHeaders& headers, std::string_view name) {
  for (const auto& field : headers.fields) {
    if (util::iequals(field.name, name)) return &field;
  }
  return nullptr;
}

// The value shown in problems: the project's quoting of the raw value.
std::string shown(std::string_view value) {
  return util::quote(value);
}

// A parsed list or dictionary written back in RFC 9651 canonical form, so
// that a table row can state the whole result in one string.
std::string canonical_parameters(const sf::Parameters& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters) {
    out += ";" + key;
    if (value.type != sf::Type::boolean || !value.boolean) out += "=" + sf::serialize(value);
  }
  return out;
}

std::string canonical_item(const sf::Item& item) {
  return sf::serialize(item.value) + canonical_parameters(item.parameters);
}

std::string canonical_member(const sf::Member& member) {
  if (!member.is_inner_list) return canonical_item(member.item);
  std::string out = "(";
  for (std::size_t i = 0; i < member.inner.size(); ++i)
    out += (i > 0 ? " " : "") + canonical_item(member.inner[i]);
  return out + ")" + canonical_parameters(member.parameters);
}

std::string canonical(const sf::List& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out += (i > 0 ? ", " : "") + canonical_member(list[i]);
  return out;
}

std::string canonical(const sf::Dictionary& dictionary) {
  std::string out;
  for (std::size_t i = 0; i < dictionary.size(); ++i) {
    const auto& [key, member] = dictionary[i];
    out += (i > 0 ? ", " : "") + key;
    const bool bare_true = !member.is_inner_list && member.item.value.type == sf::Type::boolean &&
                           member.item.value.boolean;
    out +=
        bare_true ? canonical_parameters(member.item.parameters) : "=" + canonical_member(member);
  }
  return out;
}

struct SfCase {
  std::string input;
  std::string expected;  // canonical form, or a part of the error message
};

}  // namespace

// RFC 9651 section 4.2: lists, with the RFC's own examples (section 3).
TEST_CASE("structured field lists parse to their canonical form", "[ratelimit]") {
  const std::vector<SfCase> cases = {
      {"sugar, tea, rum", "sugar, tea, rum"},
      {R"(("foo" "bar"), ("baz"), ("bat" "one"), ())",
       R"(("foo" "bar"), ("baz"), ("bat" "one"), ())"},
      {R"(("foo"; a=1;b=2);lvl=5, ("bar" "baz");lvl=1)",
       R"(("foo";a=1;b=2);lvl=5, ("bar" "baz");lvl=1)"},
      {R"(abc;a=1;b=2; cde_456, (ghi;jk=4 l);q="9";r=w)",
       R"(abc;a=1;b=2;cde_456, (ghi;jk=4 l);q="9";r=w)"},
      {"42, -42, 0, 999999999999999, -999999999999999",
       "42, -42, 0, 999999999999999, -999999999999999"},
      {"4.5, -0.5, 1.500, 123456789012.123", "4.5, -0.5, 1.5, 123456789012.123"},
      {R"("hello world", "a\"b\\c", "")", R"("hello world", "a\"b\\c", "")"},
      {"foo123/456, *star, a:b", "foo123/456, *star, a:b"},
      {":cHJldGVuZCB0aGlzIGlzIGJpbmFyeSBjb250ZW50Lg==:",
       ":cHJldGVuZCB0aGlzIGlzIGJpbmFyeSBjb250ZW50Lg==:"},
      // RFC 9651 4.2.7: missing padding and non-zero pad bits are accepted.
      {":YQ:, :YR==:, ::", ":YQ==:, :YQ==:, ::"},
      {"?1, ?0;a", "?1, ?0;a"},
      {"  1 ,\t2  ,3  ", "1, 2, 3"},
      {"", ""},
      {"x;a=1;a=2", "x;a=2"},
      {R"("default";q=100;w=60;pk=:MjAzLjAuMTEzLjc=:)",
       R"("default";q=100;w=60;pk=:MjAzLjAuMTEzLjc=:)"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto list = sf::parse_list(c.input);
    REQUIRE(list);
    CHECK(canonical(*list) == c.expected);
  }
}

TEST_CASE("structured field dictionaries parse to their canonical form", "[ratelimit]") {
  const std::vector<SfCase> cases = {
      {R"(en="Applepie", da=:w4ZibGV0w6ZydGUK:)", R"(en="Applepie", da=:w4ZibGV0w6ZydGUK:)"},
      {"a=?0, b, c; foo=bar", "a=?0, b, c;foo=bar"},
      {"rating=1.5, feelings=(joy sadness)", "rating=1.5, feelings=(joy sadness)"},
      {"a=(1 2), b=3, c=4;aa=bb, d=(5 6);valid", "a=(1 2), b=3, c=4;aa=bb, d=(5 6);valid"},
      // A repeated key keeps its first place and its last value.
      {"a=1, b=2, a=3", "a=3, b=2"},
      {"limit=100, remaining=50, reset=30", "limit=100, remaining=50, reset=30"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto dictionary = sf::parse_dictionary(c.input);
    REQUIRE(dictionary);
    CHECK(canonical(*dictionary) == c.expected);
  }
}

TEST_CASE("structured field items keep their type and value", "[ratelimit]") {
  const auto list = sf::parse_list(R"(7, 2.25, "a\"b", tok, :AAEC/w==:, ?1)");
  REQUIRE(list);
  REQUIRE(list->size() == 6);
  CHECK((*list)[0].item.value.type == sf::Type::integer);
  CHECK((*list)[0].item.value.integer == 7);
  CHECK((*list)[1].item.value.type == sf::Type::decimal);
  CHECK((*list)[1].item.value.decimal == Approx(2.25));
  CHECK((*list)[2].item.value.type == sf::Type::string);
  CHECK((*list)[2].item.value.text == "a\"b");
  CHECK((*list)[3].item.value.type == sf::Type::token);
  CHECK((*list)[4].item.value.type == sf::Type::bytes);
  CHECK((*list)[4].item.value.text == std::string("\x00\x01\x02\xff", 4));
  CHECK((*list)[5].item.value.type == sf::Type::boolean);
  CHECK((*list)[5].item.value.boolean);

  sf::Parameters parameters = {{"a", {}}, {"b", {}}};
  parameters[1].second.integer = 9;
  CHECK(sf::find_parameter(parameters, "b")->integer == 9);
  CHECK(sf::find_parameter(parameters, "c") == nullptr);
}

// Each row: the input and the part of the error that says where and why.
TEST_CASE("malformed structured fields fail with the byte and what was expected", "[ratelimit]") {
  const std::vector<SfCase> cases = {
      {"1,", "at byte 2: expected another member after ',', found end of field"},
      {"1, ", "at byte 3: expected another member after ',', found end of field"},
      {",1", "at byte 0: expected an item, found ','"},
      {"1 2", "at byte 2: expected ',' or end of field, found '2'"},
      {"1;", "at byte 2: expected a key"},
      {"a;A=1", "at byte 2: expected a key (a lower-case letter or '*'), found 'A'"},
      {"1234567890123456", "at byte 15: an integer has at most 15 digits"},
      {"-1234567890123456", "at byte 16: an integer has at most 15 digits"},
      {"1234567890123.5", "at byte 13: a decimal has at most 12 digits before '.'"},
      {"1.1234", "at byte 5: a decimal has at most 3 digits after '.'"},
      {"1.", "at byte 2: expected a digit after '.', found end of field"},
      {"1..2", "at byte 2: expected a digit after '.', found '.'"},
      {"-", "at byte 1: expected a digit, found end of field"},
      {"--1", "at byte 1: expected a digit, found '-'"},
      {"+1", "at byte 0: expected an item, found '+'"},
      {"1 0", "at byte 2: expected ',' or end of field, found '0'"},
      {"\"abc", "at byte 4: expected '\"' closing the string, found end of field"},
      {"\"a\nb\"", "at byte 2: expected a printable ASCII character or '\"', found '\\x0a'"},
      {"\"a\\x\"", "at byte 3: expected '\"' or '\\' after '\\', found 'x'"},
      {"\"caf\xc3\xa9\"", "at byte 4: expected a printable ASCII character or '\"', found '\\xc3'"},
      {"caf\xc3\xa9", "at byte 3: expected ',' or end of field, found '\\xc3'"},
      {":YWJj", "at byte 5: expected ':' closing the byte sequence, found end of field"},
      {":a b:", "at byte 2: expected a base64 character or ':', found ' '"},
      {":YW=j:", "at byte 1: the byte sequence 'YW=j' is not valid base64"},
      {":Y:", "at byte 1: the byte sequence 'Y' is not valid base64"},
      {":YQ=:", "at byte 1: the byte sequence 'YQ=' is not valid base64"},
      {"?2", "at byte 1: expected '0' or '1' after '?', found '2'"},
      {"?", "at byte 1: expected '0' or '1' after '?', found end of field"},
      {"@1659578233", "at byte 0: '@' starts a Date, a type this parser does not support"},
      {"%\"caf%c3%a9\"", "at byte 0: '%' starts a Display String"},
      {"((1))", "at byte 1: expected an item, found '('"},
      {"(1 2", "at byte 4: expected ')' closing the inner list, found end of field"},
      {"(1,2)", "at byte 2: expected ' ' or ')', found ','"},
      {"\t1", "at byte 0: expected an item, found '\\x09'"},
      {std::string("1\0", 2), "at byte 1: expected ',' or end of field, found '\\x00'"},
      {"1\r\n", "at byte 1: expected ',' or end of field, found '\\x0d'"},
      {"\x1b[31m", "at byte 0: expected an item, found '\\x1b'"},
  };
  for (const auto& c : cases) {
    INFO("input: " << util::printable(c.input));
    const auto list = sf::parse_list(c.input);
    REQUIRE_FALSE(list);
    CHECK(list.error().kind == "bad_structured_field");
    CHECK(contains(list.error().message, c.expected));
    CHECK_FALSE(contains(list.error().message, "\n"));
  }
}

TEST_CASE("malformed structured field dictionaries fail", "[ratelimit]") {
  const std::vector<SfCase> cases = {
      {"a=1,", "at byte 4: expected another member after ','"},
      {"A=1", "at byte 0: expected a key"},
      {"a=", "at byte 2: expected an item, found end of field"},
      {"a=1 b=2", "at byte 4: expected ',' or end of field, found 'b'"},
      {"\"a\"=1", "at byte 0: expected a key"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto dictionary = sf::parse_dictionary(c.input);
    REQUIRE_FALSE(dictionary);
    CHECK(dictionary.error().kind == "bad_structured_field");
    CHECK(contains(dictionary.error().message, c.expected));
  }
}

TEST_CASE("structured fields longer than the limit are refused before parsing", "[ratelimit]") {
  const auto at_limit = "1" + repeat(",1", (sf::kMaxFieldLength - 1) / 2);
  REQUIRE(at_limit.size() <= sf::kMaxFieldLength);
  CHECK(sf::parse_list(at_limit));
  const auto over = std::string(sf::kMaxFieldLength + 1, 'a');
  for (const auto& error : {sf::parse_list(over).error(), sf::parse_dictionary(over).error()}) {
    CHECK(error.kind == "bad_structured_field");
    CHECK(contains(error.message, "8193 bytes long"));
  }
  const auto huge = sf::parse_list(std::string(100 * 1024, '9'));
  REQUIRE_FALSE(huge);
  CHECK(contains(huge.error().message, "102400 bytes long"));
}

TEST_CASE("structured field items serialize for display", "[ratelimit]") {
  sf::BareItem item;
  item.integer = -60;
  CHECK(sf::serialize(item) == "-60");
  item.type = sf::Type::decimal;
  item.decimal = 2.0;
  CHECK(sf::serialize(item) == "2.0");
  item.decimal = 0.125;
  CHECK(sf::serialize(item) == "0.125");
  item.type = sf::Type::string;
  item.text = "de\"fault";
  CHECK(sf::serialize(item) == R"("de\"fault")");
  item.type = sf::Type::token;
  item.text = "default";
  CHECK(sf::serialize(item) == "default");
  item.type = sf::Type::bytes;
  item.text = "probe";
  CHECK(sf::serialize(item) == ":cHJvYmU=:");
  item.type = sf::Type::boolean;
  item.boolean = true;
  CHECK(sf::serialize(item) == "?1");
  item.boolean = false;
  CHECK(sf::serialize(item) == "?0");
}

// ------------------------------------------------------------------ pieces

struct CountCase {
  std::string input;
  std::optional<std::int64_t> expected;  // nullopt: refused
};

TEST_CASE("counts are non-negative decimal integers of at most 15 digits", "[ratelimit]") {
  const std::vector<CountCase> cases = {
      {"0", 0},
      {"42", 42},
      {"000123", 123},
      {"999999999999999", 999999999999999},
      {"", std::nullopt},
      {"-1", std::nullopt},
      {"+1", std::nullopt},
      {"1 0", std::nullopt},
      {" 1", std::nullopt},
      {"1.5", std::nullopt},
      {"ten", std::nullopt},
      {"1e3", std::nullopt},
      {"0x10", std::nullopt},
      {"1234567890123456", std::nullopt},
      {"99999999999999999999999999", std::nullopt},
      {std::string("1\0", 2), std::nullopt},
      {"1\r\n", std::nullopt},
      {"\x1b[31m1", std::nullopt},
      {"\xd9\xa3", std::nullopt},  // ARABIC-INDIC DIGIT THREE
  };
  for (const auto& c : cases) {
    INFO("input: " << util::printable(c.input));
    const auto count = parse_count(c.input);
    if (c.expected) {
      REQUIRE(count);
      CHECK(*count == *c.expected);
    } else {
      REQUIRE_FALSE(count);
      CHECK(count.error().kind == "bad_header");
      CHECK(contains(count.error().message, shown(c.input)));
    }
  }
}

TEST_CASE("delta seconds are 1 to 10 digits", "[ratelimit]") {
  const std::vector<CountCase> cases = {
      {"0", 0},
      {"120", 120},
      {"9999999999", 9999999999},
      {"", std::nullopt},
      {"-5", std::nullopt},
      {"12345678901", std::nullopt},
      {"1.5", std::nullopt},
      {" 5", std::nullopt},
      {"5s", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto seconds = parse_delta_seconds(c.input);
    REQUIRE(seconds.has_value() == c.expected.has_value());
    if (c.expected) CHECK(*seconds == *c.expected);
    if (!c.expected) CHECK(contains(seconds.error().message, shown(c.input)));
  }
}

struct DateCase {
  std::string input;
  std::optional<std::int64_t> expected;
};

// RFC 9110 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
TEST_CASE("HTTP-dates in all three forms", "[ratelimit]") {
  const std::vector<DateCase> cases = {
      {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
      {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
      {"Sun Nov  6 08:49:37 1994", 784111777},
      {"Tue, 14 Nov 2023 22:13:20 GMT", kNow},
      {"Thu, 29 Feb 2024 00:00:00 GMT", 1709164800},
      {"Thu Feb 29 12:00:00 2024", 1709208000},
      // A leap second is the first second of the next minute in Unix time.
      {"Wed, 31 Dec 2025 23:59:60 GMT", 1767225600},
      // Without a reference time, two-digit years read as POSIX %y does.
      {"Tuesday, 06-Nov-68 08:49:37 GMT", 3119417377},
      {"Thursday, 06-Nov-69 08:49:37 GMT", -4806623},
      {"Sat, 30 Feb 2025 08:49:37 GMT", std::nullopt},
      {"Thu, 29 Feb 2023 08:49:37 GMT", std::nullopt},
      {"Mon, 29 Feb 2100 08:49:37 GMT", std::nullopt},
      {"Sun, 31 Apr 1994 08:49:37 GMT", std::nullopt},
      {"Sun, 00 Nov 1994 08:49:37 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 25:49:37 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 24:00:00 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 08:60:37 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 08:49:61 GMT", std::nullopt},
      {"Mon, 06 Nov 1994 08:49:37 GMT", std::nullopt},  // 6 Nov 1994 was a Sunday
      {"sun, 06 nov 1994 08:49:37 gmt", std::nullopt},
      {"Sun, 6 Nov 1994 08:49:37 GMT", std::nullopt},
      {"Sun, 06 Nov 94 08:49:37 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 08:49:37 UTC", std::nullopt},
      {"Sun, 06 Nov 1994 08:49:37 +0000", std::nullopt},
      {"Sun, 06 Nov 1994 08:49:37 GMT ", std::nullopt},
      {"Sun, 06 Nov 1994 08:49:37 GMT\r\n", std::nullopt},
      {"Sun, 06 Xyz 1994 08:49:37 GMT", std::nullopt},
      {"Sun, 06 Nov 1994 8:49:37 GMT", std::nullopt},
      {"Sun Nov 6 08:49:37 1994", std::nullopt},
      {"Sun Nov 06 08:49:37 94", std::nullopt},
      {"Sun, 06-Nov-94 08:49:37 GMT", std::nullopt},
      {"1994-11-06T08:49:37Z", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("input: " << util::printable(c.input));
    CHECK(parse_http_date(c.input) == c.expected);
  }
}

struct ResetCase {
  std::string input;
  TimeForm form;
  double seconds_from_response;
  std::int64_t unix_seconds;
};

TEST_CASE("reset values: delta, Unix seconds and Unix milliseconds, with fractions",
          "[ratelimit]") {
  const std::vector<ResetCase> cases = {
      {"30", TimeForm::delta_seconds, 30, kNow + 30},
      {"0", TimeForm::delta_seconds, 0, kNow},
      {"30.5", TimeForm::delta_seconds, 30.5, kNow + 30},
      {"0.250", TimeForm::delta_seconds, 0.25, kNow},
      {"999999999", TimeForm::delta_seconds, 999999999, kNow + 999999999},
      {"1700000030", TimeForm::unix_seconds, 30, kNow + 30},
      {"1700000030.250", TimeForm::unix_seconds, 30.25, kNow + 30},
      {"1699999990", TimeForm::unix_seconds, -10, kNow - 10},
      {"1700000030500", TimeForm::unix_milliseconds, 30.5, kNow + 30},
      {"1700000030500.5", TimeForm::unix_milliseconds, 30.5005, kNow + 30},
      {"1000000000", TimeForm::unix_seconds, 1000000000.0 - kNow, 1000000000},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto reset = parse_reset(c.input, kNow);
    REQUIRE(reset);
    CHECK(reset->form == c.form);
    CHECK(reset->seconds_from_response == Approx(c.seconds_from_response).margin(1e-6));
    CHECK(reset->unix_seconds == c.unix_seconds);
  }
}

TEST_CASE("malformed reset values are refused, naming the value", "[ratelimit]") {
  for (const std::string input :
       {"", "-30", "+30", "30s", "1.", ".5", "1.2.3", "1e9", "1,5", "30 ", " 30", "NaN", "inf",
        "0x1E", "1234567890123456", "1.1234567890", "Sun, 06 Nov 1994 08:49:37 GMT"}) {
    INFO("input: " << input);
    const auto reset = parse_reset(input, kNow);
    REQUIRE_FALSE(reset);
    CHECK(reset.error().kind == "bad_header");
    CHECK(contains(reset.error().message, shown(input)));
  }
}

TEST_CASE("Retry-After as delta seconds or any HTTP-date form", "[ratelimit]") {
  const std::vector<ResetCase> cases = {
      {"120", TimeForm::delta_seconds, 120, kNow + 120},
      {"0", TimeForm::delta_seconds, 0, kNow},
      {"Tue, 14 Nov 2023 22:15:20 GMT", TimeForm::http_date, 120, kNow + 120},
      {"Tuesday, 14-Nov-23 22:15:20 GMT", TimeForm::http_date, 120, kNow + 120},
      {"Tue Nov 14 22:15:20 2023", TimeForm::http_date, 120, kNow + 120},
      {"Sun, 06 Nov 1994 08:49:37 GMT", TimeForm::http_date, static_cast<double>(784111777 - kNow),
       784111777},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto after = parse_retry_after(c.input, kNow);
    REQUIRE(after);
    CHECK(after->form == c.form);
    CHECK(after->seconds_from_response == Approx(c.seconds_from_response));
    CHECK(after->unix_seconds == c.unix_seconds);
  }
}

// RFC 9110 5.6.7: a two-digit year more than 50 years ahead of now is the
// most recent year in the past with those digits.
TEST_CASE("RFC 850 two-digit years are read relative to the response time", "[ratelimit]") {
  const std::vector<DateCase> cases = {
      {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},      // 2094 is too far ahead: 1994
      {"Wednesday, 06-Nov-24 08:49:37 GMT", 1730882977},  // 2024
      {"Monday, 06-Nov-73 08:49:37 GMT", 3277183777},     // 2073: exactly 50 years ahead
      {"Wednesday, 06-Nov-74 08:49:37 GMT", 152959777},   // 2074 is too far ahead: 1974
      {"Monday, 06-Nov-74 08:49:37 GMT", std::nullopt},   // 1974-11-06 was a Wednesday
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    const auto after = parse_retry_after(c.input, kNow);
    REQUIRE(after.has_value() == c.expected.has_value());
    if (c.expected) CHECK(after->unix_seconds == *c.expected);
  }
}

TEST_CASE("malformed Retry-After values are refused, naming the value", "[ratelimit]") {
  for (const std::string input : {"", "-1", "+5", "1.5", "soon", "12345678901",
                                  "Sat, 30 Feb 2025 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                                  "Sun, 06 Nov 1994 08:49:37 GMT ", "120 ", "\x1b]0;pwned\x07"}) {
    INFO("input: " << util::printable(input));
    const auto after = parse_retry_after(input, kNow);
    REQUIRE_FALSE(after);
    CHECK(after.error().kind == "bad_header");
    CHECK(contains(after.error().message, shown(input)));
  }
}

TEST_CASE("time forms have stable names", "[ratelimit]") {
  CHECK(std::string(time_form_name(TimeForm::delta_seconds)) == "delta_seconds");
  CHECK(std::string(time_form_name(TimeForm::unix_seconds)) == "unix_seconds");
  CHECK(std::string(time_form_name(TimeForm::unix_milliseconds)) == "unix_milliseconds");
  CHECK(std::string(time_form_name(TimeForm::http_date)) == "http_date");
}

// ------------------------------------------------------------------ dialects

TEST_CASE("IETF RateLimit and RateLimit-Policy join by policy name", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers({{"Date", kDate},
                                                 {"RateLimit-Policy", R"("default";q=100;w=60)"},
                                                 {"RateLimit", R"("default";r=50;t=30)"}},
                                                kNow + 500);
  CHECK(headers.dialect == "ietf");
  CHECK(headers.dialects_found == std::vector<std::string>{"ietf"});
  CHECK(headers.limit == 100);
  CHECK(headers.remaining == 50);
  CHECK(headers.window_s == 60);
  REQUIRE(headers.reset);
  CHECK(headers.reset->form == TimeForm::delta_seconds);
  CHECK(headers.reset->seconds_from_response == 30);
  CHECK(headers.reset->unix_seconds == kNow + 30);  // from Date, not the local clock
  REQUIRE(headers.policy.size() == 1);
  CHECK(headers.policy[0].name == "default");
  CHECK(headers.policy[0].quota_unit == "requests");
  CHECK(headers.policy[0].reset_s == 30);
  CHECK_FALSE(headers.has_problems());
  CHECK(headers.fields.size() == 2);
}

struct IetfCase {
  std::string name;
  std::string policy;     // RateLimit-Policy, or empty for none
  std::string ratelimit;  // RateLimit, or empty for none
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> window_s;
  std::optional<std::int64_t> reset_s;
  std::vector<std::string> policy_order;  // names, the binding one first
};

TEST_CASE("IETF figures come from the binding policy", "[ratelimit]") {
  const std::vector<IetfCase> cases = {
      {"the policy with the fewest remaining binds",
       R"("permin";q=50;w=60, "perhr";q=1000;w=3600)",
       R"("permin";r=40;t=20, "perhr";r=5;t=1800)",
       1000,
       5,
       3600,
       1800,
       {"perhr", "permin"}},
      {"of equals, the first binds",
       R"("permin";q=50;w=60, "perhr";q=1000;w=3600)",
       R"("perhr";r=5;t=1800, "permin";r=5;t=20)",
       50,
       5,
       60,
       20,
       {"permin", "perhr"}},
      {"a limit without a policy is a policy of its own",
       R"("a";q=10)",
       R"("b";r=3;t=7)",
       std::nullopt,
       3,
       std::nullopt,
       7,
       {"b", "a"}},
      {"RateLimit alone",
       "",
       R"("default";r=0;t=10)",
       std::nullopt,
       0,
       std::nullopt,
       10,
       {"default"}},
      {"RateLimit without t",
       "",
       R"("default";r=999;pk=:dHJpYWwxMjEzMjM=:)",
       std::nullopt,
       999,
       std::nullopt,
       std::nullopt,
       {"default"}},
      {"RateLimit-Policy alone: the first",
       R"("burst";q=100;w=60,"daily";q=1000;w=86400)",
       "",
       100,
       std::nullopt,
       60,
       std::nullopt,
       {"burst", "daily"}},
      {"token names", "default;q=100;w=60", "default;r=1;t=2", 100, 1, 60, 2, {"default"}},
      {"unknown parameters are comments",
       R"("a";q=10;acme-burst=5;comment="x";w=5)",
       R"("a";r=9;acme-x=?1)",
       10,
       9,
       5,
       std::nullopt,
       {"a"}},
      {"draft-07 dictionary",
       "100;w=60",
       "limit=100, remaining=50, reset=30",
       100,
       50,
       60,
       30,
       {""}},
      {"draft-07 dictionary picks the policy of its limit",
       "10;w=1, 1000;w=3600",
       "limit=1000, remaining=999, reset=3000",
       1000,
       999,
       3600,
       3000,
       {"", ""}},
      {"draft-07 dictionary alone",
       "",
       "remaining=5, limit=10",
       10,
       5,
       std::nullopt,
       std::nullopt,
       {}},
      {"draft-07 policy alone",
       "100;w=60;burst=1000;comment=\"fair use\"",
       "",
       100,
       std::nullopt,
       60,
       std::nullopt,
       {""}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Headers input;
    if (!c.policy.empty()) input.push_back({"RateLimit-Policy", c.policy});
    if (!c.ratelimit.empty()) input.push_back({"RateLimit", c.ratelimit});
    const auto headers = parse_rate_limit_headers(input, kNow);
    for (const auto& field : headers.fields)
      INFO(field.name << ": " << field.problem.value_or("ok"));
    CHECK_FALSE(headers.has_problems());
    CHECK(headers.dialect == "ietf");
    CHECK(headers.limit == c.limit);
    CHECK(headers.remaining == c.remaining);
    CHECK(headers.window_s == c.window_s);
    CHECK(headers.reset.has_value() == c.reset_s.has_value());
    if (c.reset_s && headers.reset)
      CHECK(headers.reset->seconds_from_response == static_cast<double>(*c.reset_s));
    std::vector<std::string> order;
    for (const auto& policy : headers.policy)
      order.push_back(policy.name);
    CHECK(order == c.policy_order);
  }
}

TEST_CASE("IETF partition keys and quota units", "[ratelimit]") {
  SECTION("printable bytes are shown as text") {
    const auto headers = parse_rate_limit_headers(
        {{"RateLimit-Policy", R"("peruser";q=100;w=60;pk=:MjAzLjAuMTEzLjc=:)"}}, kNow);
    REQUIRE(headers.policy.size() == 1);
    CHECK(headers.policy[0].partition_key == "203.0.113.7");
  }
  SECTION("other bytes are shown as base64") {
    const auto headers =
        parse_rate_limit_headers({{"RateLimit-Policy", R"("peruser";q=100;pk=:AAEC/w==:)"}}, kNow);
    REQUIRE(headers.policy.size() == 1);
    CHECK(headers.policy[0].partition_key == "AAEC/w==");
  }
  SECTION("the draft's own example, with non-zero pad bits and a quota unit") {
    const auto headers = parse_rate_limit_headers(
        {{"RateLimit-Policy", R"("peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:)"}},
        kNow);
    REQUIRE(headers.policy.size() == 1);
    CHECK(headers.policy[0].quota == 65535);
    CHECK(headers.policy[0].quota_unit == "content-bytes");
    CHECK(headers.policy[0].partition_key == "sdfjLJUOUA==");
  }
  SECTION("RateLimit's key is the request's") {
    const auto headers =
        parse_rate_limit_headers({{"RateLimit-Policy", R"("default";q=10)"},
                                  {"RateLimit", R"("default";r=300000000;t=60;pk=:QXBwLTk5OQ==:)"}},
                                 kNow);
    REQUIRE(headers.policy.size() == 1);
    CHECK(headers.policy[0].partition_key == "App-999");
    CHECK(headers.remaining == 300000000);
  }
}

TEST_CASE("IETF fields sent more than once are combined as RFC 9651 lists", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers({{"RateLimit-Policy", R"("a";q=1;w=1)"},
                                                 {"Content-Type", "text/plain"},
                                                 {"ratelimit-policy", R"("b";q=2;w=2)"},
                                                 {"RATELIMIT", R"("b";r=0)"}},
                                                kNow);
  REQUIRE(headers.fields.size() == 2);
  CHECK(headers.fields[0].name == "RateLimit-Policy");
  CHECK(headers.fields[0].value == R"("a";q=1;w=1, "b";q=2;w=2)");
  CHECK(headers.fields[1].name == "RATELIMIT");
  CHECK(headers.policy.size() == 2);
  CHECK(headers.limit == 2);
  CHECK(headers.remaining == 0);
}

struct MalformedCase {
  std::string header;
  std::string value;
  std::string reason;  // a part of the problem
};

// Every row is the only rate-limit header of its response: its problem names
// the value, and no figure is taken from it.
TEST_CASE("malformed IETF fields are reported and contribute nothing", "[ratelimit]") {
  const std::vector<MalformedCase> cases = {
      {"RateLimit-Policy", R"("a";q=10,)", "expected another member after ','"},
      {"RateLimit-Policy", R"("a";q=-5)", "policy 'a' has q=-5, not a non-negative integer"},
      {"RateLimit-Policy", R"("a";q=1.5)", "q=1.5"},
      {"RateLimit-Policy", R"("a";w=60)", "policy 'a' has no quota (q)"},
      {"RateLimit-Policy", R"("a";q=10;w=0)", "w=0, not a positive integer"},
      {"RateLimit-Policy", R"("a";q=10;qu=requests)", "qu=requests, not a string"},
      {"RateLimit-Policy", R"("a";q=10;pk="x")", "pk=\"x\", not a byte sequence"},
      {"RateLimit-Policy", R"("a";q=10;pk=:!!:)", "expected a base64 character"},
      {"RateLimit-Policy", R"("a";q=10;pk=:YW=j:)", "not valid base64"},
      {"RateLimit-Policy", R"(("a" "b");q=10)", "member 1 is an inner list"},
      {"RateLimit-Policy", R"("a";q=1, (("b")))", "expected an item, found '('"},
      {"RateLimit-Policy", "?1;q=10", "member 1 is a boolean, not a policy name"},
      {"RateLimit-Policy", "-5;w=60", "policy 1 has a negative quota"},
      {"RateLimit-Policy", R"("a";q=1234567890123456)", "an integer has at most 15 digits"},
      {"RateLimit-Policy", R"("a";q=99999999999999999999)", "an integer has at most 15 digits"},
      {"RateLimit-Policy", R"("a";q=10, "a";q=20)", "policy 'a' is listed twice"},
      {"RateLimit-Policy", R"("unterminated;q=10)", "closing the string"},
      {"RateLimit-Policy", "\"a\";q=10\r\nX-Injected: 1", "found '\\x0d'"},
      {"RateLimit-Policy", std::string("\"a\";q=10\0", 9), "found '\\x00'"},
      {"RateLimit-Policy", "\"\x1b[31mred\";q=1", "found '\\x1b'"},
      {"RateLimit-Policy", "\"a\";q=" + std::string(100 * 1024, '1'), "102406 bytes long"},
      {"RateLimit-Policy", "", "an empty list names no policy"},
      {"RateLimit-Policy", R"("a";q=10;w=@1700000000)", "Date"},
      {"RateLimit", R"("a";t=30)", "policy 'a' has no remaining quota (r)"},
      {"RateLimit", R"("a";r=-1)", "r=-1, not a non-negative integer"},
      {"RateLimit", R"("a";r=5;t=-1)", "t=-1, not a non-negative integer"},
      {"RateLimit", R"("a";r=5, "a";r=6)", "listed twice"},
      {"RateLimit", R"(1;r=5)", "member 1 is an integer, not a policy name"},
      {"RateLimit", "limit=abc", "limit is not a non-negative integer"},
      {"RateLimit", "limit=100, remaining=-1", "remaining is not a non-negative integer"},
      {"RateLimit", "limit=100, remaining=50,", "expected another member after ','"},
      {"RateLimit", "limit=(1 2)", "limit is not a non-negative integer"},
      {"RateLimit", "foo=1", "none of limit, remaining, reset"},
      {"RateLimit", "@1700000000", "Date"},
      {"RateLimit", " ", "an empty list"},
  };
  for (const auto& c : cases) {
    INFO(c.header << ": " << shown(c.value));
    const auto headers = parse_rate_limit_headers({{c.header, c.value}}, kNow);
    REQUIRE(headers.fields.size() == 1);
    const auto& field = headers.fields[0];
    CHECK(field.dialect == "ietf");
    REQUIRE(field.problem);
    CHECK(contains(*field.problem, c.reason));
    CHECK(contains(*field.problem, shown(util::trim(c.value)).substr(0, 60)));
    CHECK_FALSE(contains(*field.problem, "\n"));
    CHECK(headers.has_problems());
    CHECK(headers.dialect == "none");
    CHECK(headers.dialects_found == std::vector<std::string>{"ietf"});
    CHECK_FALSE(headers.limit);
    CHECK_FALSE(headers.remaining);
    CHECK_FALSE(headers.reset);
    CHECK(headers.policy.empty());
  }
}

TEST_CASE("a malformed IETF field leaves the other one usable", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers(
      {{"RateLimit-Policy", R"("a";q=100;w=60)"}, {"RateLimit", R"("a";r=five)"}}, kNow);
  CHECK(headers.dialect == "ietf");
  CHECK(headers.limit == 100);
  CHECK_FALSE(headers.remaining);
  REQUIRE(field_named(headers, "RateLimit"));
  CHECK(field_named(headers, "RateLimit")->problem);
  CHECK_FALSE(field_named(headers, "RateLimit-Policy")->problem);
}

TEST_CASE("draft RateLimit-Limit, -Remaining and -Reset", "[ratelimit]") {
  SECTION("counts and a delta reset") {
    const auto headers = parse_rate_limit_headers(
        {{"RateLimit-Limit", "100"}, {"RateLimit-Remaining", "99"}, {"RateLimit-Reset", "30"}},
        kNow);
    CHECK(headers.dialect == "draft");
    CHECK(headers.limit == 100);
    CHECK(headers.remaining == 99);
    REQUIRE(headers.reset);
    CHECK(headers.reset->form == TimeForm::delta_seconds);
    CHECK(headers.reset->unix_seconds == kNow + 30);
    CHECK(headers.policy.empty());
    CHECK_FALSE(headers.window_s);
  }
  SECTION("the draft-03 list: the first member is the limit") {
    const auto headers =
        parse_rate_limit_headers({{"RateLimit-Limit", "100, 100;w=60, 1000;w=3600"}}, kNow);
    CHECK_FALSE(headers.has_problems());
    CHECK(headers.limit == 100);
    CHECK(headers.window_s == 60);
    REQUIRE(headers.policy.size() == 2);
    CHECK(headers.policy[0].quota == 100);
    CHECK(headers.policy[0].window_s == 60);
    CHECK(headers.policy[1].quota == 1000);
    CHECK(headers.policy[1].window_s == 3600);
  }
  SECTION("draft-06: RateLimit-Policy beside them is theirs") {
    const auto headers = parse_rate_limit_headers({{"RateLimit-Policy", "10;w=1, 100;w=60"},
                                                   {"RateLimit-Limit", "100"},
                                                   {"RateLimit-Remaining", "99"},
                                                   {"RateLimit-Reset", "30"}},
                                                  kNow);
    CHECK_FALSE(headers.has_problems());
    CHECK(headers.dialect == "draft");
    CHECK(headers.dialects_found == std::vector<std::string>{"draft"});
    CHECK(field_named(headers, "RateLimit-Policy")->dialect == "draft");
    CHECK(headers.limit == 100);
    CHECK(headers.remaining == 99);
    CHECK(headers.window_s == 60);
    REQUIRE(headers.policy.size() == 2);
    CHECK(headers.policy[0].quota == 10);
  }
  SECTION("draft-07: with RateLimit, RateLimit-Policy stays IETF") {
    const auto headers = parse_rate_limit_headers({{"RateLimit-Policy", "100;w=60"},
                                                   {"RateLimit", "limit=100, remaining=5"},
                                                   {"RateLimit-Remaining", "99"}},
                                                  kNow);
    CHECK(headers.dialect == "ietf");
    CHECK(headers.dialects_found == std::vector<std::string>{"ietf", "draft"});
    CHECK(headers.remaining == 5);
    CHECK(headers.window_s == 60);
  }
  SECTION("a first member with a window") {
    const auto headers =
        parse_rate_limit_headers({{"RateLimit-Limit", "10;w=1, 50;w=60;comment=\"x\""}}, kNow);
    CHECK(headers.limit == 10);
    CHECK(headers.window_s == 1);
    CHECK(headers.policy.size() == 2);
  }
}

TEST_CASE("X-RateLimit headers as GitHub sends them", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers({{"Date", kDate},
                                                 {"x-ratelimit-limit", "5000"},
                                                 {"x-ratelimit-remaining", "4999"},
                                                 {"x-ratelimit-used", "1"},
                                                 {"x-ratelimit-reset", "1700003600"},
                                                 {"x-ratelimit-resource", "core"}},
                                                kNow - 100);
  CHECK(headers.dialect == "x");
  CHECK(headers.limit == 5000);
  CHECK(headers.remaining == 4999);
  CHECK(headers.used == 1);
  REQUIRE(headers.reset);
  CHECK(headers.reset->form == TimeForm::unix_seconds);
  CHECK(headers.reset->unix_seconds == 1700003600);
  CHECK(headers.reset->seconds_from_response == 3600);  // from Date, not received_at
  CHECK(headers.resource == "core");
  CHECK(headers.fields[0].name == "x-ratelimit-limit");
  CHECK(headers.fields.size() == 5);
}

struct XResetCase {
  Headers headers;
  std::int64_t received_at;
  TimeForm form;
  double seconds_from_response;
  std::int64_t unix_seconds;
};

TEST_CASE("X-RateLimit-Reset in every form, shown both ways", "[ratelimit]") {
  const std::vector<XResetCase> cases = {
      {{{"X-RateLimit-Reset", "60"}}, kNow, TimeForm::delta_seconds, 60, kNow + 60},
      {{{"X-RateLimit-Reset", "0.5"}}, kNow, TimeForm::delta_seconds, 0.5, kNow},
      {{{"X-RateLimit-Reset", "1700000060"}}, kNow, TimeForm::unix_seconds, 60, kNow + 60},
      {{{"X-RateLimit-Reset", "1700000060000"}}, kNow, TimeForm::unix_milliseconds, 60, kNow + 60},
      {{{"X-RateLimit-Reset", "1700000060.5"}}, kNow, TimeForm::unix_seconds, 60.5, kNow + 60},
      {{{"X-RateLimit-Reset", "1700000060"}}, kNow + 100, TimeForm::unix_seconds, -40, kNow + 60},
      // The response's Date is its clock: a local clock 100 s ahead does not matter.
      {{{"Date", kDate}, {"X-RateLimit-Reset", "1700000060"}},
       kNow + 100,
       TimeForm::unix_seconds,
       60,
       kNow + 60},
      {{{"date", kDate}, {"X-RateLimit-Reset", "60"}},
       kNow + 100,
       TimeForm::delta_seconds,
       60,
       kNow + 60},
      // A Date that is no HTTP-date is not used.
      {{{"Date", "yesterday"}, {"X-RateLimit-Reset", "1700000060"}},
       kNow + 100,
       TimeForm::unix_seconds,
       -40,
       kNow + 60},
      {{{"Date", "Sat, 30 Feb 2025 08:49:37 GMT"}, {"X-RateLimit-Reset", "60"}},
       kNow + 100,
       TimeForm::delta_seconds,
       60,
       kNow + 160},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO("case " << i << ": " << c.headers.back().value);
    const auto headers = parse_rate_limit_headers(c.headers, c.received_at);
    REQUIRE(headers.reset);
    CHECK(headers.reset->form == c.form);
    CHECK(headers.reset->seconds_from_response == Approx(c.seconds_from_response));
    CHECK(headers.reset->unix_seconds == c.unix_seconds);
  }
}

TEST_CASE("X-RateLimit-Scope and X-Rate-Limit headers", "[ratelimit]") {
  const auto x =
      parse_rate_limit_headers({{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Scope", "user"}}, kNow);
  CHECK(x.scope == "user");
  CHECK(x.limit == 60);

  const auto twitter = parse_rate_limit_headers({{"X-Rate-Limit-Limit", "900"},
                                                 {"X-Rate-Limit-Remaining", "0"},
                                                 {"X-Rate-Limit-Reset", "1700000900"}},
                                                kNow);
  CHECK(twitter.dialect == "x-rate-limit");
  CHECK(twitter.limit == 900);
  CHECK(twitter.remaining == 0);
  REQUIRE(twitter.reset);
  CHECK(twitter.reset->seconds_from_response == 900);
}

TEST_CASE("malformed count, reset and text headers are reported and contribute nothing",
          "[ratelimit]") {
  const std::string ansi = "\x1b[2J\x1b[31mowned";
  const std::vector<MalformedCase> cases = {
      {"X-RateLimit-Remaining", "", "not a count (empty)"},
      {"X-RateLimit-Remaining", "-1", "no sign"},
      {"X-RateLimit-Remaining", "+5", "no sign"},
      {"X-RateLimit-Remaining", "1 0", "not a count"},
      {"X-RateLimit-Remaining", "1e3", "not a count"},
      {"X-RateLimit-Remaining", "ten", "not a count"},
      {"X-RateLimit-Remaining", "1234567890123456", "more than 15 digits"},
      {"X-RateLimit-Remaining", std::string(100 * 1024, '7'), "truncated, 102400 bytes"},
      {"X-RateLimit-Remaining", std::string("5\0", 2), "not a count"},
      {"X-RateLimit-Remaining", "5\r\nSet-Cookie: x=1", "not a count"},
      {"X-RateLimit-Remaining", ansi, "not a count"},
      {"X-RateLimit-Limit", "100, 100;w=60", "not a count"},  // a list only in RateLimit-Limit
      {"X-RateLimit-Used", "1.0", "not a count"},
      {"X-RateLimit-Reset", "1.2.3", "not a reset time"},
      {"X-RateLimit-Reset", "Sun, 06 Nov 1994 08:49:37 GMT", "not a reset time"},
      {"X-RateLimit-Reset", "-30", "not a reset time"},
      {"X-RateLimit-Resource", "co\x07re", "not printable text"},
      {"X-RateLimit-Resource", "", "empty"},
      {"X-RateLimit-Scope", std::string(300, 'u'), "longer than 256 bytes"},
      {"X-RateLimit-Scope",
       "\xe2\x80\xae"
       "resu",
       "not printable text"},
      {"X-Rate-Limit-Limit", "0x10", "not a count"},
      {"X-Rate-Limit-Reset", "soon", "not a reset time"},
      {"RateLimit-Limit", "ten", "not a count"},
      {"RateLimit-Limit", "100, abc", "member 2 is not a non-negative integer"},
      {"RateLimit-Limit", "100, (1 2)", "member 2 is not a non-negative integer"},
      {"RateLimit-Limit", "100;w=0, 5", "member 1 has w=0"},
      {"RateLimit-Limit", "100, 100;w=60,", "expected another member after ','"},
      {"RateLimit-Limit", "-1, 5", "member 1 is not a non-negative integer"},
      {"RateLimit-Remaining", "5 5", "not a count"},
      {"RateLimit-Reset", "in 30 s", "not a reset time"},
      {"Retry-After", "Sat, 30 Feb 2025 08:49:37 GMT", "not delta seconds or an HTTP-date"},
      {"Retry-After", "Sun, 06 Nov 1994 25:49:37 GMT", "not delta seconds or an HTTP-date"},
      {"Retry-After", "12345678901", "more than 10 digits"},
      {"Retry-After", "-1", "not delta seconds or an HTTP-date"},
  };
  for (const auto& c : cases) {
    INFO(c.header << ": " << shown(c.value));
    const auto headers = parse_rate_limit_headers({{c.header, c.value}}, kNow);
    REQUIRE(headers.fields.size() == 1);
    const auto& field = headers.fields[0];
    REQUIRE(field.problem);
    CHECK(contains(*field.problem, c.reason));
    CHECK(contains(*field.problem, shown(c.value)));
    CHECK_FALSE(contains(*field.problem, "\n"));
    CHECK_FALSE(contains(*field.problem, "\x1b"));
    CHECK(headers.dialect == "none");
    CHECK_FALSE(headers.limit);
    CHECK_FALSE(headers.remaining);
    CHECK_FALSE(headers.used);
    CHECK_FALSE(headers.reset);
    CHECK_FALSE(headers.window_s);
    CHECK(headers.policy.empty());
    CHECK_FALSE(headers.retry_after);
    CHECK_FALSE(headers.resource);
    CHECK_FALSE(headers.scope);
  }
}

TEST_CASE("a count header sent twice must say the same both times", "[ratelimit]") {
  const auto conflicting = parse_rate_limit_headers(
      {{"X-RateLimit-Remaining", "10"}, {"X-RateLimit-Remaining", "20"}}, kNow);
  REQUIRE(conflicting.fields.size() == 1);
  CHECK(conflicting.fields[0].value == "10, 20");
  CHECK(conflicting.fields[0].problem == "sent 2 times with different values: '10', '20'");
  CHECK_FALSE(conflicting.remaining);

  const auto same = parse_rate_limit_headers(
      {{"X-RateLimit-Remaining", "10"}, {"x-ratelimit-remaining", "10"}}, kNow);
  CHECK_FALSE(same.has_problems());
  CHECK(same.fields[0].value == "10, 10");
  CHECK(same.remaining == 10);

  Headers many;
  for (int i = 0; i < 5; ++i)
    many.push_back({"Retry-After", std::to_string(i)});
  const auto five = parse_rate_limit_headers(many, kNow);
  REQUIRE(five.fields[0].problem);
  CHECK(*five.fields[0].problem == "sent 5 times with different values: '0', '1', '2', ...");
  CHECK_FALSE(five.retry_after);
}

TEST_CASE("surrounding whitespace is not part of a value, inner whitespace is", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers(
      {{"X-RateLimit-Limit", " \t60\t "}, {"X-RateLimit-Remaining", "5 9"}}, kNow);
  CHECK(headers.limit == 60);
  CHECK_FALSE(headers.remaining);
  CHECK(field_named(headers, "X-RateLimit-Remaining")->problem);
}

TEST_CASE("the dialect is the first well-formed one, and every dialect present is listed",
          "[ratelimit]") {
  SECTION("IETF before X") {
    const auto headers = parse_rate_limit_headers(
        {{"X-RateLimit-Limit", "10"}, {"X-RateLimit-Remaining", "1"}, {"RateLimit", R"("a";r=7)"}},
        kNow);
    CHECK(headers.dialect == "ietf");
    CHECK(headers.dialects_found == std::vector<std::string>{"ietf", "x"});
    CHECK(headers.remaining == 7);
    CHECK_FALSE(headers.limit);  // not mixed in from X-RateLimit-Limit
  }
  SECTION("a malformed IETF field leaves the choice to X") {
    const auto headers = parse_rate_limit_headers(
        {{"RateLimit", R"("a";r=)"}, {"X-RateLimit-Remaining", "1"}}, kNow);
    CHECK(headers.dialect == "x");
    CHECK(headers.dialects_found == std::vector<std::string>{"ietf", "x"});
    CHECK(headers.remaining == 1);
  }
  SECTION("draft before X-Rate-Limit") {
    const auto headers =
        parse_rate_limit_headers({{"X-Rate-Limit-Limit", "1"}, {"RateLimit-Limit", "2"}}, kNow);
    CHECK(headers.dialect == "draft");
    CHECK(headers.dialects_found == std::vector<std::string>{"draft", "x-rate-limit"});
    CHECK(headers.limit == 2);
  }
  SECTION("nothing") {
    const auto headers = parse_rate_limit_headers(
        {{"Content-Type", "text/html"}, {"X-RateLimit-Limitless", "1"}, {"Date", kDate}}, kNow);
    CHECK_FALSE(headers.any());
    CHECK(headers.dialect == "none");
    CHECK(headers.dialects_found.empty());
    CHECK_FALSE(headers.has_problems());
  }
  SECTION("Retry-After beside a dialect leaves its figures alone") {
    const auto headers = parse_rate_limit_headers({{"Retry-After", "5"},
                                                   {"RateLimit-Policy", R"("a";q=10;w=60)"},
                                                   {"RateLimit", R"("a";r=0;t=5)"}},
                                                  kNow);
    CHECK(headers.dialect == "ietf");
    CHECK(headers.dialects_found == std::vector<std::string>{"ietf"});
    CHECK(headers.limit == 10);
    CHECK(headers.remaining == 0);
    CHECK(headers.policy.size() == 1);
    CHECK(headers.retry_after);
  }
  SECTION("Retry-After alone") {
    const auto headers = parse_rate_limit_headers({{"Retry-After", "120"}}, kNow);
    CHECK(headers.any());
    CHECK(headers.dialect == "none");
    CHECK(headers.fields[0].dialect == "retry-after");
    REQUIRE(headers.retry_after);
    CHECK(headers.retry_after->seconds_from_response == 120);
  }
}

TEST_CASE("Retry-After in a response, in every form", "[ratelimit]") {
  for (const std::string value : {"120", "Tue, 14 Nov 2023 22:15:20 GMT",
                                  "Tuesday, 14-Nov-23 22:15:20 GMT", "Tue Nov 14 22:15:20 2023"}) {
    INFO(value);
    const auto headers =
        parse_rate_limit_headers({{"Date", kDate}, {"Retry-After", value}}, kNow + 30);
    REQUIRE(headers.retry_after);
    CHECK(headers.retry_after->form ==
          (value == "120" ? TimeForm::delta_seconds : TimeForm::http_date));
    CHECK(headers.retry_after->seconds_from_response == 120);
    CHECK(headers.retry_after->unix_seconds == kNow + 120);
  }
}

// ------------------------------------------------------------------ verdicts

struct LimitedCase {
  long status;
  Headers headers;
  bool limited;
};

TEST_CASE("which answers mean being limited", "[ratelimit]") {
  const std::vector<LimitedCase> cases = {
      {429, {}, true},
      {429, {{"X-RateLimit-Remaining", "5"}}, true},
      {200, {}, false},
      {200, {{"X-RateLimit-Remaining", "0"}}, false},
      {200, {{"Retry-After", "5"}}, false},
      {403, {}, false},
      {403, {{"Retry-After", "60"}}, true},
      {403, {{"X-RateLimit-Remaining", "0"}}, true},
      {403, {{"X-RateLimit-Remaining", "1"}}, false},
      {403, {{"RateLimit", R"("a";r=0)"}}, true},
      {503, {{"Retry-After", "Tue, 14 Nov 2023 22:15:20 GMT"}}, true},
      {503, {}, false},
      {503, {{"Retry-After", "soon"}}, false},
      {500, {{"Retry-After", "5"}}, false},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO("case " << i << ": status " << c.status);
    CHECK(is_limited(c.status, parse_rate_limit_headers(c.headers, kNow)) == c.limited);
  }
}

struct HintCase {
  std::string name;
  Headers response;
  Headers request;
  std::vector<std::string> hints;
};

TEST_CASE("what a limit appears keyed on", "[ratelimit]") {
  const std::vector<HintCase> cases = {
      {"nothing hints", {{"X-RateLimit-Limit", "10"}}, {{"Accept", "*/*"}}, {}},
      {"a partition key",
       {{"RateLimit-Policy", R"("default";q=10;pk=:MjAzLjAuMTEzLjc=:)"}},
       {},
       {"the server names a partition key \"203.0.113.7\" (pk), so each key has its own "
        "quota"}},
      {"resource and scope",
       {{"X-RateLimit-Resource", "core"}, {"X-RateLimit-Scope", "user"}},
       {},
       {"X-RateLimit-Resource is \"core\": limits are per resource",
        "X-RateLimit-Scope is \"user\""}},
      {"telling policy names",
       {{"RateLimit-Policy", R"("per-ip";q=10, "default";q=5, "PerUser";q=1, "api_key";q=2)"}},
       {},
       {"policy \"per-ip\" (the name suggests what it is keyed on)",
        "policy \"PerUser\" (the name suggests what it is keyed on)",
        "policy \"api_key\" (the name suggests what it is keyed on)"}},
      {"names that only contain a telling word",
       {{"RateLimit-Policy", R"("token";q=10, "monkey";q=5, "bip";q=1, "shipping";q=2)"}},
       {},
       {}},
      {"a credential",
       {},
       {{"authorization", "Bearer x"}},
       {"the request carried authorization: a limit keyed on it is per credential; probe with "
        "another key to compare"}},
      {"several credentials",
       {},
       {{"Cookie", "a=1"},
        {"X-API-Key", "k"},
        {"X-Apikey", "k"},
        {"X-Auth-Token", "t"},
        {"cookie", "b=2"}},
       {"the request carried Cookie and X-API-Key and X-Apikey and X-Auth-Token: a limit keyed "
        "on them is per credential; probe with another key to compare"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const auto headers = parse_rate_limit_headers(c.response, kNow);
    CHECK(keyed_on_hints(headers, c.request) == c.hints);
  }
}

// ------------------------------------------------------------------ --expect-limit

struct ToleranceCase {
  std::string input;
  double value;
  bool percent;
};

TEST_CASE("tolerances are counts or percentages", "[ratelimit]") {
  const std::vector<ToleranceCase> cases = {
      {"2", 2, false},     {"0", 0, false},     {"10%", 10, true},
      {"2.5%", 2.5, true}, {"0.5", 0.5, false}, {"1000000", 1e6, false},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    const auto tolerance = parse_tolerance(c.input);
    REQUIRE(tolerance);
    CHECK(tolerance->value == Approx(c.value));
    CHECK(tolerance->percent == c.percent);
  }
  for (const auto& bad : std::vector<std::string>{
           "-1", "", "abc", "10%%", "%", "1000001", "1e6", "nan", "NaN", "inf", "-inf", " 2", "2 ",
           "0x10", "1.", ".5", "2,5", "+2", "1" + std::string(400, '0')}) {
    INFO(bad);
    const auto tolerance = parse_tolerance(bad);
    REQUIRE_FALSE(tolerance);
    CHECK(tolerance.error().kind == "bad_option");
    CHECK(tolerance.error().message ==
          "--tolerance " + shown(bad) + " is not a count or a percentage");
  }
}

struct ExpectCase {
  std::int64_t expected;
  Tolerance tolerance;
  std::optional<std::int64_t> actual;
  bool passed;
};

TEST_CASE("expected limits pass within the tolerance", "[ratelimit]") {
  const std::vector<ExpectCase> cases = {
      {100, {0, false}, 100, true},    {100, {0, false}, 101, false},
      {100, {2, false}, 102, true},    {100, {2, false}, 98, true},
      {100, {2, false}, 103, false},   {100, {10, true}, 110, true},
      {100, {10, true}, 90, true},     {100, {10, true}, 111, false},
      {200, {2.5, true}, 205, true},   {200, {2.5, true}, 206, false},
      {1000, {0.3, true}, 1003, true}, {1000, {0.3, true}, 1004, false},
      {7, {10, true}, 7, true},        {0, {10, true}, 0, true},
      {0, {10, true}, 1, false},       {100, {50, false}, std::nullopt, false},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO("case " << i);
    const auto check = check_expected_limit(c.expected, c.tolerance, c.actual, "probe");
    CHECK(check.passed == c.passed);
    CHECK(check.expected == c.expected);
    CHECK(check.actual == c.actual);
    CHECK(check.source == "probe");
    CHECK(check.tolerance.percent == c.tolerance.percent);
  }
}

TEST_CASE("a resource or scope alone does not make the x dialect", "[ratelimit]") {
  const auto headers = parse_rate_limit_headers(
      {{"X-RateLimit-Resource", "core"}, {"X-Rate-Limit-Limit", "100"}}, kNow);
  CHECK(headers.dialect == "x-rate-limit");
  CHECK(headers.limit == 100);
  CHECK(headers.resource == "core");
}
