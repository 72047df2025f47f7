#include "support/nsd.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace reqscope::test {

namespace {

constexpr const char* kZone = R"($ORIGIN reqscope.test.
$TTL 300
@       IN SOA ns.reqscope.test. admin.reqscope.test. 1 3600 600 86400 300
@       IN NS  ns.reqscope.test.
ns      IN A   127.0.0.1
www     IN A   127.0.0.1
www     IN AAAA ::1
api     IN CNAME www
v4only  IN A   127.0.0.1
)";

constexpr const char* kConfig = R"(server:
  ip-address: 127.0.0.1
  port: {port}
  zonesdir: {dir}
  pidfile: {dir}/nsd.pid
  database: ""
  username: ""
  logfile: {dir}/nsd.log
  xfrdfile: {dir}/xfrd.state
  zonelistfile: {dir}/zone.list
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: reqscope.test
  zonefile: reqscope.test.zone
)";

}  // namespace

Nsd::Nsd() {
  dir_.write("reqscope.test.zone", kZone);
  port_ = free_port();
  const auto config = dir_.write(
      "nsd.conf", fmt::format(kConfig, fmt::arg("port", port_), fmt::arg("dir", dir_.path())));
  process_ = std::make_unique<Process>(std::vector<std::string>{REQSCOPE_NSD, "-d", "-c", config});
  // NSD answers TCP on the same port as UDP; once TCP accepts, the zone is loaded.
  if (!wait_for_port(port_)) {
    process_.reset();
    throw std::runtime_error("nsd did not start; see its nsd.log");
  }
}

Nsd::~Nsd() {
  process_.reset();
}

}  // namespace reqscope::test
