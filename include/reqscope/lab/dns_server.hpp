#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "reqscope/dns/message.hpp"
#include "reqscope/error.hpp"

namespace reqscope::lab {

// A zone as an authoritative server holds it: the apex first (SOA, NS), then
// any records; NS records below the apex are delegations, and A/AAAA records
// of their server names are glue.
struct Zone {
  std::string origin;  // "." for the root
  std::vector<dns::Record> records;
};

// What an authoritative server answers to `query` from `zones`: an answer
// (AA), a referral with glue, NXDOMAIN or NODATA with the SOA, REFUSED for a
// name outside its zones, FORMERR for a query that does not parse. Pure, so
// the hierarchy's behaviour is unit-testable.
std::vector<std::uint8_t> answer_query(std::span<const std::uint8_t> query,
                                       const std::vector<Zone>& zones);

// The demo hierarchy: root on 127.53.1.1, "lab." on 127.53.1.2, "demo.lab."
// on 127.53.1.3, all on one UDP port. www.demo.lab is 127.0.0.1 and ::1;
// api.demo.lab is a CNAME to www.
struct LabServerZones {
  std::string ip;
  std::vector<Zone> zones;
};
std::vector<LabServerZones> demo_hierarchy();

// A tiny authoritative DNS hierarchy on loopback for `lab --dns` and `demo`:
// one UDP socket per server address, all on the same port, answered by one
// thread. Listening when start() returns; stopped when destroyed.
class DnsLab {
 public:
  // port 0 picks a port free on every address.
  static Result<std::unique_ptr<DnsLab>> start(std::uint16_t port = 0);
  ~DnsLab();
  DnsLab(const DnsLab&) = delete;
  DnsLab& operator=(const DnsLab&) = delete;

  // "127.53.1.1:PORT", the value for --root.
  std::string root() const;
  // The root server's address alone.
  std::string root_ip() const;
  std::uint16_t port() const;

 private:
  struct Impl;
  explicit DnsLab(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace reqscope::lab
