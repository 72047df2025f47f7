#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace reqscope::test {

// One zone served by an NsdServer.
struct NsdZone {
  std::string origin;  // fully qualified: "." or "example.test."
  std::string text;    // the zone file
};

// One NSD process serving `zones` on ip:port, with its config, zone files and
// nsd.log in a directory of its own. Shared by Nsd below and by DnsHierarchy
// (dns_hierarchy.hpp); tests use those rather than this.
//
// Ready when constructed: every zone has answered its SOA authoritatively over
// TCP. A TCP connect alone is not enough, because NSD listens before it reads
// the zone files, and a zone that fails to load is served as SERVFAIL rather
// than stopping NSD. Throws std::runtime_error, with nsd.log, when NSD exits
// (for example because ip:port is taken) or a zone does not load.
// Stopped when destroyed.
class NsdServer {
 public:
  NsdServer(const std::string& ip, int port, const std::vector<NsdZone>& zones);
  ~NsdServer();
  NsdServer(const NsdServer&) = delete;
  NsdServer& operator=(const NsdServer&) = delete;

 private:
  TempDir dir_;  // declared first: outlives the process writing into it
  std::unique_ptr<Process> process_;
};

// A real authoritative DNS server (NSD) on 127.0.0.1 and a free port, serving
// the zone `reqscope.test`:
//   www     A 127.0.0.1, AAAA ::1
//   api     CNAME www
//   v4only  A 127.0.0.1
// Anything else in the zone is NXDOMAIN. Stopped when destroyed.
class Nsd {
 public:
  Nsd();
  ~Nsd();
  Nsd(const Nsd&) = delete;
  Nsd& operator=(const Nsd&) = delete;

  // The value for --dns-server.
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  std::unique_ptr<NsdServer> server_;
};

}  // namespace reqscope::test
