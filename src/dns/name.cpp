#include "reqscope/dns/name.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>

#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxName = 253;  // 255 wire octets minus the length and root octets

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

Result<std::string> validate_name(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return fail("bad_option", "DNS name " + util::quote(text) + ": " + why,
                "use letters, digits, '-' and '_', e.g. www.example.com; "
                "internationalised names in their xn-- form");
  };
  if (text == ".") return std::string(".");
  if (text.empty()) return bad("is empty");
  std::string_view name = text;
  if (name.back() == '.') name.remove_suffix(1);
  if (name.size() > kMaxName) {
    return bad("is " + std::to_string(name.size()) + " characters long; the limit is 253");
  }
  for (const auto label : util::split(name, '.')) {
    if (label.empty()) return bad("has an empty label (two dots in a row, or a leading dot)");
    if (label.size() > kMaxLabel) {
      return bad("has a label of " + std::to_string(label.size()) + " characters; the limit is 63");
    }
    if (label == "*") continue;
    for (const char c : label) {
      if (!is_name_character(c)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) return bad("contains non-ASCII characters");
        char shown[8];
        std::snprintf(shown, sizeof shown, byte < 0x20 || byte == 0x7F ? "0x%02X" : "'%c'", byte);
        return bad(std::string("contains the character ") + shown);
      }
    }
  }
  return std::string(name);
}

Result<std::string> reverse_name(std::string_view address) {
  const std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    return std::to_string(bytes[3]) + "." + std::to_string(bytes[2]) + "." +
           std::to_string(bytes[1]) + "." + std::to_string(bytes[0]) + ".in-addr.arpa";
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string name;
    for (int i = 15; i >= 0; --i) {
      name += kDigits[bytes[i] & 0xF];
      name += '.';
      name += kDigits[bytes[i] >> 4];
      name += '.';
    }
    return name + "ip6.arpa";
  }
  return fail("bad_option", "-x value " + util::quote(address) + ": not an IPv4 or IPv6 address",
              "give the address to look up, e.g. -x 192.0.2.1 or -x 2001:db8::1");
}

bool is_within(std::string_view name, std::string_view zone) {
  if (zone == "." || zone.empty()) return true;
  if (name.size() < zone.size()) return false;
  if (!util::iequals(name.substr(name.size() - zone.size()), zone)) return false;
  return name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.';
}

int label_count(std::string_view name) {
  if (name == "." || name.empty()) return 0;
  int count = 1;
  for (const char c : name) {
    if (c == '.') ++count;
  }
  return count;
}

}  // namespace reqscope::dns
