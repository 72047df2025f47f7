#include "reqscope/dns/message.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>

#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::dns {

namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxNameWire = 255;
// Minimum wire sizes: a question is a root name plus type and class; a record
// adds TTL and RDLENGTH.
constexpr std::size_t kMinQuestion = 5;
constexpr std::size_t kMinRecord = 11;

struct TypeEntry {
  std::uint16_t code;
  std::string_view name;
};

constexpr std::array<TypeEntry, 17> kTypes = {{
    {type::a, "A"},
    {type::ns, "NS"},
    {type::cname, "CNAME"},
    {type::soa, "SOA"},
    {type::ptr, "PTR"},
    {type::mx, "MX"},
    {type::txt, "TXT"},
    {type::aaaa, "AAAA"},
    {type::srv, "SRV"},
    {type::opt, "OPT"},
    {type::caa, "CAA"},
    {39, "DNAME"},
    {43, "DS"},
    {46, "RRSIG"},
    {47, "NSEC"},
    {48, "DNSKEY"},
    {type::any, "ANY"},
}};

// A cursor over the message: every read checks the bounds first.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> wire) : wire_(wire) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return wire_.size() - offset_; }

  Result<std::uint8_t> u8(std::string_view what) {
    if (remaining() < 1) return truncated(what, 1);
    return wire_[offset_++];
  }
  Result<std::uint16_t> u16(std::string_view what) {
    if (remaining() < 2) return truncated(what, 2);
    const auto value = static_cast<std::uint16_t>((wire_[offset_] << 8) | wire_[offset_ + 1]);
    offset_ += 2;
    return value;
  }
  Result<std::uint32_t> u32(std::string_view what) {
    if (remaining() < 4) return truncated(what, 4);
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
      value = (value << 8) | wire_[offset_ + static_cast<std::size_t>(i)];
    offset_ += 4;
    return value;
  }
  Result<std::span<const std::uint8_t>> bytes(std::size_t count, std::string_view what) {
    if (remaining() < count) return truncated(what, count);
    auto view = wire_.subspan(offset_, count);
    offset_ += count;
    return view;
  }

  // Reads a possibly compressed name (RFC 1035 §4.1.4) in presentation form.
  Result<std::string> name(std::string_view what) {
    std::string text;
    std::size_t position = offset_;
    std::size_t wire_length = 1;  // the final zero octet
    bool jumped = false;
    while (true) {
      if (position >= wire_.size()) return error(what, "runs past the end", position);
      const std::uint8_t length = wire_[position];
      if ((length & 0xC0) == 0xC0) {
        if (position + 1 >= wire_.size())
          return error(what, "has a cut compression pointer", position);
        const std::size_t target =
            static_cast<std::size_t>(((length & 0x3F) << 8) | wire_[position + 1]);
        // Backward pointers make a chain of pointers finite; a cycle through
        // labels (a pointer back to a label before it) is ended by the
        // 255-octet name limit, as each pass adds a label.
        if (target >= position) {
          return error(what, "has a compression pointer that does not point backwards", position);
        }
        if (!jumped) offset_ = position + 2;
        jumped = true;
        position = target;
        continue;
      }
      if ((length & 0xC0) != 0) return error(what, "uses an unsupported label type", position);
      if (length == 0) {
        if (!jumped) offset_ = position + 1;
        break;
      }
      if (position + 1 + length > wire_.size())
        return error(what, "has a label past the end", position);
      wire_length += 1 + length;
      if (wire_length > kMaxNameWire) return error(what, "is longer than 255 octets", position);
      if (!text.empty()) text += '.';
      append_label(text, wire_.subspan(position + 1, length));
      position += 1 + length;
    }
    return text.empty() ? std::string(".") : text;
  }

  tl::unexpected<Error> error(std::string_view what, std::string_view problem,
                              std::size_t at) const {
    return fail("dns_malformed", "malformed DNS message: " + std::string(what) + " " +
                                     std::string(problem) + " (octet " + std::to_string(at) +
                                     " of " + std::to_string(wire_.size()) + ")");
  }

 private:
  tl::unexpected<Error> truncated(std::string_view what, std::size_t needed) const {
    return fail("dns_malformed", "malformed DNS message: " + std::string(what) + " needs " +
                                     std::to_string(needed) + " octets at octet " +
                                     std::to_string(offset_) + " but the message ends at " +
                                     std::to_string(wire_.size()));
  }

  static void append_label(std::string& text, std::span<const std::uint8_t> label) {
    for (const std::uint8_t c : label) {
      if (c == '.' || c == '\\') {
        text += '\\';
        text += static_cast<char>(c);
      } else if (c > 0x20 && c < 0x7F) {
        text += static_cast<char>(c);
      } else {
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\%03u", static_cast<unsigned>(c));
        text += escaped;
      }
    }
  }

  std::span<const std::uint8_t> wire_;
  std::size_t offset_ = 0;
};

// Quotes a <character-string> as in zone files: '"' and '\' escaped,
// other non-printable octets as \DDD.
std::string quoted_string(std::span<const std::uint8_t> text) {
  std::string out = "\"";
  for (const std::uint8_t c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\%03u", static_cast<unsigned>(c));
      out += escaped;
    }
  }
  return out + "\"";
}

std::string hex(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (const std::uint8_t c : data) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

// Reads one record's RDATA into presentation form. Names and fixed fields may
// read past `rdata_end` (the reader only stops at the message's end); the
// caller rejects a record whose data did not end exactly there.
Result<std::string> read_rdata(Reader& reader, std::uint16_t record_type, std::size_t rdata_end) {
  const auto length = rdata_end - reader.offset();
  const auto expect_length = [&](std::size_t size) -> Result<void> {
    if (length != size) {
      return reader.error(type_name(record_type) + " data",
                          "is " + std::to_string(length) + " octets, not " + std::to_string(size),
                          reader.offset());
    }
    return {};
  };
  switch (record_type) {
    case type::a:
    case type::aaaa: {
      const bool v4 = record_type == type::a;
      if (auto ok = expect_length(v4 ? 4 : 16); !ok) return tl::unexpected(ok.error());
      auto raw = reader.bytes(length, "address");
      if (!raw) return tl::unexpected(raw.error());
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(v4 ? AF_INET : AF_INET6, raw->data(), text, sizeof text);
      return std::string(text);
    }
    case type::ns:
    case type::cname:
    case type::ptr:
    case 39:  // DNAME
      return reader.name("target name");
    case type::mx: {
      auto preference = reader.u16("MX preference");
      if (!preference) return tl::unexpected(preference.error());
      auto exchange = reader.name("MX exchange");
      if (!exchange) return tl::unexpected(exchange.error());
      return std::to_string(*preference) + " " + *exchange;
    }
    case type::soa: {
      auto mname = reader.name("SOA primary name");
      if (!mname) return tl::unexpected(mname.error());
      auto rname = reader.name("SOA mailbox");
      if (!rname) return tl::unexpected(rname.error());
      std::string text = *mname + " " + *rname;
      for (const char* field : {"serial", "refresh", "retry", "expire", "minimum"}) {
        auto value = reader.u32(std::string("SOA ") + field);
        if (!value) return tl::unexpected(value.error());
        text += " " + std::to_string(*value);
      }
      return text;
    }
    case type::srv: {
      std::string text;
      for (const char* field : {"priority", "weight", "port"}) {
        auto value = reader.u16(std::string("SRV ") + field);
        if (!value) return tl::unexpected(value.error());
        text += std::to_string(*value) + " ";
      }
      auto target = reader.name("SRV target");
      if (!target) return tl::unexpected(target.error());
      return text + *target;
    }
    case type::txt: {
      if (length == 0) return reader.error("TXT data", "is empty", reader.offset());
      std::string text;
      while (reader.offset() < rdata_end) {
        auto size = reader.u8("TXT string length");
        if (!size) return tl::unexpected(size.error());
        if (reader.offset() + *size > rdata_end) {
          return reader.error("TXT string", "runs past its record", reader.offset());
        }
        auto chunk = reader.bytes(*size, "TXT string");
        if (!chunk) return tl::unexpected(chunk.error());
        if (!text.empty()) text += ' ';
        text += quoted_string(*chunk);
      }
      return text;
    }
    case type::caa: {
      auto flags = reader.u8("CAA flags");
      if (!flags) return tl::unexpected(flags.error());
      auto tag_length = reader.u8("CAA tag length");
      if (!tag_length) return tl::unexpected(tag_length.error());
      if (*tag_length == 0 || reader.offset() + *tag_length > rdata_end) {
        return reader.error("CAA tag", "has a bad length", reader.offset());
      }
      auto tag = reader.bytes(*tag_length, "CAA tag");
      if (!tag) return tl::unexpected(tag.error());
      auto value = reader.bytes(rdata_end - reader.offset(), "CAA value");
      if (!value) return tl::unexpected(value.error());
      return std::to_string(*flags) + " " + std::string(tag->begin(), tag->end()) + " " +
             quoted_string(*value);
    }
    default: {
      auto raw = reader.bytes(length, "record data");
      if (!raw) return tl::unexpected(raw.error());
      return "\\# " + std::to_string(length) + (length > 0 ? " " + hex(*raw) : std::string());
    }
  }
}

Result<Record> read_record(Reader& reader, const std::string& what) {
  Record record;
  auto name = reader.name(what + " owner name");
  if (!name) return tl::unexpected(name.error());
  record.name = std::move(*name);
  auto record_type = reader.u16(what + " type");
  if (!record_type) return tl::unexpected(record_type.error());
  auto klass = reader.u16(what + " class");
  if (!klass) return tl::unexpected(klass.error());
  auto ttl = reader.u32(what + " TTL");
  if (!ttl) return tl::unexpected(ttl.error());
  auto rdlength = reader.u16(what + " data length");
  if (!rdlength) return tl::unexpected(rdlength.error());
  record.type = *record_type;
  record.klass = *klass;
  record.ttl = *ttl;
  if (*rdlength > reader.remaining()) {
    return reader.error(what, "claims " + std::to_string(*rdlength) + " octets of data",
                        reader.offset());
  }
  const std::size_t rdata_end = reader.offset() + *rdlength;
  if (record.type == type::opt) {
    // The OPT pseudo-record's data (EDNS options) is not shown; skip it.
    auto skipped = reader.bytes(*rdlength, "EDNS options");
    if (!skipped) return tl::unexpected(skipped.error());
    return record;
  }
  auto data = read_rdata(reader, record.type, rdata_end);
  if (!data) return tl::unexpected(data.error());
  if (reader.offset() > rdata_end) {
    return reader.error(what + " (" + type_name(record.type) + ")",
                        "has data longer than its RDLENGTH of " + std::to_string(*rdlength),
                        rdata_end);
  }
  if (reader.offset() != rdata_end) {
    return reader.error(
        what + " (" + type_name(record.type) + ")",
        "has " + std::to_string(rdata_end - reader.offset()) + " octets left over in its data",
        reader.offset());
  }
  record.data = std::move(*data);
  return record;
}

}  // namespace

Result<Message> parse_message(std::span<const std::uint8_t> wire) {
  Reader reader(wire);
  if (wire.size() < kHeaderSize) {
    return fail("dns_malformed", "malformed DNS message: " + std::to_string(wire.size()) +
                                     " octets, shorter than the 12-octet header");
  }
  Message message;
  auto& header = message.header;
  header.id = *reader.u16("ID");
  const std::uint16_t flags = *reader.u16("flags");
  header.qr = (flags & 0x8000) != 0;
  header.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xF);
  header.aa = (flags & 0x0400) != 0;
  header.tc = (flags & 0x0200) != 0;
  header.rd = (flags & 0x0100) != 0;
  header.ra = (flags & 0x0080) != 0;
  header.ad = (flags & 0x0020) != 0;
  header.cd = (flags & 0x0010) != 0;
  header.rcode = flags & 0xF;
  const std::uint16_t question_count = *reader.u16("QDCOUNT");
  const std::array<std::uint16_t, 3> record_counts = {
      *reader.u16("ANCOUNT"), *reader.u16("NSCOUNT"), *reader.u16("ARCOUNT")};

  const std::size_t needed =
      question_count * kMinQuestion +
      (std::size_t{record_counts[0]} + record_counts[1] + record_counts[2]) * kMinRecord;
  if (needed > reader.remaining()) {
    return fail("dns_malformed",
                "malformed DNS message: the header counts " + std::to_string(question_count) +
                    (question_count == 1 ? " question and " : " questions and ") +
                    std::to_string(record_counts[0] + record_counts[1] + record_counts[2]) +
                    " records, which cannot fit in " + std::to_string(wire.size()) + " octets");
  }

  for (std::uint16_t i = 0; i < question_count; ++i) {
    Question question;
    auto name = reader.name("question name");
    if (!name) return tl::unexpected(name.error());
    question.name = std::move(*name);
    auto question_type = reader.u16("question type");
    if (!question_type) return tl::unexpected(question_type.error());
    auto klass = reader.u16("question class");
    if (!klass) return tl::unexpected(klass.error());
    question.type = *question_type;
    question.klass = *klass;
    message.questions.push_back(std::move(question));
  }

  const std::array<std::pair<std::vector<Record>*, const char*>, 3> sections = {{
      {&message.answers, "answer"},
      {&message.authorities, "authority"},
      {&message.additionals, "additional"},
  }};
  for (std::size_t s = 0; s < sections.size(); ++s) {
    for (std::uint16_t i = 0; i < record_counts[s]; ++i) {
      const std::string what = std::string(sections[s].second) + " record " + std::to_string(i + 1);
      auto record = read_record(reader, what);
      if (!record) return tl::unexpected(record.error());
      if (record->type == type::opt) {
        if (s != 2 || message.edns_udp_size) {
          return reader.error(what, "is an OPT record where none may be", reader.offset());
        }
        message.edns_udp_size = record->klass;
        // RFC 6891 §6.1.3: the TTL's top octet extends the 4-bit RCODE.
        header.rcode = static_cast<std::uint16_t>(header.rcode | ((record->ttl >> 24) << 4));
        continue;
      }
      sections[s].first->push_back(std::move(*record));
    }
  }
  if (reader.remaining() != 0) {
    return reader.error(
        "the message",
        "has " + std::to_string(reader.remaining()) + " octets after its last record",
        reader.offset());
  }
  return message;
}

std::optional<std::uint16_t> type_code(std::string_view mnemonic) {
  for (const auto& entry : kTypes) {
    if (util::iequals(entry.name, mnemonic)) return entry.code;
  }
  if (mnemonic.size() > 4 && util::iequals(mnemonic.substr(0, 4), "TYPE")) {
    auto number = util::parse_integer(mnemonic.substr(4), 0, 65535, "type");
    if (number) return static_cast<std::uint16_t>(*number);
  }
  return std::nullopt;
}

std::string type_name(std::uint16_t code) {
  for (const auto& entry : kTypes) {
    if (entry.code == code) return std::string(entry.name);
  }
  return "TYPE" + std::to_string(code);
}

std::string rcode_name(std::uint16_t code) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  if (code < kNames.size()) return std::string(kNames[code]);
  if (code == 16) return "BADVERS";
  return "RCODE" + std::to_string(code);
}

}  // namespace reqscope::dns
