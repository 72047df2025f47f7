#include "reqscope/ratelimit/headers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <iterator>

#include "reqscope/ratelimit/structured_field.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::ratelimit {

namespace {

constexpr const char* kBadHeader = "bad_header";
// As many digits as an RFC 9651 Integer: every count fits an int64 exactly.
constexpr std::size_t kMaxCountDigits = 15;
constexpr std::size_t kMaxDeltaDigits = 10;
constexpr std::size_t kMaxFractionDigits = 9;
// X-RateLimit-Resource and -Scope are short names ("core", "user").
constexpr std::size_t kMaxTextLength = 256;
constexpr std::int64_t kUnixSecondsFrom = 1'000'000'000;
constexpr std::int64_t kUnixMillisecondsFrom = 1'000'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::size_t kMaxValuesShown = 3;

// What a header is for; its dialect says which figures it can feed.
enum class Role {
  ietf_policy,  // RateLimit-Policy
  ietf_limit,   // RateLimit
  draft_limit,  // RateLimit-Limit: a count, or the draft-03 list of quota policies
  limit,
  remaining,
  used,
  reset,
  resource,
  scope,
  retry_after,
};

struct KnownHeader {
  std::string_view name;
  std::string_view dialect;
  Role role;
};

constexpr std::array<KnownHeader, 15> kKnownHeaders = {{
    {"RateLimit-Policy", "ietf", Role::ietf_policy},
    {"RateLimit", "ietf", Role::ietf_limit},
    {"RateLimit-Limit", "draft", Role::draft_limit},
    {"RateLimit-Remaining", "draft", Role::remaining},
    {"RateLimit-Reset", "draft", Role::reset},
    {"X-RateLimit-Limit", "x", Role::limit},
    {"X-RateLimit-Remaining", "x", Role::remaining},
    {"X-RateLimit-Used", "x", Role::used},
    {"X-RateLimit-Reset", "x", Role::reset},
    {"X-RateLimit-Resource", "x", Role::resource},
    {"X-RateLimit-Scope", "x", Role::scope},
    {"X-Rate-Limit-Limit", "x-rate-limit", Role::limit},
    {"X-Rate-Limit-Remaining", "x-rate-limit", Role::remaining},
    {"X-Rate-Limit-Reset", "x-rate-limit", Role::reset},
    {"Retry-After", "retry-after", Role::retry_after},
}};

// The dialects that can supply the figures, in the order of preference.
constexpr std::array<std::string_view, 4> kDialects = {"ietf", "draft", "x", "x-rate-limit"};

const KnownHeader* known_header(std::string_view name) {
  for (const auto& known : kKnownHeaders) {
    if (util::iequals(known.name, name)) return &known;
  }
  return nullptr;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// A field value without its surrounding OWS (SP and HTAB, RFC 9110 5.5);
// CR, LF and NUL stay, so that they are reported rather than hidden.
std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::int64_t digits_value(std::string_view digits) {
  std::int64_t value = 0;
  for (const char c : digits)
    value = value * 10 + (c - '0');
  return value;
}

// "not a count: 'ten'": what is wrong, then the value as received, quoted
// so that no control byte reaches a terminal.
tl::unexpected<Error> bad_value(std::string_view reason, std::string_view value,
                                std::string hint = {}) {
  return fail(kBadHeader, fmt::format("{}: {}", reason, util::quote(value)), std::move(hint));
}

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads an HTTP-date left to right; every step fails on the first byte that
// does not fit. HTTP-date is case-sensitive (RFC 9110 5.6.7).
class DateReader {
 public:
  explicit DateReader(std::string_view text) : text_(text) {}

  bool literal(std::string_view expected) {
    if (text_.substr(at_, expected.size()) != expected) return false;
    at_ += expected.size();
    return true;
  }

  template <std::size_t N>
  std::optional<int> name(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) return static_cast<int>(i);
    }
    return std::nullopt;
  }

  std::optional<int> digits(std::size_t width) {
    const auto part = text_.substr(at_, width);
    if (part.size() != width || !all_digits(part)) return std::nullopt;
    at_ += width;
    return static_cast<int>(digits_value(part));
  }

  bool at_end() const { return at_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

struct DateParts {
  int weekday = 0;  // 0 = Sunday
  int year = 0;
  bool two_digit_year = false;
  int month = 0;  // 0 = January
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// time-of-day = hour ":" minute ":" second, 00:00:00 to 23:59:60 (leap second).
bool read_time(DateReader& reader, DateParts& parts) {
  const auto hour = reader.digits(2);
  if (!hour || !reader.literal(":")) return false;
  const auto minute = reader.digits(2);
  if (!minute || !reader.literal(":")) return false;
  const auto second = reader.digits(2);
  if (!second) return false;
  parts.hour = *hour;
  parts.minute = *minute;
  parts.second = *second;
  return *hour <= 23 && *minute <= 59 && *second <= 60;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<DateParts> read_imf_fixdate(std::string_view text) {
  DateReader reader(text);
  DateParts parts;
  const auto weekday = reader.name(kDayNames);
  if (!weekday || !reader.literal(", ")) return std::nullopt;
  const auto day = reader.digits(2);
  if (!day || !reader.literal(" ")) return std::nullopt;
  const auto month = reader.name(kMonthNames);
  if (!month || !reader.literal(" ")) return std::nullopt;
  const auto year = reader.digits(4);
  if (!year || !reader.literal(" ") || !read_time(reader, parts)) return std::nullopt;
  if (!reader.literal(" GMT") || !reader.at_end()) return std::nullopt;
  parts.weekday = *weekday;
  parts.day = *day;
  parts.month = *month;
  parts.year = *year;
  return parts;
}

// rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT".
std::optional<DateParts> read_rfc850_date(std::string_view text) {
  DateReader reader(text);
  DateParts parts;
  const auto weekday = reader.name(kLongDayNames);
  if (!weekday || !reader.literal(", ")) return std::nullopt;
  const auto day = reader.digits(2);
  if (!day || !reader.literal("-")) return std::nullopt;
  const auto month = reader.name(kMonthNames);
  if (!month || !reader.literal("-")) return std::nullopt;
  const auto year = reader.digits(2);
  if (!year || !reader.literal(" ") || !read_time(reader, parts)) return std::nullopt;
  if (!reader.literal(" GMT") || !reader.at_end()) return std::nullopt;
  parts.weekday = *weekday;
  parts.day = *day;
  parts.month = *month;
  parts.year = *year;
  parts.two_digit_year = true;
  return parts;
}

// asctime-date: "Sun Nov  6 08:49:37 1994" (a one-digit day has a leading space).
std::optional<DateParts> read_asctime_date(std::string_view text) {
  DateReader reader(text);
  DateParts parts;
  const auto weekday = reader.name(kDayNames);
  if (!weekday || !reader.literal(" ")) return std::nullopt;
  const auto month = reader.name(kMonthNames);
  if (!month || !reader.literal(" ")) return std::nullopt;
  auto day = reader.literal(" ") ? reader.digits(1) : reader.digits(2);
  if (!day || !reader.literal(" ") || !read_time(reader, parts)) return std::nullopt;
  if (!reader.literal(" ")) return std::nullopt;
  const auto year = reader.digits(4);
  if (!year || !reader.at_end()) return std::nullopt;
  parts.weekday = *weekday;
  parts.day = *day;
  parts.month = *month;
  parts.year = *year;
  return parts;
}

int year_of(std::int64_t unix_seconds) {
  const std::chrono::sys_seconds time{std::chrono::seconds(unix_seconds)};
  const std::chrono::year_month_day date(std::chrono::floor<std::chrono::days>(time));
  return static_cast<int>(date.year());
}

// RFC 9110 5.6.7: a two-digit year that would put the date more than 50
// years after `reference` is the most recent such year in the past; so the
// year lands in the century around the reference. Without a reference it is
// read as POSIX strptime's %y reads it: 69-99 are 1969-1999, 00-68 2000-2068.
int full_year(int two_digits, std::optional<std::int64_t> reference) {
  if (!reference) return two_digits + (two_digits >= 69 ? 1900 : 2000);
  const int now = year_of(*reference);
  int year = now - now % 100 + two_digits;
  if (year > now + 50) year -= 100;
  if (year <= now - 50) year += 100;
  return year;
}

// The date as Unix seconds, when it exists: the day within its month, and the
// day name matching the day (a date that names the wrong weekday is not guessed at).
std::optional<std::int64_t> unix_time(DateParts parts, std::optional<std::int64_t> reference) {
  if (parts.two_digit_year) parts.year = full_year(parts.year, reference);
  const std::chrono::year_month_day date{std::chrono::year(parts.year),
                                         std::chrono::month(static_cast<unsigned>(parts.month + 1)),
                                         std::chrono::day(static_cast<unsigned>(parts.day))};
  if (!date.ok()) return std::nullopt;
  const std::chrono::sys_days days(date);
  if (std::chrono::weekday(days).c_encoding() != static_cast<unsigned>(parts.weekday)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(days.time_since_epoch().count()) * kSecondsPerDay +
         parts.hour * 3600 + parts.minute * 60 + parts.second;
}

std::optional<std::int64_t> http_date(std::string_view text,
                                      std::optional<std::int64_t> reference) {
  auto parts = read_imf_fixdate(text);
  if (!parts) parts = read_rfc850_date(text);
  if (!parts) parts = read_asctime_date(text);
  if (!parts) return std::nullopt;
  return unix_time(*parts, reference);
}

// Every value a known header arrived with, in order, under the server's
// spelling of its first occurrence.
struct Received {
  const KnownHeader* known = nullptr;
  std::string name;
  std::vector<std::string_view> values;
};

std::vector<Received> collect(const http::Headers& headers) {
  std::vector<Received> out;
  for (const auto& header : headers) {
    const auto* known = known_header(header.name);
    if (known == nullptr) continue;
    auto existing =
        std::find_if(out.begin(), out.end(), [&](const Received& r) { return r.known == known; });
    if (existing == out.end()) {
      out.push_back({known, header.name, {}});
      existing = std::prev(out.end());
    }
    existing->values.push_back(trim_ows(header.value));
  }
  return out;
}

// The one value of a header that is not a list: sent more than once, the
// copies must agree, or there is nothing to believe.
Result<std::string_view> single_value(const Received& received) {
  // Enough distinct values to show, and to know there are more.
  std::vector<std::string_view> distinct;
  for (const auto value : received.values) {
    if (std::find(distinct.begin(), distinct.end(), value) == distinct.end())
      distinct.push_back(value);
    if (distinct.size() > kMaxValuesShown) break;
  }
  if (distinct.size() == 1) return distinct.front();
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < distinct.size() && i < kMaxValuesShown; ++i)
    shown.push_back(util::quote(distinct[i]));
  if (distinct.size() > kMaxValuesShown) shown.emplace_back("...");
  return fail(kBadHeader,
              fmt::format("sent {} times with different values: {}", received.values.size(),
                          util::join(shown, ", ")),
              "a server sends this header once; two layers (the app and a proxy) may both "
              "add it");
}

const char* type_name(sf::Type type) {
  switch (type) {
    case sf::Type::integer:
      return "an integer";
    case sf::Type::decimal:
      return "a decimal";
    case sf::Type::string:
      return "a string";
    case sf::Type::token:
      return "a token";
    case sf::Type::bytes:
      return "a byte sequence";
    case sf::Type::boolean:
      return "a boolean";
  }
  return "an item";
}

tl::unexpected<Error> bad_structure(std::string_view what, std::string_view value,
                                    const Error& error) {
  return bad_value(fmt::format("not a structured-field {} ({})", what, error.message), value,
                   "the field follows RFC 9651 (Structured Field Values for HTTP)");
}

// pk, shown: printable text as it is, other bytes as base64.
std::string partition_key(const sf::BareItem& item) {
  const bool printable = std::all_of(item.text.begin(), item.text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (printable) return item.text;
  auto text = sf::serialize(item);
  return text.substr(1, text.size() - 2);
}

// A parameter's value in a problem: field syntax, which is printable ASCII,
// cut short when long.
std::string shown_item(const sf::BareItem& item) {
  constexpr std::size_t kMaxShown = 40;
  auto text = sf::serialize(item);
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

enum class Sign { non_negative, positive };

// A parameter that, when present, must be a non-negative or positive Integer.
Result<std::optional<std::int64_t>> integer_parameter(const sf::Parameters& parameters,
                                                      std::string_view key, Sign sign,
                                                      std::string_view owner,
                                                      std::string_view value) {
  const auto* item = sf::find_parameter(parameters, key);
  if (item == nullptr) return std::optional<std::int64_t>();
  const std::int64_t min = sign == Sign::positive ? 1 : 0;
  if (item->type != sf::Type::integer || item->integer < min) {
    return bad_value(fmt::format("{} has {}={}, not a {} integer", owner, key, shown_item(*item),
                                 sign == Sign::positive ? "positive" : "non-negative"),
                     value);
  }
  return std::optional<std::int64_t>(item->integer);
}

// A parameter that, when present, must be of `type`.
Result<const sf::BareItem*> typed_parameter(const sf::Parameters& parameters, std::string_view key,
                                            sf::Type type, std::string_view owner,
                                            std::string_view value) {
  const auto* item = sf::find_parameter(parameters, key);
  if (item != nullptr && item->type != type) {
    return bad_value(
        fmt::format("{} has {}={}, not {}", owner, key, shown_item(*item), type_name(type)), value);
  }
  return item;
}

// The policy name of a list member: an Item whose value is a String or Token.
Result<std::string> member_name(const sf::Member& member, std::size_t index,
                                std::string_view value) {
  if (member.is_inner_list) {
    return bad_value(fmt::format("member {} is an inner list, not a policy", index + 1), value);
  }
  const auto& bare = member.item.value;
  if (bare.type != sf::Type::string && bare.type != sf::Type::token) {
    return bad_value(
        fmt::format("member {} is {}, not a policy name", index + 1, type_name(bare.type)), value);
  }
  return bare.text;
}

Result<void> unique_name(const std::vector<Policy>& policies, const Policy& policy,
                         std::string_view value) {
  const auto same = [&](const Policy& p) { return !p.name.empty() && p.name == policy.name; };
  if (std::any_of(policies.begin(), policies.end(), same)) {
    return bad_value(fmt::format("policy {} is listed twice", util::quote(policy.name)), value);
  }
  return {};
}

// RateLimit-Policy: "name";q=100;w=60;qu="requests";pk=:...: (draft-08 on),
// or the -07 form 100;w=60, whose Integer is the quota.
Result<Policy> read_quota_policy(const sf::Member& member, std::size_t index,
                                 std::string_view value) {
  Policy policy;
  std::string owner;
  const auto& params = member.item.parameters;
  if (!member.is_inner_list && member.item.value.type == sf::Type::integer) {
    owner = fmt::format("policy {}", index + 1);
    if (member.item.value.integer < 0) {
      return bad_value(fmt::format("{} has a negative quota", owner), value);
    }
    policy.quota = member.item.value.integer;
  } else {
    auto name = member_name(member, index, value);
    if (!name) return tl::unexpected(name.error());
    policy.name = std::move(*name);
    owner = "policy " + util::quote(policy.name);
    auto quota = integer_parameter(params, "q", Sign::non_negative, owner, value);
    if (!quota) return tl::unexpected(quota.error());
    if (!*quota) return bad_value(fmt::format("{} has no quota (q)", owner), value);
    policy.quota = *quota;
    auto unit = typed_parameter(params, "qu", sf::Type::string, owner, value);
    if (!unit) return tl::unexpected(unit.error());
    if (*unit != nullptr) policy.quota_unit = (*unit)->text;
    auto key = typed_parameter(params, "pk", sf::Type::bytes, owner, value);
    if (!key) return tl::unexpected(key.error());
    if (*key != nullptr) policy.partition_key = partition_key(**key);
  }
  auto window = integer_parameter(params, "w", Sign::positive, owner, value);
  if (!window) return tl::unexpected(window.error());
  policy.window_s = *window;
  return policy;
}

Result<std::vector<Policy>> read_policy_field(std::string_view value) {
  auto list = sf::parse_list(value);
  if (!list) return bad_structure("list", value, list.error());
  if (list->empty()) return bad_value("an empty list names no policy", value);
  std::vector<Policy> policies;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto policy = read_quota_policy((*list)[i], i, value);
    if (!policy) return tl::unexpected(policy.error());
    auto unique = unique_name(policies, *policy, value);
    if (!unique) return tl::unexpected(unique.error());
    policies.push_back(std::move(*policy));
  }
  return policies;
}

// RateLimit in the draft-08 form: "name";r=50;t=30;pk=:...:, one per policy.
Result<std::vector<Policy>> read_service_limits(std::string_view value) {
  auto list = sf::parse_list(value);
  if (!list) return bad_structure("list", value, list.error());
  if (list->empty()) return bad_value("an empty list names no policy", value);
  std::vector<Policy> limits;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto name = member_name((*list)[i], i, value);
    if (!name) return tl::unexpected(name.error());
    Policy limit;
    limit.name = std::move(*name);
    const auto owner = "policy " + util::quote(limit.name);
    const auto& params = (*list)[i].item.parameters;
    auto remaining = integer_parameter(params, "r", Sign::non_negative, owner, value);
    if (!remaining) return tl::unexpected(remaining.error());
    if (!*remaining) return bad_value(fmt::format("{} has no remaining quota (r)", owner), value);
    limit.remaining = *remaining;
    auto reset = integer_parameter(params, "t", Sign::non_negative, owner, value);
    if (!reset) return tl::unexpected(reset.error());
    limit.reset_s = *reset;
    auto key = typed_parameter(params, "pk", sf::Type::bytes, owner, value);
    if (!key) return tl::unexpected(key.error());
    if (*key != nullptr) limit.partition_key = partition_key(**key);
    auto unique = unique_name(limits, limit, value);
    if (!unique) return tl::unexpected(unique.error());
    limits.push_back(std::move(limit));
  }
  return limits;
}

// RateLimit in the draft-07 form: a Dictionary limit=100, remaining=50, reset=30.
struct DictionaryLimit {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> reset_s;
};

Result<DictionaryLimit> read_dictionary_limit(std::string_view value) {
  auto dictionary = sf::parse_dictionary(value);
  if (!dictionary) return bad_structure("dictionary", value, dictionary.error());
  DictionaryLimit out;
  for (const auto& [key, member] : *dictionary) {
    auto* target = key == "limit"       ? &out.limit
                   : key == "remaining" ? &out.remaining
                   : key == "reset"     ? &out.reset_s
                                        : nullptr;
    if (target == nullptr) continue;
    if (member.is_inner_list || member.item.value.type != sf::Type::integer ||
        member.item.value.integer < 0) {
      return bad_value(fmt::format("{} is not a non-negative integer", key), value);
    }
    *target = member.item.value.integer;
  }
  if (!out.limit && !out.remaining && !out.reset_s) {
    return bad_value("none of limit, remaining, reset is given", value);
  }
  return out;
}

// Whether RateLimit is written as the -07 Dictionary: its first member is a
// key followed by '=', which no List can start with.
bool is_dictionary_form(std::string_view value) {
  std::size_t at = value.find_first_not_of(' ');
  if (at == std::string_view::npos) return false;
  if (!(value[at] >= 'a' && value[at] <= 'z') && value[at] != '*') return false;
  while (at < value.size() &&
         (std::string_view("abcdefghijklmnopqrstuvwxyz0123456789_-.*").find(value[at]) !=
          std::string_view::npos)) {
    ++at;
  }
  return at < value.size() && value[at] == '=';
}

// The draft-03 RateLimit-Limit list "100, 100;w=60, 1000;w=3600": the first
// member is the limit, the members with a window are policies.
struct LimitList {
  std::int64_t limit = 0;
  std::optional<std::int64_t> window_s;
  std::vector<Policy> policies;
};

Result<LimitList> read_limit_list(std::string_view value) {
  auto list = sf::parse_list(value);
  if (!list) return bad_structure("list", value, list.error());
  if (list->empty()) return bad_value("an empty list has no limit", value);
  LimitList out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& member = (*list)[i];
    if (member.is_inner_list || member.item.value.type != sf::Type::integer ||
        member.item.value.integer < 0) {
      return bad_value(fmt::format("member {} is not a non-negative integer", i + 1), value);
    }
    const auto owner = fmt::format("member {}", i + 1);
    auto window = integer_parameter(member.item.parameters, "w", Sign::positive, owner, value);
    if (!window) return tl::unexpected(window.error());
    if (i == 0) {
      out.limit = member.item.value.integer;
      out.window_s = *window;
    }
    if (*window) {
      Policy policy;
      policy.quota = member.item.value.integer;
      policy.window_s = *window;
      out.policies.push_back(std::move(policy));
    }
  }
  if (!out.window_s) {
    for (const auto& policy : out.policies) {
      if (policy.quota == out.limit) {
        out.window_s = policy.window_s;
        break;
      }
    }
  }
  return out;
}

Result<std::string> read_text(std::string_view value) {
  if (value.empty()) return bad_value("empty", value);
  if (value.size() > kMaxTextLength) {
    return bad_value(fmt::format("longer than {} bytes", kMaxTextLength), value);
  }
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!printable) return bad_value("not printable text", value);
  return std::string(value);
}

ResetTime delta_reset(double seconds, std::int64_t now_unix) {
  return {TimeForm::delta_seconds, seconds,
          now_unix + static_cast<std::int64_t>(std::floor(seconds))};
}

// What one dialect's well-formed fields say.
struct Figures {
  bool well_formed = false;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> used;
  std::optional<ResetTime> reset;
  std::optional<std::int64_t> window_s;
  std::vector<Policy> policy;
};

// The IETF fields, read separately and then joined by policy name.
struct IetfFields {
  std::optional<std::vector<Policy>> policies;
  std::optional<std::vector<Policy>> limits;
  std::optional<DictionaryLimit> dictionary;
};

Policy& policy_named(std::vector<Policy>& policies, const std::string& name) {
  const auto found = std::find_if(policies.begin(), policies.end(),
                                  [&](const Policy& p) { return p.name == name; });
  if (found != policies.end()) return *found;
  Policy policy;
  policy.name = name;
  policies.push_back(std::move(policy));
  return policies.back();
}

// Moves the policy at `index` to the front, keeping the others in order.
void bring_first(std::vector<Policy>& policies, std::size_t index) {
  std::rotate(policies.begin(), policies.begin() + static_cast<std::ptrdiff_t>(index),
              policies.begin() + static_cast<std::ptrdiff_t>(index) + 1);
}

Figures join_ietf(const IetfFields& ietf, std::int64_t now_unix) {
  Figures figures;
  figures.well_formed = ietf.policies || ietf.limits || ietf.dictionary;
  auto& policies = figures.policy;
  if (ietf.policies) policies = *ietf.policies;
  if (ietf.limits) {
    for (const auto& limit : *ietf.limits) {
      auto& policy = policy_named(policies, limit.name);
      policy.remaining = limit.remaining;
      policy.reset_s = limit.reset_s;
      if (limit.partition_key) policy.partition_key = limit.partition_key;
    }
  }
  if (ietf.dictionary) {
    const auto& dictionary = *ietf.dictionary;
    const auto matching = std::find_if(policies.begin(), policies.end(), [&](const Policy& p) {
      return dictionary.limit && p.quota == dictionary.limit;
    });
    if (matching != policies.end()) {
      matching->remaining = dictionary.remaining;
      matching->reset_s = dictionary.reset_s;
      bring_first(policies, static_cast<std::size_t>(matching - policies.begin()));
      figures.window_s = policies.front().window_s;
    }
    figures.limit = dictionary.limit;
    figures.remaining = dictionary.remaining;
    if (dictionary.reset_s)
      figures.reset = delta_reset(static_cast<double>(*dictionary.reset_s), now_unix);
    return figures;
  }
  if (policies.empty()) return figures;
  // The binding policy: the fewest remaining, the first of equals.
  std::size_t binding = 0;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto& remaining = policies[i].remaining;
    const auto& fewest = policies[binding].remaining;
    if (remaining && (!fewest || *remaining < *fewest)) binding = i;
  }
  bring_first(policies, binding);
  const auto& first = policies.front();
  figures.limit = first.quota;
  figures.remaining = first.remaining;
  figures.window_s = first.window_s;
  if (first.reset_s) figures.reset = delta_reset(static_cast<double>(*first.reset_s), now_unix);
  return figures;
}

// The response's own clock, when its Date header is a valid HTTP-date.
std::int64_t response_time(const http::Headers& headers, std::int64_t received_at) {
  for (const auto& header : headers) {
    if (util::iequals(header.name, "Date")) {
      return http_date(trim_ows(header.value), received_at).value_or(received_at);
    }
  }
  return received_at;
}

// The draft-06 RateLimit-Policy beside RateLimit-Limit: its policies, and
// the window of the one whose quota is the limit.
void add_draft_policies(Figures& draft, std::vector<Policy> policies) {
  for (auto& policy : policies) {
    if (!draft.window_s && draft.limit && policy.quota == draft.limit) {
      draft.window_s = policy.window_s;
    }
    draft.policy.push_back(std::move(policy));
  }
}

// Reads one header into its dialect's figures (or the IETF fields, or the
// response-wide values), or says what is wrong with it.
class Reader {
 public:
  Reader(RateLimitHeaders& out, std::int64_t now_unix) : out_(out), now_(now_unix) {}

  Result<void> read(const Received& received) {
    const auto role = received.known->role;
    if (role == Role::ietf_policy || role == Role::ietf_limit) {
      std::vector<std::string> values(received.values.begin(), received.values.end());
      return read_ietf(role, util::join(values, ", "));
    }
    auto value = single_value(received);
    if (!value) return tl::unexpected(value.error());
    if (role == Role::retry_after) return store(parse_retry_after(*value, now_), out_.retry_after);
    auto& figures = figures_of(received.known->dialect);
    auto done = read_single(role, *value, figures);
    // A resource or scope names no figure: alone, it does not make a dialect.
    if (done && role != Role::resource && role != Role::scope) figures.well_formed = true;
    return done;
  }

  // One of kDialects.
  Figures& figures_of(std::string_view dialect) {
    const auto at = std::find(kDialects.begin(), kDialects.end(), dialect);
    return figures_[static_cast<std::size_t>(at - kDialects.begin())];
  }

  // Joins what needs every field read first. RateLimit-Policy goes with the
  // draft headers when it came with them and without RateLimit: draft-06 sent
  // RateLimit-Limit, -Remaining, -Reset and RateLimit-Policy together.
  void finish() {
    auto& draft = figures_of("draft");
    const bool with_draft = !ietf_.limits && !ietf_.dictionary && draft.well_formed;
    if (with_draft) {
      for (auto& field : out_.fields) {
        if (util::iequals(field.name, "RateLimit-Policy")) field.dialect = "draft";
      }
      if (policy_field_) add_draft_policies(draft, std::move(*policy_field_));
    } else {
      ietf_.policies = std::move(policy_field_);
    }
    figures_of("ietf") = join_ietf(ietf_, now_);
  }

 private:
  Result<void> read_ietf(Role role, const std::string& value) {
    if (role == Role::ietf_policy) {
      auto policies = read_policy_field(value);
      if (!policies) return tl::unexpected(policies.error());
      policy_field_ = std::move(*policies);
    } else if (is_dictionary_form(value)) {
      auto dictionary = read_dictionary_limit(value);
      if (!dictionary) return tl::unexpected(dictionary.error());
      ietf_.dictionary = *dictionary;
    } else {
      auto limits = read_service_limits(value);
      if (!limits) return tl::unexpected(limits.error());
      ietf_.limits = std::move(*limits);
    }
    return {};
  }

  Result<void> read_single(Role role, std::string_view value, Figures& figures) {
    switch (role) {
      case Role::draft_limit:
        return read_draft_limit(value, figures);
      case Role::limit:
        return store(parse_count(value), figures.limit);
      case Role::remaining:
        return store(parse_count(value), figures.remaining);
      case Role::used:
        return store(parse_count(value), figures.used);
      case Role::reset:
        return store(parse_reset(value, now_), figures.reset);
      case Role::resource:
        return store(read_text(value), out_.resource);
      case Role::scope:
        return store(read_text(value), out_.scope);
      case Role::ietf_policy:
      case Role::ietf_limit:
      case Role::retry_after:
        break;
    }
    return {};
  }

  template <typename T>
  static Result<void> store(Result<T> parsed, std::optional<T>& target) {
    if (!parsed) return tl::unexpected(parsed.error());
    target = std::move(*parsed);
    return {};
  }

  static Result<void> read_draft_limit(std::string_view value, Figures& figures) {
    auto count = parse_count(value);
    if (count || value.find_first_of(",;") == std::string_view::npos) {
      return store(std::move(count), figures.limit);
    }
    auto list = read_limit_list(value);
    if (!list) return tl::unexpected(list.error());
    figures.limit = list->limit;
    figures.window_s = list->window_s;
    figures.policy = std::move(list->policies);
    return {};
  }

  RateLimitHeaders& out_;
  std::int64_t now_;
  std::array<Figures, kDialects.size()> figures_;
  IetfFields ietf_;
  std::optional<std::vector<Policy>> policy_field_;  // RateLimit-Policy, well-formed
};

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  return util::to_lower(text).find(part) != std::string::npos;
}

}  // namespace

bool RateLimitHeaders::has_problems() const {
  return std::any_of(fields.begin(), fields.end(),
                     [](const HeaderField& field) { return field.problem.has_value(); });
}

RateLimitHeaders parse_rate_limit_headers(const http::Headers& headers, std::int64_t received_at) {
  RateLimitHeaders out;
  const auto now = response_time(headers, received_at);
  Reader reader(out, now);
  const auto received = collect(headers);
  for (const auto& header : received) {
    std::vector<std::string> values(header.values.begin(), header.values.end());
    HeaderField field{header.name, util::join(values, ", "), std::string(header.known->dialect),
                      std::nullopt};
    auto read = reader.read(header);
    if (!read) field.problem = read.error().message;
    out.fields.push_back(std::move(field));
  }
  reader.finish();
  for (const auto dialect : kDialects) {
    const bool present = std::any_of(out.fields.begin(), out.fields.end(),
                                     [&](const HeaderField& f) { return f.dialect == dialect; });
    if (present) out.dialects_found.emplace_back(dialect);
    auto& figures = reader.figures_of(dialect);
    if (out.dialect != "none" || !figures.well_formed) continue;
    out.dialect = std::string(dialect);
    out.limit = figures.limit;
    out.remaining = figures.remaining;
    out.used = figures.used;
    out.reset = figures.reset;
    out.window_s = figures.window_s;
    out.policy = std::move(figures.policy);
  }
  return out;
}

Result<std::int64_t> parse_delta_seconds(std::string_view text) {
  if (!all_digits(text)) {
    return bad_value("not delta seconds (digits only)", text,
                     "delta seconds are a whole number of seconds, such as 120");
  }
  if (text.size() > kMaxDeltaDigits) {
    return bad_value(fmt::format("not delta seconds (more than {} digits)", kMaxDeltaDigits), text);
  }
  return digits_value(text);
}

Result<std::int64_t> parse_count(std::string_view text) {
  const auto hint = "a count is a non-negative whole number, such as 42";
  if (text.empty()) return bad_value("not a count (empty)", text, hint);
  if (text.front() == '-' || text.front() == '+') {
    return bad_value("not a count (a count has no sign)", text, hint);
  }
  if (!all_digits(text)) return bad_value("not a count", text, hint);
  if (text.size() > kMaxCountDigits) {
    return bad_value(fmt::format("not a count (more than {} digits)", kMaxCountDigits), text, hint);
  }
  return digits_value(text);
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  return http_date(text, std::nullopt);
}

Result<ResetTime> parse_reset(std::string_view text, std::int64_t now_unix) {
  const auto hint =
      "a reset is seconds from now, or a Unix time in seconds or milliseconds, such as 30";
  const auto dot = std::min(text.find('.'), text.size());
  const auto whole = text.substr(0, dot);
  const auto fraction = dot < text.size() ? text.substr(dot + 1) : std::string_view("0");
  if (!all_digits(whole) || !all_digits(fraction)) {
    return bad_value("not a reset time", text, hint);
  }
  if (whole.size() > kMaxCountDigits || fraction.size() > kMaxFractionDigits) {
    return bad_value(fmt::format("not a reset time (more than {} digits, or {} after '.')",
                                 kMaxCountDigits, kMaxFractionDigits),
                     text, hint);
  }
  const auto integer = digits_value(whole);
  const double value =
      static_cast<double>(integer) + static_cast<double>(digits_value(fraction)) /
                                         std::pow(10.0, static_cast<double>(fraction.size()));
  if (integer < kUnixSecondsFrom) return delta_reset(value, now_unix);
  const bool milliseconds = integer >= kUnixMillisecondsFrom;
  const double unix_value = milliseconds ? value / 1000 : value;
  return ResetTime{milliseconds ? TimeForm::unix_milliseconds : TimeForm::unix_seconds,
                   unix_value - static_cast<double>(now_unix),
                   static_cast<std::int64_t>(std::floor(unix_value))};
}

Result<ResetTime> parse_retry_after(std::string_view text, std::int64_t now_unix) {
  if (all_digits(text)) {
    auto seconds = parse_delta_seconds(text);
    if (!seconds) return tl::unexpected(seconds.error());
    return delta_reset(static_cast<double>(*seconds), now_unix);
  }
  const auto date = http_date(text, now_unix);
  if (!date) {
    return bad_value("not delta seconds or an HTTP-date", text,
                     "Retry-After is seconds (120) or a date (Sun, 06 Nov 1994 08:49:37 GMT)");
  }
  return ResetTime{TimeForm::http_date, static_cast<double>(*date - now_unix), *date};
}

bool is_limited(long status, const RateLimitHeaders& headers) {
  if (status == 429) return true;
  if (status != 403 && status != 503) return false;
  const bool retry_after = headers.retry_after.has_value();  // well formed: a guess is no signal
  const bool exhausted =
      headers.remaining == 0 || std::any_of(headers.policy.begin(), headers.policy.end(),
                                            [](const Policy& p) { return p.remaining == 0; });
  return retry_after || exhausted;
}

namespace {

// A policy name split into its words: "per-ip" -> per, ip; "PerUser" -> Per, User.
std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words(1);
  char previous = ' ';
  for (const char c : name) {
    const bool separator = c == '-' || c == '_' || c == '.' || c == ' ' || c == '/' || c == ':';
    const bool camel_hump = std::isupper(static_cast<unsigned char>(c)) != 0 &&
                            std::islower(static_cast<unsigned char>(previous)) != 0;
    if ((separator || camel_hump) && !words.back().empty()) words.emplace_back();
    if (!separator) words.back() += c;
    previous = c;
  }
  return words;
}

}  // namespace

std::vector<std::string> keyed_on_hints(const RateLimitHeaders& headers,
                                        const http::Headers& request_headers) {
  std::vector<std::string> hints;
  const auto add = [&](std::string hint) {
    if (std::find(hints.begin(), hints.end(), hint) == hints.end())
      hints.push_back(std::move(hint));
  };
  for (const auto& policy : headers.policy) {
    if (policy.partition_key) {
      add(fmt::format("the server names a partition key \"{}\" (pk), so each key has its own quota",
                      *policy.partition_key));
    }
  }
  if (headers.resource) {
    add(fmt::format("X-RateLimit-Resource is \"{}\": limits are per resource", *headers.resource));
  }
  if (headers.scope) add(fmt::format("X-RateLimit-Scope is \"{}\"", *headers.scope));
  // Whole words of the name ("per-ip", "user_quota"), so "monkey" says nothing.
  static constexpr std::array<std::string_view, 6> kKeyWords = {"ip",  "user",    "key",
                                                                "org", "account", "client"};
  for (const auto& policy : headers.policy) {
    const auto words = name_words(policy.name);
    const bool telling = std::any_of(kKeyWords.begin(), kKeyWords.end(), [&](auto word) {
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& part) { return util::iequals(part, word); });
    });
    if (telling) {
      add(fmt::format("policy \"{}\" (the name suggests what it is keyed on)", policy.name));
    }
  }
  std::vector<std::string> credentials;
  for (const auto& header : request_headers) {
    const bool credential = util::iequals(header.name, "Authorization") ||
                            util::iequals(header.name, "Cookie") ||
                            contains_ignoring_case(header.name, "api-key") ||
                            contains_ignoring_case(header.name, "apikey") ||
                            contains_ignoring_case(header.name, "token");
    const auto name = util::printable(header.name);
    const bool listed = std::any_of(credentials.begin(), credentials.end(),
                                    [&](const std::string& c) { return util::iequals(c, name); });
    if (credential && !listed) credentials.push_back(name);
  }
  if (!credentials.empty()) {
    add(
        fmt::format("the request carried {}: a limit keyed on {} is per credential; probe with "
                    "another key to compare",
                    util::join(credentials, " and "), credentials.size() == 1 ? "it" : "them"));
  }
  return hints;
}

const char* time_form_name(TimeForm form) {
  switch (form) {
    case TimeForm::delta_seconds:
      return "delta_seconds";
    case TimeForm::unix_seconds:
      return "unix_seconds";
    case TimeForm::unix_milliseconds:
      return "unix_milliseconds";
    case TimeForm::http_date:
      return "http_date";
  }
  return "delta_seconds";
}

}  // namespace reqscope::ratelimit
