#include "reqscope/http/phases.hpp"

#include <catch2/catch.hpp>

using namespace reqscope::http;
using namespace std::chrono;

TEST_CASE("cumulative instants become non-cumulative phases that sum to total", "[phases]") {
  PhaseMarks marks;
  marks.dns = milliseconds(5);
  marks.connected = milliseconds(10);
  marks.tls_done = milliseconds(30);
  marks.request_sent = milliseconds(31);
  marks.first_byte = milliseconds(231);
  marks.done = milliseconds(240);
  const auto p = compute_phases(marks);
  CHECK(p.dns == milliseconds(5));
  CHECK(p.connect == milliseconds(10));
  CHECK(p.tls == milliseconds(20));
  CHECK(p.send == milliseconds(1));
  CHECK(p.wait == milliseconds(200));
  CHECK(p.transfer == milliseconds(9));
  CHECK(p.total == milliseconds(245));
  CHECK(p.dns + p.connect + p.tls + p.send + p.wait + p.transfer == p.total);
  CHECK(time_to_first_byte(p) == milliseconds(236));
}

TEST_CASE("plain HTTP and reused connections have zero connect or TLS", "[phases]") {
  PhaseMarks marks;
  marks.connected = microseconds(50);
  marks.first_byte = milliseconds(2);
  marks.done = milliseconds(3);
  auto p = compute_phases(marks);
  CHECK(p.tls == nanoseconds(0));
  CHECK(p.send == nanoseconds(0));
  CHECK(p.wait == milliseconds(2) - microseconds(50));
  CHECK(p.total == milliseconds(3));

  PhaseMarks reused;
  reused.first_byte = milliseconds(1);
  reused.done = milliseconds(1);
  p = compute_phases(reused);
  CHECK(p.connect == nanoseconds(0));
  CHECK(p.wait == milliseconds(1));
  CHECK(p.transfer == nanoseconds(0));
}

TEST_CASE("out-of-order and negative instants are clamped, never negative", "[phases]") {
  PhaseMarks marks;
  marks.dns = milliseconds(-3);
  marks.connected = milliseconds(20);
  marks.tls_done = milliseconds(10);
  marks.request_sent = milliseconds(500);
  marks.first_byte = milliseconds(15);
  marks.done = milliseconds(5);
  const auto p = compute_phases(marks);
  for (auto d : {p.dns, p.connect, p.tls, p.send, p.wait, p.transfer, p.total})
    CHECK(d >= nanoseconds(0));
  CHECK(p.dns + p.connect + p.tls + p.send + p.wait + p.transfer == p.total);
  CHECK(p.total == milliseconds(20));
}
