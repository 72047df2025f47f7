#include "reqscope/jwt/json.hpp"

#include <set>
#include <string>
#include <vector>

#include "reqscope/util/text.hpp"

namespace reqscope::jwt {

namespace {

// The deepest nesting in `text`, counting brackets outside strings; checked
// before parsing so a hostile document never builds a deep tree.
int nesting_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<Json> parse_value(std::string_view text, std::string_view what) {
  const std::string subject(what);
  if (text.starts_with("\xEF\xBB\xBF")) {
    return fail("malformed", subject + " starts with a byte-order mark, which JSON forbids");
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail("malformed", subject + " has a NUL byte at offset " + std::to_string(nul) +
                                 "; some parsers stop reading there, so a verifier must refuse it");
  }
  if (nesting_depth(text) > kMaxJsonDepth) {
    return fail("malformed",
                subject + " nests JSON deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  std::vector<std::set<std::string>> keys_by_level;
  std::string duplicate;
  const Json::parser_callback_t track_keys = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        keys_by_level.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys_by_level.empty()) keys_by_level.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys_by_level.empty() &&
            !keys_by_level.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), track_keys);
  } catch (const Json::parse_error& error) {
    return fail("malformed",
                subject + " is not valid JSON (at byte " + std::to_string(error.byte) + ")");
  } catch (const Json::exception& error) {
    std::string reason = error.what();
    // nlohmann's messages start "[json.exception.parse_error.101] parse error at ...".
    if (const auto bracket = reason.find("] "); bracket != std::string::npos) {
      reason = reason.substr(bracket + 2);
    }
    return fail("malformed", subject + " is not valid JSON: " + util::printable(reason));
  }
  if (!duplicate.empty()) {
    return fail("malformed",
                subject + " has the member " + util::quote(duplicate) + " twice; " +
                    "parsers disagree on which one counts, so a verifier must refuse it");
  }
  return value;
}

Result<Json> parse_object(std::string_view text, std::string_view what) {
  auto value = parse_value(text, what);
  if (value && !value->is_object()) {
    return fail("malformed", std::string(what) + " is a JSON " + std::string(value->type_name()) +
                                 ", not an object");
  }
  return value;
}

}  // namespace reqscope::jwt
