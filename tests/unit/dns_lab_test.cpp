#include <catch2/catch.hpp>

#include "reqscope/dns/message.hpp"
#include "reqscope/lab/dns_server.hpp"

using namespace reqscope;
using dns::type::a;

namespace {

const std::vector<lab::Zone>& zones_of(const std::string& ip) {
  static const auto hierarchy = lab::demo_hierarchy();
  for (const auto& server : hierarchy) {
    if (server.ip == ip) return server.zones;
  }
  FAIL("no server " << ip);
  return hierarchy.front().zones;
}

dns::Message ask(const std::string& ip, const std::string& name, std::uint16_t type) {
  const auto query = dns::build_query(name, type, {42, false, 0});
  auto reply = dns::parse_message(lab::answer_query(query, zones_of(ip)));
  REQUIRE(reply);
  CHECK(reply->header.id == 42);
  CHECK(reply->header.qr);
  return *reply;
}

}  // namespace

TEST_CASE("the demo root refers to the TLD with glue", "[lab][dns]") {
  const auto reply = ask("127.53.1.1", "www.demo.lab", a);
  CHECK_FALSE(reply.header.aa);
  CHECK(reply.answers.empty());
  REQUIRE(reply.authorities.size() == 1);
  CHECK(reply.authorities[0].name == "lab");
  CHECK(reply.authorities[0].data == "ns1.nic.lab");
  REQUIRE(reply.additionals.size() == 1);
  CHECK(reply.additionals[0].data == "127.53.1.2");
}

TEST_CASE("the demo domain answers with authority, CNAMEs, NXDOMAIN and NODATA", "[lab][dns]") {
  auto reply = ask("127.53.1.3", "www.demo.lab", a);
  CHECK(reply.header.aa);
  REQUIRE(reply.answers.size() == 1);
  CHECK(reply.answers[0].data == "127.0.0.1");

  reply = ask("127.53.1.3", "api.demo.lab", dns::type::aaaa);
  REQUIRE(reply.answers.size() == 2);
  CHECK(reply.answers[0].type == dns::type::cname);
  CHECK(reply.answers[1].data == "::1");

  reply = ask("127.53.1.3", "nope.demo.lab", a);
  CHECK(reply.header.rcode == dns::rcode::nxdomain);
  REQUIRE(reply.authorities.size() == 1);
  CHECK(reply.authorities[0].type == dns::type::soa);

  reply = ask("127.53.1.3", "www.demo.lab", dns::type::mx);
  CHECK(reply.header.rcode == dns::rcode::noerror);
  CHECK(reply.answers.empty());
  CHECK(reply.authorities[0].type == dns::type::soa);
}

TEST_CASE("the demo servers refuse other zones and garbage", "[lab][dns][errors]") {
  CHECK(ask("127.53.1.3", "example.com", a).header.rcode == dns::rcode::refused);
  // A header followed by garbage gets FORMERR with the query's ID.
  const std::vector<std::uint8_t> garbage = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF};
  auto reply = dns::parse_message(lab::answer_query(garbage, zones_of("127.53.1.1")));
  REQUIRE(reply);
  CHECK(reply->header.id == 0x1234);
  CHECK(reply->header.rcode == dns::rcode::formerr);
  // Too short to answer, or a response: no reply at all.
  CHECK(lab::answer_query({}, zones_of("127.53.1.1")).empty());
  CHECK(lab::answer_query(std::vector<std::uint8_t>{0x12, 0x34, 0xFF}, zones_of("127.53.1.1"))
            .empty());
  auto response = dns::build_query("www.demo.lab", a, {1, false, 0});
  response[2] |= 0x80;
  CHECK(lab::answer_query(response, zones_of("127.53.1.3")).empty());
}
