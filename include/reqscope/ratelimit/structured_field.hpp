#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reqscope/error.hpp"

// Structured Field Values for HTTP (RFC 9651): the Lists and Dictionaries the
// IETF RateLimit and RateLimit-Policy fields are written in. Parsing is strict,
// as the RFC asks: any deviation fails the whole field, and the error says
// where (byte offset) and what was expected.
namespace reqscope::ratelimit::sf {

// Fields longer than this are refused before parsing: no real rate-limit
// field comes near it, and it bounds the work a hostile server can cause.
inline constexpr std::size_t kMaxFieldLength = 8192;

enum class Type { integer, decimal, string, token, bytes, boolean };

struct BareItem {
  Type type = Type::integer;
  std::int64_t integer = 0;  // integer (at most 15 digits, as the RFC says)
  double decimal = 0;        // decimal
  std::string text;          // string, token, or the decoded bytes of a byte sequence
  bool boolean = false;      // boolean
};

using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters parameters;
};

// A List or Dictionary member: an Item, or an Inner List with its own parameters.
struct Member {
  bool is_inner_list = false;
  Item item;                // when !is_inner_list
  std::vector<Item> inner;  // when is_inner_list
  Parameters parameters;    // the inner list's parameters
};

using List = std::vector<Member>;
using Dictionary = std::vector<std::pair<std::string, Member>>;

// Errors have kind "bad_structured_field" and a message such as
// "at byte 7: expected ',' or end of field, found ';'".
Result<List> parse_list(std::string_view text);
Result<Dictionary> parse_dictionary(std::string_view text);

// The parameter named `key`, or nullptr (the last one wins when repeated, as
// the RFC's parsing algorithm keeps only one).
const BareItem* find_parameter(const Parameters& parameters, std::string_view key);

// The item written back in field syntax, for display: 60, "default", :cHJvYmU=:, ?1.
std::string serialize(const BareItem& item);

}  // namespace reqscope::ratelimit::sf
