#include <catch2/catch.hpp>

#include "reqscope/http/expectations.hpp"
#include "reqscope/render/trace_human.hpp"
#include "reqscope/render/trace_json.hpp"

using namespace reqscope;
using namespace std::chrono;

namespace {

http::TraceResult sample_trace() {
  http::TraceResult trace;
  trace.url = "https://api.test/items";
  http::Hop hop;
  hop.url = trace.url;
  hop.method = "GET";
  hop.status = 200;
  hop.http_version = "HTTP/2";
  hop.remote_ip = "192.0.2.10";
  hop.remote_port = 443;
  dns::Resolution resolution;
  resolution.host = "api.test";
  resolution.source = "dns";
  resolution.servers = {"192.0.2.53:53"};
  resolution.queries.push_back(
      {"api.test", "A", "NOERROR", "api.test", {{"192.0.2.10", 300}}, milliseconds(4)});
  resolution.addresses = {"192.0.2.10"};
  resolution.duration = milliseconds(4);
  hop.dns = resolution;
  hop.connects.push_back({"192.0.2.10", 443, "IPv4", "ok", "", milliseconds(10)});
  tls::Summary tls;
  tls.version = "TLSv1.3";
  tls.alpn = "h2";
  tls.verified = true;
  tls.verify_result = "ok";
  hop.tls = tls;
  hop.request_headers = {{"Authorization", "Bearer topsecret"}, {"Accept", "*/*"}};
  hop.response_headers = {{"Set-Cookie", "id=hidden"}, {"Server", "test"}};
  hop.body_bytes = 2048;
  http::PhaseMarks marks{milliseconds(4),  milliseconds(10),  milliseconds(30),
                         milliseconds(31), milliseconds(231), milliseconds(240)};
  hop.phases = http::compute_phases(marks);
  trace.hops.push_back(hop);
  trace.total = hop.phases.total;
  return trace;
}

}  // namespace

TEST_CASE("the JSON document carries the documented trace shape", "[render][json]") {
  const auto doc = render::trace_document({sample_trace()}, {}, 1, false);
  CHECK(doc["schema"] == "reqscope.trace/1");
  CHECK(doc["ok"] == true);
  CHECK(doc["total_ms"].get<double>() == Approx(244.0));
  const auto& hop = doc["hops"][0];
  CHECK(hop["phases"]["wait_ms"].get<double>() == Approx(200.0));
  CHECK(hop["dns"]["queries"][0]["answers"][0]["ttl_s"] == 300);
  CHECK(hop["tls"]["alpn"] == "h2");
  const auto dumped = doc.dump();
  CHECK(dumped.find("topsecret") == std::string::npos);
  CHECK(dumped.find("hidden") == std::string::npos);
  CHECK(render::trace_document({sample_trace()}, {}, 1, true).dump().find("topsecret") !=
        std::string::npos);
}

TEST_CASE("repeated runs carry runs and stats", "[render][json]") {
  const auto doc = render::trace_document({sample_trace(), sample_trace()}, {}, 2, false);
  CHECK(doc["runs"].size() == 2);
  CHECK(doc["interrupted"] == false);
  CHECK(doc["ok"] == true);
  const auto partial = render::trace_document({sample_trace(), sample_trace()}, {}, 5, false);
  CHECK(partial["interrupted"] == true);
  CHECK(partial["ok"] == false);
  CHECK(doc["stats"]["wait_ms"]["p50"].get<double>() == Approx(200.0));
  CHECK_FALSE(doc.contains("hops"));
}

TEST_CASE("a failed trace carries the error kind and phase", "[render][json]") {
  auto trace = sample_trace();
  trace.failure = http::TraceFailure{{"connect_refused", "refused", "start the server"}, "connect"};
  const auto doc = render::trace_document({trace}, {}, 1, false);
  CHECK(doc["ok"] == false);
  CHECK(doc["error"]["kind"] == "connect_refused");
  CHECK(doc["error"]["phase"] == "connect");
  const auto error = render::error_document("reqscope.trace/1", {"bad_url", "bad", ""});
  CHECK(error["error"]["kind"] == "bad_url");
}

TEST_CASE("the human view leads with the verdict and fits 80 columns", "[render][human]") {
  render::HumanOptions options;
  const auto text = render::render_trace({sample_trace()}, {}, 1, options);
  CHECK(text.rfind("OK  200", 0) == 0);
  CHECK(text.find("wait") != std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    INFO(line);
    CHECK(line.size() <= 80);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  options.verbose = true;
  const auto verbose = render::render_trace({sample_trace()}, {}, 1, options);
  CHECK(verbose.find("Authorization: Bearer [redacted") != std::string::npos);
  CHECK(verbose.find("topsecret") == std::string::npos);
  options.style.color = true;
  CHECK(render::render_trace({sample_trace()}, {}, 1, options).find("\x1b[") != std::string::npos);
}

TEST_CASE("option --explain names the dominant phase within 80 columns", "[render][explain]") {
  const auto text = render::explain_trace(sample_trace());
  CHECK(text.find("largest phase is wait") != std::string::npos);
  CHECK(text.find("Most time is server wait") != std::string::npos);
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos;
       start = end + 1, end = text.find('\n', start)) {
    INFO(text.substr(start, end - start));
    CHECK(end - start <= 80);
  }
}

TEST_CASE("a fast trace is not diagnosed as slow", "[render][explain]") {
  auto trace = sample_trace();
  trace.hops[0].phases =
      http::compute_phases({{}, microseconds(50), {}, {}, microseconds(300), microseconds(400)});
  trace.total = trace.hops[0].phases.total;
  CHECK(render::explain_trace(trace).find("nothing here is slow") != std::string::npos);
}

TEST_CASE("expectations check status, total and time to first byte", "[expectations]") {
  const auto trace = sample_trace();
  http::Expectations expect;
  expect.status = 200;
  expect.max_total_ms = 100;
  expect.max_ttfb_ms = 500;
  const auto checks = http::evaluate(trace, expect);
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].ok);
  CHECK_FALSE(checks[1].ok);
  CHECK(checks[1].detail.find("244.00 ms > limit 100.00 ms") != std::string::npos);
  CHECK(checks[2].ok);
  auto failed = trace;
  failed.failure = http::TraceFailure{{"timeout", "t", ""}, "wait"};
  CHECK(http::evaluate(failed, expect).empty());
}
