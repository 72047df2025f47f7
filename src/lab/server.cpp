#include "reqscope/lab/server.hpp"

#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cors_routes.hpp"
#include "jwt_routes.hpp"
#include "latency_routes.hpp"
#include "parameters.hpp"
#include "ratelimit_routes.hpp"
#include "reqscope/tls/self_signed.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::lab {

namespace {

constexpr std::size_t kWorkerThreads = 64;

constexpr const char* kIndexHtml = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>reqscope lab</title></head>
<body><h1>reqscope lab</h1>
<p>A local server for learning and testing. Endpoints:</p>
<ul>
<li><code>/delay/{ms}</code> waits before answering</li>
<li><code>/drip?bytes=N&amp;ms=T</code> sends the body slowly</li>
<li><code>/latency?p50=20&amp;p99=200</code> waits a random time with that median and 99th
percentile</li>
<li><code>/flaky?error_rate=0.1&amp;delay=0</code> fails with a 500 at that rate</li>
<li><code>/status/{code}</code> answers with that status</li>
<li><code>/redirect/{n}</code> redirects n times</li>
<li><code>/bytes/{n}</code> sends n bytes</li>
<li><code>/headers</code> echoes the request headers</li>
<li><code>/close</code> drops the connection mid-response</li>
<li><code>/jwt/jwks.json</code> the lab's public keys; <code>/jwt/token?alg=RS256&amp;ttl=60&amp;sub=alice</code>
issues a token; <code>/jwt/protected</code> wants <code>Authorization: Bearer TOKEN</code></li>
<li><code>/cors/{name}?origin=https://app.test&amp;credentials=1</code> answers CORS preflights and
requests as its parameters say (also <code>wildcard</code>, <code>reflect</code>, <code>methods</code>,
<code>headers</code>, <code>expose</code>, <code>max_age</code>, <code>vary</code>,
<code>preflight_status</code>, <code>actual</code>, <code>status</code>)</li>
<li><code>/ratelimit/fixed?limit=5&amp;window=10</code> (a fixed window),
<code>/ratelimit/sliding?limit=5&amp;window=10</code> (a sliding log) and
<code>/ratelimit/token?rate=0.5&amp;burst=5</code> (a token bucket) answer 429 past their
limit, counted per client; <code>headers=ietf</code>, <code>draft</code>, <code>x</code> or
<code>none</code> chooses the rate-limit headers</li>
</ul>
<p>See reqscope-lab(1).</p>
</body></html>
)";

}  // namespace

struct LabServer::Impl {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::string scheme;
  std::string host;
  int port = 0;
  std::mutex mutex;
  std::condition_variable stop_requested;
  bool stopping = false;
  tls::KeyAndCertificate credentials;
  JwtRoutes jwt;
  CorsRoutes cors;

  // Waits for `duration` or until the server stops, whichever comes first; false when stopping.
  bool pause(std::chrono::microseconds duration) {
    std::unique_lock lock(mutex);
    return !stop_requested.wait_for(lock, duration, [this] { return stopping; });
  }

  void add_routes();
};

void LabServer::Impl::add_routes() {
  auto& svr = *server;

  svr.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kIndexHtml, "text/html; charset=utf-8");
  });

  svr.Get(R"(/delay/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto ms = parse_bounded(req.matches[1], kMaxDelayMs, why);
    if (!ms) return bad_request(res, "delay " + why + " (milliseconds, at most 60000)");
    pause(std::chrono::milliseconds(*ms));
    res.set_content("waited " + std::to_string(*ms) + " ms\n", "text/plain");
  });

  svr.Get("/drip", [this](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto bytes = parse_bounded(req.has_param("bytes") ? req.get_param_value("bytes") : "10",
                                     kMaxBodyBytes, why);
    if (!bytes) return bad_request(res, "bytes " + why);
    const auto ms =
        parse_bounded(req.has_param("ms") ? req.get_param_value("ms") : "1000", kMaxDelayMs, why);
    if (!ms) return bad_request(res, "ms " + why);
    // cpp-httplib treats a zero-length provider as chunked and never ends it.
    if (*bytes == 0) return res.set_content("", "application/octet-stream");
    // At most 100 pieces, so a large body drips in visible steps without a write per byte.
    const long pieces = std::clamp<long>(*bytes, 1, 100);
    res.set_content_provider(static_cast<std::size_t>(*bytes), "application/octet-stream",
                             [this, total = *bytes, pieces, ms = *ms](
                                 std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               const long piece_size = (total + pieces - 1) / pieces;
                               if (!pause(std::chrono::milliseconds(ms / pieces))) return false;
                               const auto size = static_cast<std::size_t>(
                                   std::min(piece_size, total - static_cast<long>(offset)));
                               const std::string chunk(size, '*');
                               return sink.write(chunk.data(), chunk.size());
                             });
  });

  svr.Get(R"(/status/([^/]*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto code = parse_bounded(req.matches[1], 599, why);
    if (!code || *code < 200)
      return bad_request(
          res, "status " +
                   (why.empty() ? util::quote(req.matches[1].str()) + " is below 200" : why) +
                   " (use 200-599)");
    res.status = static_cast<int>(*code);
    res.set_content("status " + std::to_string(*code) + "\n", "text/plain");
  });

  const auto redirect = [this](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto n = parse_bounded(req.matches[1], kMaxRedirects, why);
    if (!n) return bad_request(res, "redirect count " + why);
    if (*n == 0) {
      res.set_content("redirect chain done\n", "text/plain");
      return;
    }
    const bool absolute = req.has_param("absolute") && req.get_param_value("absolute") == "1";
    std::string location = "/redirect/" + std::to_string(*n - 1);
    if (absolute) {
      location = scheme + "://" + req.get_header_value("Host") + location + "?absolute=1";
    }
    res.status = 302;
    res.set_header("Location", location);
    res.set_content("redirecting to " + location + "\n", "text/plain");
  };
  svr.Get(R"(/redirect/([^/]*))", redirect);
  svr.Post(R"(/redirect/([^/]*))", redirect);

  svr.Get(R"(/bytes/([^/]*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string why;
    const auto n = parse_bounded(req.matches[1], kMaxBodyBytes, why);
    if (!n) return bad_request(res, "byte count " + why);
    if (*n == 0) return res.set_content("", "application/octet-stream");
    res.set_content_provider(static_cast<std::size_t>(*n), "application/octet-stream",
                             [](std::size_t, std::size_t length, httplib::DataSink& sink) {
                               static const std::string block(64 * 1024, 'x');
                               return sink.write(block.data(), std::min(length, block.size()));
                             });
  });

  const auto echo = [](const httplib::Request& req, httplib::Response& res) {
    nlohmann::ordered_json headers = nlohmann::ordered_json::object();
    for (const auto& [name, value] : req.headers) {
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT")
        continue;
      auto& slot = headers[name];
      slot = slot.is_null() ? value : slot.get<std::string>() + ", " + value;
    }
    const nlohmann::ordered_json body = {
        {"method", req.method}, {"headers", headers}, {"body_bytes", req.body.size()}};
    res.set_content(body.dump(2) + "\n", "application/json");
  };
  svr.Get("/headers", echo);
  svr.Post("/headers", echo);
  svr.Put("/headers", echo);
  svr.Patch("/headers", echo);
  svr.Delete("/headers", echo);

  svr.Get("/close", [](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(1000, "text/plain",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;
                               const std::string part(100, '.');
                               sink.write(part.data(), part.size());
                               return true;
                             });
  });

  jwt.add_to(svr);
  cors.add_to(svr);
  add_latency_routes(svr, [this](std::chrono::microseconds duration) { return pause(duration); });
  add_ratelimit_routes(svr);

  // Added last, so it takes only what no endpoint above took. Unlike an error
  // handler, it leaves an endpoint's own empty 404 alone, such as that of a
  // /cors preflight with preflight_status=404.
  const auto not_found = [](const httplib::Request& req, httplib::Response& res) {
    res.status = 404;
    res.set_content(
        "not found: " + util::quote(req.path) + " is not a lab endpoint; see reqscope-lab(1)\n",
        "text/plain");
  };
  // '.' would miss a path with a decoded %0A.
  route_every_method(svr, R"([\s\S]*)", not_found);
}

LabServer::LabServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LabServer::~LabServer() {
  stop();
}

Result<std::unique_ptr<LabServer>> LabServer::start(const LabOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->host = options.bind;
  impl->scheme = options.https ? "https" : "http";
  if (options.https) {
    if (!options.cert_file.empty() || !options.key_file.empty()) {
      impl->server =
          std::make_unique<httplib::SSLServer>(options.cert_file.c_str(), options.key_file.c_str());
    } else {
      auto credentials = tls::make_certificate(
          {"localhost", {"DNS:localhost", "IP:127.0.0.1", "IP:::1"}, 30, false});
      if (!credentials) return tl::unexpected(credentials.error());
      impl->credentials = std::move(*credentials);
      impl->server = std::make_unique<httplib::SSLServer>(impl->credentials.certificate.get(),
                                                          impl->credentials.key.get());
    }
    if (!impl->server->is_valid()) {
      return fail("bad_file",
                  "cannot load the certificate " + util::quote(options.cert_file) + " or key " +
                      util::quote(options.key_file),
                  "give a PEM certificate and its matching PEM private key");
    }
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  impl->server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  impl->server->set_keep_alive_max_count(1000);
  impl->server->set_payload_max_length(static_cast<std::size_t>(kMaxBodyBytes));
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle and
  // delayed ACKs add 40 ms to every keep-alive response.
  impl->server->set_tcp_nodelay(true);
  // cpp-httplib's default adds SO_REUSEPORT, which lets a second lab share a
  // busy port silently; a port in use must be an error.
  int listening = -1;
  impl->server->set_socket_options([&listening](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening = sock;
  });
  impl->add_routes();

  if (options.port == 0) {
    impl->port = impl->server->bind_to_any_port(options.bind);
  } else if (impl->server->bind_to_port(options.bind, options.port)) {
    impl->port = options.port;
  } else {
    impl->port = -1;
  }
  // Debian's compiled cpp-httplib listens with a backlog of 5: a burst of
  // connections (bench -c 10) would have SYNs dropped and retried a second
  // later. Listening again on the bound socket raises the backlog.
  if (impl->port > 0 && listening >= 0) listen(listening, SOMAXCONN);
  if (impl->port <= 0) {
    return fail("network",
                "cannot listen on " + options.bind + " port " + std::to_string(options.port),
                "the port may be in use or the address not local; try --port 0");
  }
  auto* server = impl->server.get();
  impl->thread = std::thread([server] { server->listen_after_bind(); });
  // cpp-httplib's stop() does nothing until the accept loop runs, so a lab
  // stopped right after start would never end: wait for the loop first.
  for (int waited_ms = 0; !server->is_running() && waited_ms < 5000; ++waited_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server->is_running()) {
    server->stop();
    impl->thread.join();
    return fail("network", "the lab's accept loop did not start on " + options.bind,
                "try another --port or --bind");
  }
  return std::unique_ptr<LabServer>(new LabServer(std::move(impl)));
}

std::string LabServer::url() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return impl_->scheme + "://" + (v6 ? "[" + impl_->host + "]" : impl_->host) + ":" +
         std::to_string(impl_->port);
}

std::uint16_t LabServer::port() const {
  return static_cast<std::uint16_t>(impl_->port);
}

void LabServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stop_requested.notify_all();
  impl_->server->stop();
  impl_->thread.join();
}

}  // namespace reqscope::lab
