// Fuzz target for reqscope::dns::parse_message(). Any input must either parse
// or fail with a "dns_malformed" error; a parsed message must also satisfy the
// invariants below. A broken invariant aborts, which libFuzzer (and the replay
// test) report as a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "reqscope/dns/message.hpp"
#include "reqscope/dns/name.hpp"

namespace {

namespace dns = reqscope::dns;

// 255 wire octets hold at most 250 label octets (labels of 63, 63, 63 and 61);
// each can take 4 characters as \DDD, plus the 3 dots between the labels.
constexpr std::size_t kMaxPresentationName = 250 * 4 + 3;

[[noreturn]] void invariant_failed(const char* what) {
  std::fprintf(stderr, "dns_message_fuzz: invariant failed: %s\n", what);
  std::abort();
}

void check(bool holds, const char* what) {
  if (!holds) invariant_failed(what);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The wire size of a presentation-form name as parse_message() writes it
// (labels joined by '.', with '.' and '\' escaped as \. and \\ and other
// unprintable octets as \DDD; the root is "."), or nullopt when the text is not
// in that form: an empty label, a label over 63 octets, a broken escape.
std::optional<std::size_t> wire_size(std::string_view name) {
  if (name == ".") return 1;
  std::size_t total = 1;  // the root octet
  std::size_t label = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '.') {
      if (label == 0) return std::nullopt;
      total += 1 + label;
      label = 0;
      continue;
    }
    if (name[i] == '\\') {
      if (i + 1 >= name.size()) return std::nullopt;
      if (is_digit(name[i + 1])) {
        if (i + 3 >= name.size() || !is_digit(name[i + 2]) || !is_digit(name[i + 3])) {
          return std::nullopt;
        }
        const int value =
            (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (value > 255) return std::nullopt;
        i += 3;
      } else {
        i += 1;
      }
    }
    if (++label > 63) return std::nullopt;
  }
  if (label == 0) return std::nullopt;
  return total + 1 + label;
}

void check_name(const std::string& name) {
  check(!name.empty(), "names are not empty");
  check(name.size() <= kMaxPresentationName, "names fit 255 wire octets in presentation form");
  const auto size = wire_size(name);
  check(size.has_value(), "names are in presentation form");
  check(*size <= 255, "names are at most 255 wire octets");
}

void check_records(const std::vector<dns::Record>& records) {
  for (const auto& record : records) {
    check_name(record.name);
    check(record.type != dns::type::opt, "OPT records are not listed as records");
  }
}

bool same_header(const dns::Header& a, const dns::Header& b) {
  return a.id == b.id && a.qr == b.qr && a.opcode == b.opcode && a.aa == b.aa && a.tc == b.tc &&
         a.rd == b.rd && a.ra == b.ra && a.ad == b.ad && a.cd == b.cd && a.rcode == b.rcode;
}

bool same_records(const std::vector<dns::Record>& a, const std::vector<dns::Record>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type || a[i].klass != b[i].klass ||
        a[i].ttl != b[i].ttl || a[i].data != b[i].data) {
      return false;
    }
  }
  return true;
}

bool same_message(const dns::Message& a, const dns::Message& b) {
  if (!same_header(a.header, b.header) || a.questions.size() != b.questions.size()) return false;
  for (std::size_t i = 0; i < a.questions.size(); ++i) {
    if (a.questions[i].name != b.questions[i].name || a.questions[i].type != b.questions[i].type ||
        a.questions[i].klass != b.questions[i].klass) {
      return false;
    }
  }
  return same_records(a.answers, b.answers) && same_records(a.authorities, b.authorities) &&
         same_records(a.additionals, b.additionals) && a.edns_udp_size == b.edns_udp_size;
}

std::uint16_t u16_at(std::span<const std::uint8_t> wire, std::size_t offset) {
  return static_cast<std::uint16_t>((wire[offset] << 8) | wire[offset + 1]);
}

// When the first question's name is one a user could type, a query for it
// built by build_query() must parse back to the same question.
void check_query_round_trip(const dns::Message& message) {
  if (message.questions.empty()) return;
  const auto& question = message.questions.front();
  const auto name = dns::validate_name(question.name);
  if (!name) return;
  check(*name == question.name, "validate_name() keeps a parsed name as it is");
  dns::QueryFlags flags;
  flags.id = message.header.id;
  flags.recursion_desired = message.header.rd;
  flags.edns_udp_size = message.edns_udp_size.value_or(0);
  const auto query = dns::build_query(*name, question.type, flags);
  const auto parsed = dns::parse_message(query);
  check(parsed.has_value(), "a query built from a parsed question name parses");
  check(parsed->questions.size() == 1 && parsed->questions[0].name == *name &&
            parsed->questions[0].type == question.type && parsed->questions[0].klass == 1,
        "a built query carries its question");
  check(parsed->header.id == flags.id && !parsed->header.qr &&
            parsed->header.rd == flags.recursion_desired && parsed->header.rcode == 0,
        "a built query carries its header");
  check(parsed->answers.empty() && parsed->authorities.empty() && parsed->additionals.empty(),
        "a built query has no records");
  const std::optional<std::uint16_t> edns =
      flags.edns_udp_size != 0 ? std::optional<std::uint16_t>(flags.edns_udp_size) : std::nullopt;
  check(parsed->edns_udp_size == edns, "a built query carries its EDNS payload size");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> wire(data, size);
  const auto message = dns::parse_message(wire);
  if (!message) {
    check(message.error().kind == "dns_malformed", "parse errors are kind dns_malformed");
    check(message.error().message.starts_with("malformed DNS message: "),
          "parse errors say the message is malformed");
    return 0;
  }

  check(wire.size() >= 12, "a parsed message has a header");
  check(message->header.id == u16_at(wire, 0), "the ID is the first header field");
  check(message->questions.size() == u16_at(wire, 4), "every counted question is parsed");
  check(message->answers.size() == u16_at(wire, 6), "every counted answer is parsed");
  check(message->authorities.size() == u16_at(wire, 8), "every counted authority is parsed");
  check(message->additionals.size() + (message->edns_udp_size ? 1U : 0U) == u16_at(wire, 10),
        "every counted additional record is parsed");
  for (const auto& question : message->questions)
    check_name(question.name);
  check_records(message->answers);
  check_records(message->authorities);
  check_records(message->additionals);

  const auto again = dns::parse_message(wire);
  check(again.has_value() && same_message(*message, *again), "parsing is deterministic");

  check_query_round_trip(*message);
  return 0;
}
