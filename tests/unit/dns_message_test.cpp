#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "reqscope/dns/answer.hpp"
#include "reqscope/dns/message.hpp"
#include "reqscope/dns/name.hpp"
#include "reqscope/dns/walk.hpp"

using namespace reqscope::dns;
using Bytes = std::vector<std::uint8_t>;

namespace {

// Builds DNS messages octet by octet, so tests can write exactly the
// malformed message they mean.
struct Wire {
  Bytes bytes;

  Wire& u8(std::uint8_t v) {
    bytes.push_back(v);
    return *this;
  }
  Wire& u16(std::uint16_t v) {
    return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v & 0xFF));
  }
  Wire& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(v & 0xFFFF); }
  Wire& raw(const std::string& text) {
    bytes.insert(bytes.end(), text.begin(), text.end());
    return *this;
  }
  Wire& name(const std::string& dotted) {
    if (dotted != ".") {
      std::size_t start = 0;
      while (start <= dotted.size()) {
        auto end = dotted.find('.', start);
        if (end == std::string::npos) end = dotted.size();
        u8(static_cast<std::uint8_t>(end - start)).raw(dotted.substr(start, end - start));
        start = end + 1;
      }
    }
    return u8(0);
  }
  Wire& pointer(std::uint16_t offset) { return u16(static_cast<std::uint16_t>(0xC000 | offset)); }
  Wire& header(std::uint16_t flags, std::uint16_t qd, std::uint16_t an, std::uint16_t ns,
               std::uint16_t ar) {
    return u16(0x1234).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  // Type, class IN, TTL and RDLENGTH; the caller writes the data.
  Wire& record_head(std::uint16_t type, std::uint16_t rdlength, std::uint32_t ttl = 300) {
    return u16(type).u16(1).u32(ttl).u16(rdlength);
  }
  std::span<const std::uint8_t> span() const { return bytes; }
};

constexpr std::uint16_t kResponseAa = 0x8400;  // QR, AA

// A reply to "www.example.com A?" whose question name sits at octet 12, so
// records can point at it.
Wire reply_header(std::uint16_t an, std::uint16_t ns = 0, std::uint16_t ar = 0,
                  std::uint16_t flags = kResponseAa) {
  Wire w;
  w.header(flags, 1, an, ns, ar).name("www.example.com").u16(type::a).u16(1);
  return w;
}

std::string error_of(const Wire& w) {
  auto parsed = parse_message(w.span());
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().kind == "dns_malformed");
  return parsed.error().message;
}

Record record(std::string name, std::uint16_t type, std::string data, std::uint32_t ttl = 300) {
  return {std::move(name), type, 1, ttl, std::move(data)};
}

}  // namespace

TEST_CASE("a built query parses back with its question and EDNS", "[dns][message]") {
  const auto query = build_query("www.Example.com", type::aaaa, {7, false, 1232});
  auto parsed = parse_message(query);
  REQUIRE(parsed);
  CHECK(parsed->header.id == 7);
  CHECK_FALSE(parsed->header.qr);
  CHECK_FALSE(parsed->header.rd);
  REQUIRE(parsed->questions.size() == 1);
  CHECK(parsed->questions[0].name == "www.Example.com");
  CHECK(parsed->questions[0].type == type::aaaa);
  CHECK(parsed->edns_udp_size == 1232);
  CHECK(parsed->additionals.empty());

  const auto classic = parse_message(build_query(".", type::ns, {1, true, 0}));
  REQUIRE(classic);
  CHECK(classic->header.rd);
  CHECK(classic->questions[0].name == ".");
  CHECK_FALSE(classic->edns_udp_size);
}

TEST_CASE("records of every supported type are shown in presentation form", "[dns][message]") {
  auto w = reply_header(10);
  w.pointer(12).record_head(type::a, 4).u8(192).u8(0).u8(2).u8(1);
  w.pointer(12).record_head(type::aaaa, 16).u16(0x2001).u16(0xdb8);
  for (int i = 0; i < 5; ++i)
    w.u16(0);
  w.u16(1);
  w.pointer(12).record_head(type::cname, 6).u8(3).raw("web").pointer(16);  // web.example.com
  w.pointer(12).record_head(type::mx, 4).u16(10).pointer(12);
  w.pointer(12).record_head(type::txt, 11).u8(5).raw("hello").u8(4).raw("a\"b\\");
  w.pointer(16).record_head(type::soa, 2 + 2 + 20).pointer(16).pointer(12);
  for (std::uint32_t v : {2024u, 3600u, 600u, 86400u, 300u})
    w.u32(v);
  w.pointer(12).record_head(type::srv, 8).u16(0).u16(5).u16(8080).pointer(12);
  w.pointer(12).record_head(type::caa, 2 + 5 + 7).u8(0).u8(5).raw("issue").raw("ca.test");
  w.pointer(12).record_head(65, 3).u8(1).u8(2).u8(0xAB);
  w.pointer(12).record_head(99, 0);
  auto parsed = parse_message(w.span());
  REQUIRE(parsed);
  const auto& a = parsed->answers;
  REQUIRE(a.size() == 10);
  CHECK(a[0].name == "www.example.com");
  CHECK(a[0].data == "192.0.2.1");
  CHECK(a[0].ttl == 300);
  CHECK(a[1].data == "2001:db8::1");
  CHECK(a[2].data == "web.example.com");
  CHECK(a[3].data == "10 www.example.com");
  CHECK(a[4].data == "\"hello\" \"a\\\"b\\\\\"");
  CHECK(a[5].name == "example.com");
  CHECK(a[5].data == "example.com www.example.com 2024 3600 600 86400 300");
  CHECK(a[6].data == "0 5 8080 www.example.com");
  CHECK(a[7].data == "0 issue \"ca.test\"");
  CHECK(a[8].type == 65);
  CHECK(a[8].data == "\\# 3 0102AB");
  CHECK(a[9].data == "\\# 0");
  CHECK(type_name(a[8].type) == "TYPE65");
}

TEST_CASE("header flags, sections and the EDNS extended rcode are read", "[dns][message]") {
  auto w = reply_header(0, 1, 2, 0x8000 | 0x0200 | 0x0100 | 0x0080 | 0x0020 | 0x0010 | 3);
  w.name("example.com").record_head(type::ns, 2).pointer(12);
  w.name("ns.example.com").record_head(type::a, 4).u32(0x7F000001);
  w.u8(0).u16(type::opt).u16(4096).u32(0x01000000).u16(0);  // extended rcode 1 → 16 + 3
  auto parsed = parse_message(w.span());
  REQUIRE(parsed);
  const auto& h = parsed->header;
  CHECK(h.qr);
  CHECK_FALSE(h.aa);
  CHECK(h.tc);
  CHECK(h.rd);
  CHECK(h.ra);
  CHECK(h.ad);
  CHECK(h.cd);
  CHECK(h.rcode == 19);
  CHECK(rcode_name(h.rcode) == "RCODE19");
  CHECK(parsed->authorities.size() == 1);
  CHECK(parsed->additionals.size() == 1);
  CHECK(parsed->additionals[0].data == "127.0.0.1");
  CHECK(parsed->edns_udp_size == 4096);
}

TEST_CASE("label bytes that are not plain text are escaped", "[dns][message]") {
  Wire w;
  w.header(0x8000, 1, 0, 0, 0).u8(5).raw("a.b").u8(0).u8(' ').u8(3).raw("com").u8(0);
  w.u16(1).u16(1);
  auto parsed = parse_message(w.span());
  REQUIRE(parsed);
  CHECK(parsed->questions[0].name == "a\\.b\\000\\032.com");
}

TEST_CASE("truncated and inconsistent messages are named errors", "[dns][message][errors]") {
  CHECK(error_of(Wire{}).find("shorter than the 12-octet header") != std::string::npos);
  CHECK(error_of(Wire{{1, 2, 3}}).find("3 octets") != std::string::npos);

  Wire counts;
  counts.header(0x8000, 1, 500, 0, 0).name("a").u16(1).u16(1);
  CHECK(error_of(counts).find("cannot fit") != std::string::npos);

  Wire cut_question;
  cut_question.header(0x8000, 1, 0, 0, 0).u8(3).raw("abc").u8(0).u16(1);
  cut_question.u8(0).u8(0);  // room for the count check, but the class is cut
  cut_question.bytes.resize(cut_question.bytes.size() - 2);
  CHECK_FALSE(parse_message(cut_question.span()));

  auto rdlength = reply_header(1);
  rdlength.pointer(12).record_head(type::a, 200).u32(1);
  CHECK(error_of(rdlength).find("claims 200 octets") != std::string::npos);

  auto short_a = reply_header(1);
  short_a.pointer(12).record_head(type::a, 5).u32(1).u8(1);
  CHECK(error_of(short_a).find("is 5 octets, not 4") != std::string::npos);

  auto txt = reply_header(1);
  txt.pointer(12).record_head(type::txt, 3).u8(9).raw("ab");
  CHECK(error_of(txt).find("runs past its record") != std::string::npos);

  auto empty_txt = reply_header(1);
  empty_txt.pointer(12).record_head(type::txt, 0);
  CHECK(error_of(empty_txt).find("empty") != std::string::npos);

  auto caa = reply_header(1);
  caa.pointer(12).record_head(type::caa, 3).u8(0).u8(0).u8('x');
  CHECK(error_of(caa).find("CAA tag") != std::string::npos);

  auto mx = reply_header(1);
  mx.pointer(12).record_head(type::mx, 1).u8(0);
  CHECK_FALSE(parse_message(mx.span()));

  auto leftover = reply_header(1);
  leftover.pointer(12).record_head(type::ns, 4).pointer(12).u16(0);
  CHECK(error_of(leftover).find("left over") != std::string::npos);

  auto trailing = reply_header(0);
  trailing.u8(0xFF);
  CHECK(error_of(trailing).find("after its last record") != std::string::npos);

  auto two_opt = reply_header(0, 0, 2);
  for (int i = 0; i < 2; ++i)
    two_opt.u8(0).u16(type::opt).u16(1232).u32(0).u16(0);
  CHECK(error_of(two_opt).find("OPT") != std::string::npos);

  auto opt_in_answer = reply_header(1);
  opt_in_answer.u8(0).u16(type::opt).u16(1232).u32(0).u16(0);
  CHECK(error_of(opt_in_answer).find("OPT") != std::string::npos);
}

TEST_CASE("compression pointers cannot loop or point forwards", "[dns][message][errors]") {
  Wire self;
  self.header(0x8000, 1, 0, 0, 0).pointer(12).u16(1).u16(1);
  CHECK(error_of(self).find("does not point backwards") != std::string::npos);

  Wire forward;
  forward.header(0x8000, 1, 0, 0, 0).pointer(20).u16(1).u16(1).name("a");
  CHECK(error_of(forward).find("does not point backwards") != std::string::npos);

  // A label, then a pointer back to that label: each pass adds a label, so the
  // 255-octet limit ends it.
  Wire cycle;
  cycle.header(0x8000, 1, 0, 0, 0).u8(1).raw("a").pointer(12).u16(1).u16(1);
  CHECK(error_of(cycle).find("255") != std::string::npos);

  Wire cut_pointer;
  cut_pointer.header(0x8000, 1, 0, 0, 0).u16(0).u16(0).u8(0xC0);
  cut_pointer.bytes[12] = 0xC0;
  CHECK_FALSE(parse_message(cut_pointer.span()));

  Wire extended_label;
  extended_label.header(0x8000, 1, 0, 0, 0).u8(0x40).u8(0).u16(1).u16(1);
  CHECK(error_of(extended_label).find("unsupported label type") != std::string::npos);
}

TEST_CASE("names over 255 octets are refused", "[dns][message][errors]") {
  Wire w;
  w.header(0x8000, 1, 0, 0, 0);
  for (int i = 0; i < 5; ++i)
    w.u8(63).raw(std::string(63, 'a'));
  w.u8(0).u16(1).u16(1);
  CHECK(error_of(w).find("longer than 255 octets") != std::string::npos);

  Wire label_past_end;
  label_past_end.header(0x8000, 1, 0, 0, 0).u8(40).raw("abc");
  label_past_end.bytes.resize(12 + 5 + 4);
  CHECK_FALSE(parse_message(label_past_end.span()));
}

TEST_CASE("random and mutated messages never crash the parser", "[dns][message][errors]") {
  std::mt19937 random(20261123);
  std::uniform_int_distribution<int> octet(0, 255);
  for (int round = 0; round < 3000; ++round) {
    Bytes bytes(static_cast<std::size_t>(octet(random) + octet(random)));
    for (auto& b : bytes)
      b = static_cast<std::uint8_t>(octet(random));
    (void)parse_message(bytes);
  }
  auto valid = reply_header(2, 1, 1);
  valid.pointer(12).record_head(type::cname, 2).pointer(12);
  valid.pointer(12).record_head(type::a, 4).u32(1);
  valid.pointer(16).record_head(type::soa, 24).pointer(16).pointer(12);
  for (int i = 0; i < 5; ++i)
    valid.u32(1);
  valid.pointer(12).record_head(type::txt, 2).u8(1).u8('x');
  REQUIRE(parse_message(valid.span()));
  int rejected = 0;
  for (int round = 0; round < 5000; ++round) {
    auto mutated = valid.bytes;
    for (int flips = 1 + round % 4; flips > 0; --flips) {
      mutated[static_cast<std::size_t>(random() % mutated.size())] =
          static_cast<std::uint8_t>(octet(random));
    }
    mutated.resize(mutated.size() - static_cast<std::size_t>(round % 3 == 0 ? random() % 8 : 0));
    if (!parse_message(mutated)) ++rejected;
  }
  CHECK(rejected > 0);

  Bytes oversized(65535, 0xC0);
  CHECK_FALSE(parse_message(oversized));
}

TEST_CASE("record types are named both ways", "[dns][message]") {
  CHECK(type_code("aaaa") == type::aaaa);
  CHECK(type_code("CAA") == type::caa);
  CHECK(type_code("TYPE65") == 65);
  CHECK(type_code("type1") == type::a);
  CHECK_FALSE(type_code("TYPE"));
  CHECK_FALSE(type_code("TYPE70000"));
  CHECK_FALSE(type_code("BOGUS"));
  CHECK_FALSE(type_code(""));
  CHECK(type_name(type::srv) == "SRV");
  CHECK(rcode_name(rcode::nxdomain) == "NXDOMAIN");
  CHECK(rcode_name(16) == "BADVERS");
}

TEST_CASE("user names are checked against the DNS limits", "[dns][name]") {
  CHECK(validate_name("www.example.com.") == "www.example.com");
  CHECK(validate_name(".") == ".");
  CHECK(validate_name("_dmarc.example.com") == "_dmarc.example.com");
  CHECK(validate_name("*.example.com") == "*.example.com");
  CHECK(validate_name(std::string(63, 'a') + ".com"));
  for (const std::string& bad :
       std::vector<std::string>{"", "..", "a..b", ".a", "a b", "a*.b", std::string(64, 'a'),
                                std::string(254, 'a'), std::string("a\0b", 3), "\xff.com"}) {
    INFO(bad);
    auto result = validate_name(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == "bad_option");
  }
  CHECK(reverse_name("192.0.2.1") == "1.2.0.192.in-addr.arpa");
  CHECK(reverse_name("::1").value().starts_with("1.0.0.0."));
  CHECK_FALSE(reverse_name("192.0.2"));
  CHECK_FALSE(reverse_name(""));
}

TEST_CASE("zone membership and label counts", "[dns][name]") {
  CHECK(is_within("www.example.com", "example.com"));
  CHECK(is_within("WWW.Example.COM", "example.com"));
  CHECK(is_within("example.com", "example.com"));
  CHECK(is_within("anything", "."));
  CHECK_FALSE(is_within("badexample.com", "example.com"));
  CHECK_FALSE(is_within("com", "example.com"));
  CHECK(label_count(".") == 0);
  CHECK(label_count("com") == 1);
  CHECK(label_count("www.example.com") == 3);
}

TEST_CASE("an answer is followed through its CNAME chain, trusting only in-zone records",
          "[dns][answer]") {
  const std::vector<Record> answers = {
      record("api.example.com", type::cname, "edge.example.com"),
      record("edge.example.com", type::cname, "lb.cdn.net"),
      record("lb.cdn.net", type::a, "192.0.2.7"),
  };
  auto chain = follow_answer(answers, "API.example.com", type::a);
  CHECK(chain.cnames.size() == 2);
  CHECK(chain.records.size() == 1);
  CHECK(chain.final_name == "lb.cdn.net");

  chain = follow_answer(answers, "api.example.com", type::a, "example.com");
  CHECK(chain.cnames.size() == 2);
  CHECK(chain.records.empty());
  CHECK(chain.final_name == "lb.cdn.net");

  chain = follow_answer(answers, "api.example.com", type::cname);
  CHECK(chain.records.size() == 1);
  CHECK(chain.cnames.empty());

  chain = follow_answer(
      {record("a.test", type::cname, "b.test"), record("b.test", type::cname, "A.test")}, "a.test",
      type::a);
  CHECK(chain.loop);
}

TEST_CASE("the negative-caching TTL is the smaller of SOA TTL and MINIMUM", "[dns][answer]") {
  Message reply;
  CHECK_FALSE(negative_ttl(reply));
  reply.authorities.push_back(record("example.com", type::soa, "ns hostmaster 1 2 3 4 60", 300));
  CHECK(negative_ttl(reply) == 60u);
  reply.authorities[0].ttl = 30;
  CHECK(negative_ttl(reply) == 30u);
}

TEST_CASE("walk replies are classified as a resolver would", "[dns][walk]") {
  const auto classify = [](const std::string& zone, const Message& reply) {
    WalkStep step;
    step.zone = zone;
    step.name = "www.example.com";
    step.type = type::a;
    classify_reply(step, reply);
    return step;
  };
  Message referral;
  referral.authorities = {record("example.com", type::ns, "ns1.example.com"),
                          record("example.com", type::ns, "ns.other.net")};
  referral.additionals = {record("ns1.example.com", type::a, "192.0.2.53"),
                          record("ns.other.net", type::a, "198.51.100.1")};
  auto step = classify("com", referral);
  CHECK(step.kind == "referral");
  CHECK(step.referral_zone == "example.com");
  REQUIRE(step.referral.size() == 2);
  CHECK(step.referral[0].ip == "192.0.2.53");
  // Glue outside the referring server's zone (com) is not trusted.
  CHECK(step.referral[1].ip.empty());
  CHECK(classify(".", referral).referral[1].ip == "198.51.100.1");

  // A referral that does not lead down is lame.
  CHECK(classify("example.com", referral).kind == "error");
  Message sideways;
  sideways.authorities = {record("example.org", type::ns, "ns.example.org")};
  CHECK(classify("com", sideways).kind == "error");

  Message answer;
  answer.header.aa = true;
  answer.answers = {record("www.example.com", type::a, "192.0.2.1")};
  step = classify("example.com", answer);
  CHECK(step.kind == "answer");
  CHECK(step.answers.size() == 1);
  // Records outside the server's zone are not trusted: the CNAME's target
  // must be asked of its own servers.
  Message cname;
  cname.header.aa = true;
  cname.answers = {record("www.example.com", type::cname, "cdn.other.net"),
                   record("cdn.other.net", type::a, "203.0.113.9")};
  step = classify("example.com", cname);
  CHECK(step.kind == "answer");
  CHECK(step.answers.size() == 1);
  CHECK(step.note == "CNAME to cdn.other.net");

  Message nodata;
  nodata.header.aa = true;
  nodata.authorities = {record("example.com", type::soa, "ns h 1 2 3 4 5")};
  CHECK(classify("example.com", nodata).kind == "nodata");

  Message nxdomain;
  nxdomain.header.rcode = rcode::nxdomain;
  CHECK(classify("example.com", nxdomain).kind == "nxdomain");

  Message refused;
  refused.header.rcode = rcode::refused;
  step = classify("example.com", refused);
  CHECK(step.kind == "error");
  CHECK(step.note.find("REFUSED") != std::string::npos);

  CHECK(classify("example.com", Message{}).kind == "error");
}

TEST_CASE("root options share one port", "[dns][walk]") {
  auto roots = parse_roots({"127.53.0.1:5300", "[::1]:5300"}, "--root");
  REQUIRE(roots);
  CHECK(roots->second == 5300);
  CHECK(roots->first[1].ip == "::1");
  CHECK_FALSE(parse_roots({"127.0.0.1:1", "127.0.0.2:2"}, "--root"));
  CHECK_FALSE(parse_roots({"localhost"}, "--root"));
  CHECK(parse_roots({"127.0.0.1"}, "--root")->second == 53);
  CHECK(root_hints().size() == 13);
}

TEST_CASE("a name in record data may not run past its RDLENGTH", "[dns][message][errors]") {
  auto w = reply_header(1);
  w.pointer(12).record_head(type::cname, 2).u8(3).raw("www").pointer(12);
  CHECK(error_of(w).find("longer than its RDLENGTH of 2") != std::string::npos);
}

TEST_CASE("encoded messages parse back to the same message", "[dns][message][encode]") {
  Message message;
  message.header = {0xBEEF, true, 0, true, false, true, true, false, false, rcode::nxdomain};
  message.questions = {{"www.example.com", type::a, 1}};
  message.answers = {record("www.example.com", type::cname, "web.example.com"),
                     record("web.example.com", type::a, "192.0.2.1", 60),
                     record("web.example.com", type::aaaa, "2001:db8::1"),
                     record("example.com", type::mx, "10 mail.example.com"),
                     record("example.com", type::txt, "\"one\" \"two \\\"quoted\\\"\""),
                     record("example.com", 65, "\\# 2 ABCD")};
  message.authorities = {record("example.com", type::soa, "ns h 1 2 3 4 5")};
  message.additionals = {record("ns.example.com", type::ns, "ns.example.com")};
  message.edns_udp_size = 1232;
  auto wire = encode_message(message);
  REQUIRE(wire);
  auto parsed = parse_message(*wire);
  REQUIRE(parsed);
  CHECK(parsed->header.id == 0xBEEF);
  CHECK(parsed->header.aa);
  CHECK(parsed->header.rd);
  CHECK(parsed->header.rcode == rcode::nxdomain);
  CHECK(parsed->edns_udp_size == 1232);
  REQUIRE(parsed->answers.size() == message.answers.size());
  for (std::size_t i = 0; i < message.answers.size(); ++i) {
    CHECK(parsed->answers[i].data == message.answers[i].data);
    CHECK(parsed->answers[i].ttl == message.answers[i].ttl);
  }
  CHECK(parsed->authorities[0].data == "ns h 1 2 3 4 5");

  for (const auto& bad : {record("a", type::a, "not-an-ip"), record("a", type::mx, "ten"),
                          record("a", type::soa, "too few"), record("a", type::txt, "unquoted"),
                          record("a", 99, "\\# 3 AB"), record("a", 99, "raw")}) {
    Message broken;
    broken.answers = {bad};
    auto encoded = encode_message(broken);
    INFO(bad.data);
    REQUIRE_FALSE(encoded);
    CHECK(encoded.error().message.find("cannot encode") != std::string::npos);
  }
}

TEST_CASE("the fuzz seed corpus: ok- messages parse, bad- messages are rejected",
          "[dns][message][errors]") {
  const std::filesystem::path corpus =
      std::filesystem::path(REQSCOPE_SOURCE_DIR) / "tests/fuzz/corpus/dns_message";
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    const auto name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(name);
    CHECK(parse_message(bytes).has_value() == name.starts_with("ok-"));
    ++seeds;
  }
  CHECK(seeds > 20);
}

TEST_CASE("escaped names from the wire keep their labels", "[dns][name]") {
  CHECK(labels_of("a\\.b.example") == std::vector<std::string>{"a.b", "example"});
  CHECK(labels_of("x\\001y.test") == std::vector<std::string>{std::string("x\x01y"), "test"});
  CHECK(label_count("a\\.b.example") == 2);
  CHECK(is_within("a\\.b.example", "example"));
  CHECK_FALSE(is_within("a\\.example", "example"));
  CHECK_FALSE(is_within("a\\.example.com", "example.com"));
  CHECK(is_within("x.a\\.example.com", "a\\.example.com"));
  // A label of 63 control octets is 252 characters escaped; it must go back as 63 octets.
  Wire w;
  w.header(0x8000, 1, 0, 0, 0).u8(63);
  for (int i = 0; i < 63; ++i)
    w.u8(1);
  w.raw("\x04test").u8(0).u16(1).u16(1);
  auto parsed = parse_message(w.span());
  REQUIRE(parsed);
  const auto query = build_query(parsed->questions[0].name, type::a, {1, false, 0});
  auto again = parse_message(query);
  REQUIRE(again);
  CHECK(again->questions[0].name == parsed->questions[0].name);
}
