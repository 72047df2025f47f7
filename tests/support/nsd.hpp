#pragma once

#include <memory>
#include <string>

#include "support/process.hpp"

namespace reqscope::test {

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
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace reqscope::test
