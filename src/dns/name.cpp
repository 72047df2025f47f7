#include "reqscope/dns/name.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
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

std::vector<std::string> labels_of(std::string_view name) {
  std::vector<std::string> labels;
  if (name == "." || name.empty()) return labels;
  std::string label;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      labels.push_back(std::move(label));
      label.clear();
    } else if (c == '\\' && i + 3 < name.size() &&
               std::isdigit(static_cast<unsigned char>(name[i + 1])) &&
               std::isdigit(static_cast<unsigned char>(name[i + 2])) &&
               std::isdigit(static_cast<unsigned char>(name[i + 3]))) {
      label += static_cast<char>((name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 +
                                 (name[i + 3] - '0'));
      i += 3;
    } else if (c == '\\' && i + 1 < name.size()) {
      label += name[++i];
    } else {
      label += c;
    }
  }
  if (!label.empty()) labels.push_back(std::move(label));
  return labels;
}

bool is_within(std::string_view name, std::string_view zone) {
  const auto labels = labels_of(name);
  const auto zone_labels = labels_of(zone);
  if (zone_labels.size() > labels.size()) return false;
  return std::equal(zone_labels.rbegin(), zone_labels.rend(), labels.rbegin(),
                    [](const std::string& a, const std::string& b) { return util::iequals(a, b); });
}

int label_count(std::string_view name) {
  return static_cast<int>(labels_of(name).size());
}

}  // namespace reqscope::dns
