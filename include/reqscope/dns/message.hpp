#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reqscope/error.hpp"

namespace reqscope::dns {

// RFC 1035 §4.1.1 header fields, plus the AD and CD bits of RFC 4035.
struct Header {
  std::uint16_t id = 0;
  bool qr = false;  // a response
  std::uint8_t opcode = 0;
  bool aa = false;          // authoritative answer
  bool tc = false;          // truncated: the full answer needs TCP
  bool rd = false;          // recursion desired
  bool ra = false;          // recursion available
  bool ad = false;          // authentic data (DNSSEC-validated by the resolver)
  bool cd = false;          // checking disabled
  std::uint16_t rcode = 0;  // with the EDNS extended bits when an OPT record carried them
};

struct Question {
  std::string name;  // presentation form, no trailing dot; the root is "."
  std::uint16_t type = 0;
  std::uint16_t klass = 1;
};

struct Record {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t klass = 1;
  std::uint32_t ttl = 0;
  // Presentation form: an address for A/AAAA, a name for NS/CNAME/PTR, "10 mail.example"
  // for MX, quoted strings for TXT, ...; unknown types as RFC 3597 "\# LEN HEX".
  std::string data;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> answers;
  std::vector<Record> authorities;
  std::vector<Record> additionals;             // without the EDNS OPT pseudo-record
  std::optional<std::uint16_t> edns_udp_size;  // set when an OPT record was present
};

// Parses a DNS message. Every read is bounds-checked; compression pointers must
// point backwards, names and labels keep to 255 and 63 octets, and counts that
// cannot fit the message are errors. Errors are kind "dns_malformed" and say
// what is wrong and at which octet.
Result<Message> parse_message(std::span<const std::uint8_t> wire);

struct QueryFlags {
  std::uint16_t id = 0;
  bool recursion_desired = true;
  // 0: no OPT record (classic 512-octet UDP limit); otherwise the EDNS0 UDP payload size.
  std::uint16_t edns_udp_size = 1232;
};

// Encodes a one-question query for `name` (a name validate_name() accepted).
std::vector<std::uint8_t> build_query(std::string_view name, std::uint16_t type,
                                      const QueryFlags& flags);

// Encodes a whole message, names uncompressed, with an OPT record when
// edns_udp_size is set. Record data is read from its presentation form for A,
// AAAA, NS, CNAME, PTR, MX, SOA, TXT and RFC 3597 "\# LEN HEX"; anything else,
// or data that does not parse, is an error of kind "bad_option" naming the record.
Result<std::vector<std::uint8_t>> encode_message(const Message& message);

// Record types by mnemonic ("A", "MX", ...; case-insensitive, also "TYPE65").
std::optional<std::uint16_t> type_code(std::string_view mnemonic);
// "A", "MX", ...; "TYPE65" for types without a mnemonic here.
std::string type_name(std::uint16_t type);
// "NOERROR", "NXDOMAIN", ...; "RCODE23" for the rest.
std::string rcode_name(std::uint16_t rcode);

namespace rcode {
inline constexpr std::uint16_t noerror = 0;
inline constexpr std::uint16_t formerr = 1;
inline constexpr std::uint16_t servfail = 2;
inline constexpr std::uint16_t nxdomain = 3;
inline constexpr std::uint16_t notimp = 4;
inline constexpr std::uint16_t refused = 5;
}  // namespace rcode

namespace type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ns = 2;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t soa = 6;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t mx = 15;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t opt = 41;
inline constexpr std::uint16_t any = 255;
inline constexpr std::uint16_t caa = 257;
}  // namespace type

}  // namespace reqscope::dns
