#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/nsd.hpp"

namespace reqscope::test {

// A real DNS hierarchy on loopback for the iterative resolver
// (`reqscope dns NAME --trace --root <root()>`): three NSD processes and a
// silent server, all on the one port port(). A parent zone and its child live
// in different NSD processes, because NSD answers from the closest zone it
// hosts, whichever of its addresses is asked.
//
//   root    127.53.0.1  .              test. NS ns1.nic.test. (glue A 127.53.0.2)
//   tld     127.53.0.2  test.          the delegations below; ns1.nic, dead.nic, a.root-servers
//   leaf    127.53.0.3  example.test.  other.test.  flaky.test.
//   silent  127.53.0.9  a UDP socket that never reads: UDP queries time out, TCP is refused
//
// Names, and what they exercise:
//   www.example.test A / AAAA   referral root -> tld -> leaf, with glue; 127.0.0.1 / ::1
//   www.example.test MX         NODATA (NOERROR, empty answer, SOA in authority)
//   nope.example.test           NXDOMAIN
//   example.test MX             10 mail.example.test. (mail A 127.0.0.1)
//   example.test TXT / CAA      "v=reqscope-test" / 0 issue "letsencrypt.org"
//   _http._tcp.example.test SRV 0 5 8080 www.example.test.
//   inzone.example.test         CNAME www.example.test. (inside the zone)
//   alias.example.test          CNAME www.other.test. (into another zone), A 127.0.0.7
//   loop.example.test           CNAME loop.other.test., which is CNAME loop.example.test.
//   www.other.test A            glueless: other.test. NS ns.example.test., whose address
//                               only the example.test zone has; 127.0.0.7
//   www.flaky.test A            lame first server: NS dead.nic.test. (silent), then
//                               ns1.example.test.; 127.0.0.8
//   www.dead.test A             fully lame: its only NS is dead.nic.test. (silent)
//   hop0.example.test A         a CNAME chain that changes zone ten times (hop1.other.test,
//                               hop2.example.test, ... hop10.example.test A 127.0.0.10): past
//                               the walk's depth limit of 8
//   dangling.example.test       CNAME gone.example.test., which does not exist: NXDOMAIN
//                               that is about the CNAME's target (RFC 6604)
//   www.cyc1.test A             a glueless cycle: cyc1.test's only server is ns.cyc2.test,
//                               cyc2.test's only server is ns.cyc1.test, no glue anywhere
//   www.many.test A             70 servers on 127.53.2.1-70 where nothing listens: past the
//                               walk's limit of 64 queries
//   big.example.test TXT        2048 bytes of TXT: truncated over UDP (TC, empty answer) even
//                               with EDNS 1232, so the answer needs TCP
//
// What NSD 4.6 does with them, which tests may rely on:
//   - referrals list the NS in zone-file order (dead.nic.test. first for flaky.test.) and carry
//     every address the parent zone holds for them, ns1.example.test. included in the
//     flaky.test. referral; the other.test. referral has no additional records;
//   - leaf follows CNAMEs into the other zones it hosts: alias.example.test is answered with
//     the CNAME and www.other.test's A, loop.example.test with both CNAMEs and NOERROR.
//
// Started when constructed; throws std::runtime_error, with nsd.log, when an instance does
// not start (after retrying on new ports, since free_port() only checks 127.0.0.1).
// Stopped when destroyed.
class DnsHierarchy {
 public:
  DnsHierarchy();
  ~DnsHierarchy();
  DnsHierarchy(const DnsHierarchy&) = delete;
  DnsHierarchy& operator=(const DnsHierarchy&) = delete;

  int port() const { return port_; }
  // The value for --root: "127.53.0.1:PORT".
  std::string root() const { return server("root"); }
  // "IP:PORT" of "root", "tld", "leaf" or "silent"; std::invalid_argument for other names.
  std::string server(const std::string& which) const;

 private:
  class SilentServer;

  int port_ = 0;
  std::unique_ptr<SilentServer> silent_;
  std::vector<std::unique_ptr<NsdServer>> nsd_;
};

}  // namespace reqscope::test
