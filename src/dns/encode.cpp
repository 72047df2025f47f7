#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include "reqscope/dns/message.hpp"
#include "reqscope/dns/name.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

using Bytes = std::vector<std::uint8_t>;

void put_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put_u32(Bytes& out, std::uint32_t value) {
  put_u16(out, static_cast<std::uint16_t>(value >> 16));
  put_u16(out, static_cast<std::uint16_t>(value & 0xFFFF));
}

// Writes a presentation-form name (escapes undone). Labels over 63 octets are
// cut there: the parser never produces them, and validate_name() refuses them.
void put_name(Bytes& out, std::string_view name) {
  constexpr std::size_t kMaxLabel = 63;
  for (const auto& label : labels_of(name)) {
    if (label.empty()) continue;
    const auto size = std::min(label.size(), kMaxLabel);
    out.push_back(static_cast<std::uint8_t>(size));
    out.insert(out.end(), label.begin(), label.begin() + static_cast<long>(size));
  }
  out.push_back(0);
}

Result<void> put_number(Bytes& out, std::string_view text, bool wide) {
  auto value = util::parse_integer(text, 0, wide ? 0xFFFFFFFFL : 0xFFFF, "record field");
  if (!value) return tl::unexpected(value.error());
  if (wide) {
    put_u32(out, static_cast<std::uint32_t>(*value));
  } else {
    put_u16(out, static_cast<std::uint16_t>(*value));
  }
  return {};
}

Result<Bytes> address_data(const std::string& data, int family) {
  Bytes out(family == AF_INET ? 4 : 16);
  if (inet_pton(family, data.c_str(), out.data()) != 1) {
    return fail("bad_option", "not an address");
  }
  return out;
}

// TXT data as written by the parser: quoted strings separated by spaces.
Result<Bytes> txt_data(std::string_view data) {
  Bytes out;
  while (!data.empty()) {
    if (data.front() == ' ') {
      data.remove_prefix(1);
      continue;
    }
    if (data.front() != '"') return fail("bad_option", "TXT strings must be quoted");
    std::string text;
    std::size_t i = 1;
    for (; i < data.size() && data[i] != '"'; ++i) {
      if (data[i] == '\\' && i + 1 < data.size()) ++i;
      text += data[i];
    }
    if (i >= data.size() || text.size() > 255) return fail("bad_option", "bad TXT string");
    out.push_back(static_cast<std::uint8_t>(text.size()));
    out.insert(out.end(), text.begin(), text.end());
    data.remove_prefix(i + 1);
  }
  return out;
}

Result<Bytes> hex_data(std::string_view data) {
  const auto fields = util::split(data, ' ');
  if (fields.size() < 2 || fields.size() > 3 || fields[0] != "\\#") {
    return fail("bad_option", "unsupported type without \\# data");
  }
  auto length = util::parse_integer(fields[1], 0, 65535, "length");
  const auto hex = fields.size() == 3 ? fields[2] : std::string_view();
  if (!length || hex.size() != static_cast<std::size_t>(*length) * 2) {
    return fail("bad_option", "bad \\# length");
  }
  Bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned octet = 0;
    const auto* end = hex.data() + i + 2;
    const auto [ptr, ec] = std::from_chars(hex.data() + i, end, octet, 16);
    if (ec != std::errc{} || ptr != end) return fail("bad_option", "bad hex");
    out.push_back(static_cast<std::uint8_t>(octet));
  }
  return out;
}

Result<Bytes> record_data(const Record& record) {
  Bytes out;
  const auto fields = util::split(record.data, ' ');
  switch (record.type) {
    case type::a:
      return address_data(record.data, AF_INET);
    case type::aaaa:
      return address_data(record.data, AF_INET6);
    case type::ns:
    case type::cname:
    case type::ptr:
      put_name(out, record.data);
      return out;
    case type::mx: {
      if (fields.size() != 2) return fail("bad_option", "MX is 'PREFERENCE NAME'");
      if (auto ok = put_number(out, fields[0], false); !ok) return tl::unexpected(ok.error());
      put_name(out, fields[1]);
      return out;
    }
    case type::soa: {
      if (fields.size() != 7) return fail("bad_option", "SOA has 7 fields");
      put_name(out, fields[0]);
      put_name(out, fields[1]);
      for (std::size_t i = 2; i < 7; ++i) {
        if (auto ok = put_number(out, fields[i], true); !ok) return tl::unexpected(ok.error());
      }
      return out;
    }
    case type::txt:
      return txt_data(record.data);
    default:
      return hex_data(record.data);
  }
}

}  // namespace

std::vector<std::uint8_t> build_query(std::string_view name, std::uint16_t query_type,
                                      const QueryFlags& flags) {
  Bytes out;
  put_u16(out, flags.id);
  put_u16(out, flags.recursion_desired ? 0x0100 : 0x0000);
  put_u16(out, 1);                                 // QDCOUNT
  put_u16(out, 0);                                 // ANCOUNT
  put_u16(out, 0);                                 // NSCOUNT
  put_u16(out, flags.edns_udp_size != 0 ? 1 : 0);  // ARCOUNT
  put_name(out, name);
  put_u16(out, query_type);
  put_u16(out, 1);  // class IN
  if (flags.edns_udp_size != 0) {
    out.push_back(0);  // root owner name
    put_u16(out, type::opt);
    put_u16(out, flags.edns_udp_size);
    put_u32(out, 0);  // extended RCODE, version, flags (DO clear)
    put_u16(out, 0);  // no options
  }
  return out;
}

Result<std::vector<std::uint8_t>> encode_message(const Message& message) {
  const auto& h = message.header;
  Bytes out;
  put_u16(out, h.id);
  const auto flags = static_cast<std::uint16_t>(
      (h.qr ? 0x8000 : 0) | ((h.opcode & 0xF) << 11) | (h.aa ? 0x0400 : 0) | (h.tc ? 0x0200 : 0) |
      (h.rd ? 0x0100 : 0) | (h.ra ? 0x0080 : 0) | (h.ad ? 0x0020 : 0) | (h.cd ? 0x0010 : 0) |
      (h.rcode & 0xF));
  put_u16(out, flags);
  put_u16(out, static_cast<std::uint16_t>(message.questions.size()));
  put_u16(out, static_cast<std::uint16_t>(message.answers.size()));
  put_u16(out, static_cast<std::uint16_t>(message.authorities.size()));
  put_u16(out,
          static_cast<std::uint16_t>(message.additionals.size() + (message.edns_udp_size ? 1 : 0)));
  for (const auto& question : message.questions) {
    put_name(out, question.name);
    put_u16(out, question.type);
    put_u16(out, question.klass);
  }
  for (const auto* section : {&message.answers, &message.authorities, &message.additionals}) {
    for (const auto& record : *section) {
      auto data = record_data(record);
      if (!data || data->size() > 0xFFFF) {
        return fail("bad_option", "cannot encode " + type_name(record.type) + " record of " +
                                      record.name + ": " +
                                      (data ? std::string("too long") : data.error().message));
      }
      put_name(out, record.name);
      put_u16(out, record.type);
      put_u16(out, record.klass);
      put_u32(out, record.ttl);
      put_u16(out, static_cast<std::uint16_t>(data->size()));
      out.insert(out.end(), data->begin(), data->end());
    }
  }
  if (message.edns_udp_size) {
    out.push_back(0);
    put_u16(out, type::opt);
    put_u16(out, *message.edns_udp_size);
    put_u32(out, static_cast<std::uint32_t>(h.rcode >> 4) << 24);
    put_u16(out, 0);
  }
  return out;
}

}  // namespace reqscope::dns
