#include <fmt/format.h>

#include <optional>

#include "cli.hpp"
#include "reqscope/bench/run.hpp"
#include "reqscope/cors/probe.hpp"
#include "reqscope/dns/walk.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/jwt/jwks_fetch.hpp"
#include "reqscope/jwt/verify.hpp"
#include "reqscope/lab/dns_server.hpp"
#include "reqscope/lab/server.hpp"
#include "reqscope/ratelimit/network.hpp"
#include "reqscope/ratelimit/probe.hpp"
#include "reqscope/ratelimit/report.hpp"
#include "reqscope/render/bench_human.hpp"
#include "reqscope/render/bench_json.hpp"
#include "reqscope/render/cors_human.hpp"
#include "reqscope/render/cors_json.hpp"
#include "reqscope/render/dns_human.hpp"
#include "reqscope/render/dns_json.hpp"
#include "reqscope/render/jwt_human.hpp"
#include "reqscope/render/jwt_json.hpp"
#include "reqscope/render/ratelimit_human.hpp"
#include "reqscope/render/ratelimit_json.hpp"
#include "reqscope/render/tls_human.hpp"
#include "reqscope/render/tls_json.hpp"
#include "reqscope/render/trace_human.hpp"
#include "reqscope/render/trace_json.hpp"
#include "reqscope/tls/findings.hpp"
#include "reqscope/tls/inspect.hpp"
#include "reqscope/util/base64.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

struct DemoStep {
  std::string title;
  std::string lesson;
  std::string url;
  bool follow = false;
  bool insecure = false;
};

// What the bench step loads: a median of 20 ms with a tail to 200 ms at p99.
constexpr const char* kDemoBenchPath = "/latency?p50=20&p99=200";
constexpr std::uint64_t kDemoBenchRequests = 200;
constexpr unsigned kDemoBenchConnections = 10;

// Where the JWT step gets its token from the lab.
constexpr const char* kDemoTokenPath = "/jwt/token?alg=RS256&ttl=300&sub=demo-user";

// What the JWT step found: the lab's token verified against its JWKS, and a
// copy whose payload was changed after signing.
struct JwtStep {
  std::optional<jwt::Verification> genuine;
  std::optional<jwt::Verification> tampered;
  std::optional<Error> error;
};

// The token with its "sub" changed to "admin" and the signature kept.
std::string tampered_copy(const jwt::Token& token) {
  auto claims = token.claims;
  claims["sub"] = "admin";
  return token.header_segment + "." + util::base64url_encode(claims.dump()) + "." +
         token.signature_segment;
}

JwtStep run_jwt_step(const std::string& base, std::chrono::nanoseconds timeout) {
  JwtStep step;
  auto reply = jwt::fetch_document(base + kDemoTokenPath, timeout, "the token");
  if (!reply) {
    step.error = reply.error();
    return step;
  }
  auto parsed = jwt::parse_object(*reply, "the lab's token reply");
  if (!parsed || !(*parsed)["access_token"].is_string()) {
    step.error = Error{"http_protocol", "the lab's /jwt/token reply has no access_token", ""};
    return step;
  }
  auto jwks = jwt::fetch_jwks(base + "/jwt/jwks.json", timeout);
  if (!jwks) {
    step.error = jwks.error();
    return step;
  }
  auto keys = jwt::load_keys(*jwks, "--jwks " + util::quote(base + "/jwt/jwks.json"));
  if (!keys) {
    step.error = keys.error();
    return step;
  }
  jwt::VerifyOptions options;
  options.issuer = "reqscope-lab";
  options.audiences = {"reqscope-lab"};
  options.now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  step.genuine = jwt::verify_token((*parsed)["access_token"].get<std::string>(), *keys, options);
  if (step.genuine->token) {
    step.tampered = jwt::verify_token(tampered_copy(*step.genuine->token), *keys, options);
  }
  return step;
}

// The CORS step: the page's origin, and the lab URL before and after the fix.
constexpr const char* kDemoOrigin = "https://app.example";
constexpr const char* kDemoCorsBlocked = "/cors/api?origin=https://app.example&methods=GET";
constexpr const char* kDemoCorsFixed =
    "/cors/api?origin=https://app.example&methods=GET,PUT&headers=x-api-key&max_age=600";

// A page of kDemoOrigin calling `url` with PUT and an API key header.
cors::CorsRun run_cors_step(const std::string& url, std::chrono::nanoseconds timeout) {
  cors::ProbeOptions options;
  options.transport.timeout = timeout;
  const cors::Request page{*cors::parse_origin(kDemoOrigin), "PUT", {{"X-Api-Key", "demo"}}, false};
  return cors::run_cors(*http::parse_url(url), page, options);
}

// What the rate-limit step probes: a token bucket of 10 that refills 10 a
// second. The lab's Retry-After is in whole seconds, and the probe honours
// each: at 10 a second it is done in about 4 s (at 5, nearly 6).
constexpr const char* kDemoRateLimitPath = "/ratelimit/token?rate=10&burst=10";

// `reqscope ratelimit URL --probe`: the report's status and headers are the
// probe's first answer's.
ratelimit::RateLimitReport run_ratelimit_step(const std::string& url,
                                              std::chrono::nanoseconds timeout) {
  http::TraceOptions options;
  options.timeout = timeout;
  const auto sender = ratelimit::make_network_sender(*http::parse_url(url), options, 1);
  return ratelimit::report_of_probe(
      url, "GET", ratelimit::run_probe(*sender, ratelimit::ProbeOptions{}), options.headers);
}

int run_demo(const GlobalOptions& global) {
  auto timeout = timeout_of(global);
  if (!timeout) return report_error(global, "demo", timeout.error());
  auto plain = lab::LabServer::start({});
  if (!plain) return report_error(global, "demo", plain.error());
  lab::LabOptions tls_options;
  tls_options.https = true;
  auto secure = lab::LabServer::start(tls_options);
  if (!secure) return report_error(global, "demo", secure.error());
  auto names = lab::DnsLab::start();
  if (!names) return report_error(global, "demo", names.error());

  const auto base = (*plain)->url();
  const std::vector<DemoStep> steps = {
      {"A fast endpoint", "A small page from a local server: every phase is tiny.", base + "/",
       false, false},
      {"A slow endpoint", "The server waits 300 ms before answering: watch the wait phase.",
       base + "/delay/300", false, false},
      {"A redirect chain",
       "Three redirects before the answer: each hop is its own row, and\n"
       "the later hops reuse the first hop's connection.",
       base + "/redirect/3", true, false},
      {"HTTPS",
       "A TLS handshake appears. The lab's certificate is self-signed, so it\n"
       "is shown but not trusted; --insecure lets the request go on.",
       (*secure)->url() + "/", false, true},
  };

  const auto style = style_for(global);
  const auto step_count = steps.size() + 6;
  const auto heading = [&](std::size_t index, const std::string& title, const std::string& lesson,
                           const std::string& command) {
    print_stdout(fmt::format(
        "{}\n{}\n$ {}\n\n",
        style.bold(fmt::format("== Step {} of {}: {} ==", index + 1, step_count, title)), lesson,
        command));
  };
  const bool default_timeout = *timeout == timeout_of(GlobalOptions{}).value();
  render::Json documents = render::Json::array();
  // The exit code of the first step that failed, as `reqscope trace` or `dns` would give it.
  std::optional<ExitCode> failed;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    http::TraceOptions options;
    options.follow_redirects = step.follow;
    options.insecure = step.insecure;
    options.timeout = *timeout;
    const auto url = http::parse_url(step.url);
    http::Tracer tracer(options);
    auto result = tracer.run(*url);
    if (!result.ok() && !failed) failed = exit_code_for(result.failure->error.kind);
    const auto command = fmt::format("reqscope trace{}{} {}{} --explain", step.follow ? " -L" : "",
                                     step.insecure ? " --insecure" : "", step.url,
                                     default_timeout ? "" : " --timeout " + global.timeout);
    if (global.json) {
      documents.push_back({{"title", step.title},
                           {"command", command},
                           {"trace", render::trace_json(result, global.show_secrets)}});
      continue;
    }
    heading(i, step.title, step.lesson, command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout(render::render_trace({result}, {}, 1, human) + "\n");
  }

  // The HTTPS server's TLS up close: its chain, why clients refuse it, its versions.
  tls::InspectOptions inspect_options;
  inspect_options.target = {"127.0.0.1", (*secure)->port()};
  inspect_options.timeout = *timeout;
  inspect_options.probe_versions = true;
  const tls::FindingOptions finding_options{14, true};
  const auto inspection = tls::inspect(inspect_options);
  const auto tls_command =
      fmt::format("reqscope tls 127.0.0.1:{} --versions --insecure{} --explain", (*secure)->port(),
                  default_timeout ? "" : " --timeout " + global.timeout);
  const std::string tls_title = "The TLS certificate, up close";
  if (!inspection && !failed) failed = exit_code_for(inspection.error().kind);
  const auto findings =
      inspection ? tls::evaluate(*inspection, finding_options) : std::vector<tls::Finding>{};
  if (inspection && tls::has_error(findings) && !failed) failed = ExitCode::check_failed;
  if (global.json) {
    // Like the other steps' results, without a schema of its own.
    auto result = inspection ? render::Json(render::tls_document(*inspection, findings))
                             : render::Json{{"error", render::error_json(inspection.error())}};
    result.erase("schema");
    documents.push_back({{"title", tls_title}, {"command", tls_command}, {"tls", result}});
  } else {
    heading(steps.size(), tls_title,
            "reqscope tls looks at the same HTTPS server: the chain it sends, why a\n"
            "client refuses it (self-signed), and which TLS versions it accepts.",
            tls_command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout((inspection ? render::render_tls(*inspection, findings, human)
                             : render::error_block(inspection.error())) +
                 "\n");
  }

  // Where an address comes from, walked on a local DNS hierarchy.
  dns::WalkOptions walk_options;
  walk_options.roots = {{"a.root-servers.lab", (*names)->root_ip()}};
  walk_options.port = (*names)->port();
  walk_options.timeout = *timeout;
  const auto walk = dns::Walker(walk_options).walk("www.demo.lab", dns::type::a);
  if (!failed && walk.error) failed = exit_code_for(walk.error->kind);
  if (!failed && !walk.found()) failed = ExitCode::check_failed;
  const auto walk_command = "reqscope dns www.demo.lab --trace --root " + (*names)->root() +
                            (default_timeout ? "" : " --timeout " + global.timeout) + " --explain";
  const std::string walk_title = "DNS, from the root";
  if (global.json) {
    documents.push_back(
        {{"title", walk_title}, {"command", walk_command}, {"dns", render::walk_json(walk)}});
  } else {
    heading(steps.size() + 1, walk_title,
            "Before any of this, a name becomes an address. A resolver asks a root\n"
            "server, is referred to the TLD's servers, then to the domain's own:\n"
            "here on a tiny hierarchy the demo runs on 127.53.1.x.",
            walk_command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout(render::render_walk(walk, human) + "\n");
  }
  // Tokens: one issued by the lab, verified against its published keys, and a
  // forged copy that the same check refuses.
  const auto jwt_step = run_jwt_step(base, *timeout);
  const bool jwt_ok =
      jwt_step.genuine && jwt_step.genuine->valid && jwt_step.tampered && !jwt_step.tampered->valid;
  if (!failed && jwt_step.error) failed = exit_code_for(jwt_step.error->kind);
  if (!failed && !jwt_ok) failed = ExitCode::check_failed;
  const auto jwt_command = "reqscope jwt verify \"$(curl -s '" + base + kDemoTokenPath +
                           "' | jq -r .access_token)\" --jwks " + base +
                           "/jwt/jwks.json --iss reqscope-lab --aud reqscope-lab" +
                           (default_timeout ? "" : " --timeout " + global.timeout) + " --explain";
  const std::string jwt_title = "A JSON Web Token, genuine and forged";
  if (global.json) {
    render::Json result;
    if (jwt_step.error) {
      result = {{"error", render::error_json(*jwt_step.error)}};
    } else {
      result = render::jwt_verify_document(*jwt_step.genuine, global.show_secrets);
      result.erase("schema");
    }
    render::Json tampered = nullptr;
    if (jwt_step.tampered) {
      tampered = render::jwt_verify_document(*jwt_step.tampered, global.show_secrets);
      tampered.erase("schema");
    }
    documents.push_back(
        {{"title", jwt_title}, {"command", jwt_command}, {"jwt", result}, {"tampered", tampered}});
  } else {
    heading(steps.size() + 2, jwt_title,
            "The lab issues a signed token and publishes its public keys (a JWKS).\n"
            "reqscope verifies the token with them; then a copy whose payload says\n"
            "sub \"admin\" is checked the same way, and its signature gives it away.",
            jwt_command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    if (jwt_step.error) {
      print_stdout(render::error_block(*jwt_step.error) + "\n");
    } else {
      print_stdout(render::render_jwt_verify(*jwt_step.genuine, human) + "\n");
    }
    if (jwt_step.tampered) {
      human.explain = false;
      print_stdout("The forged copy (sub changed to \"admin\", signature kept):\n\n" +
                   render::render_jwt_verify(*jwt_step.tampered, human) + "\n");
    }
  }
  // A cross-origin call a browser blocks, and the same call once the server allows it.
  const auto blocked = run_cors_step(base + kDemoCorsBlocked, *timeout);
  const auto fixed = run_cors_step(base + kDemoCorsFixed, *timeout);
  for (const auto* run : {&blocked, &fixed}) {
    if (!failed && !run->ok()) failed = exit_code_for(run->failure->error.kind);
  }
  if (!failed && (blocked.evaluation.allowed || !fixed.evaluation.allowed))
    failed = ExitCode::check_failed;
  const auto cors_command = [&](const char* path) {
    return "reqscope cors '" + base + path + "' --origin " + kDemoOrigin +
           " -X PUT -H 'X-Api-Key: demo'" + (default_timeout ? "" : " --timeout " + global.timeout);
  };
  const std::string cors_title = "A cross-origin call, blocked and then allowed";
  if (global.json) {
    const auto document = [&](const cors::CorsRun& run) {
      if (!run.ok()) return render::Json{{"error", render::error_json(run.failure->error)}};
      auto result = render::cors_document(run, false, global.show_secrets);
      result.erase("schema");
      return result;
    };
    documents.push_back({{"title", cors_title},
                         {"command", cors_command(kDemoCorsBlocked) + " --explain"},
                         {"cors", document(blocked)},
                         {"fixed_command", cors_command(kDemoCorsFixed)},
                         {"fixed", document(fixed)}});
  } else {
    heading(steps.size() + 3, cors_title,
            "A page on https://app.example sends PUT with an X-Api-Key header to the\n"
            "lab. The browser asks first (a preflight) and the lab's answer does not\n"
            "allow PUT or the header, so the call is blocked; the fix names the\n"
            "headers to send. With them (the second URL) the same call is allowed.",
            cors_command(kDemoCorsBlocked) + " --explain");
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    const auto show = [&](const cors::CorsRun& run) {
      return run.ok() ? render::render_cors(run, false, human)
                      : render::error_block(run.failure->error);
    };
    print_stdout(show(blocked) + "\n");
    human.explain = false;
    print_stdout("The fixed server:\n$ " + cors_command(kDemoCorsFixed) + "\n\n" + show(fixed) +
                 "\n");
  }
  // Latency under load: a server whose median hides a slow tail.
  bench::BenchConfig load;
  load.url = *http::parse_url(base + kDemoBenchPath);
  load.requests = kDemoBenchRequests;
  load.connections = kDemoBenchConnections;
  load.request.timeout = *timeout;
  const auto measured = bench::run_bench(load);
  if (!failed && !measured) failed = exit_code_for(measured.error().kind);
  if (!failed && measured && measured->responses == 0) failed = ExitCode::network;
  const auto bench_command = fmt::format("reqscope bench '{}{}' -n {} -c {}{} --explain", base,
                                         kDemoBenchPath, kDemoBenchRequests, kDemoBenchConnections,
                                         default_timeout ? "" : " --timeout " + global.timeout);
  const std::string bench_title = "Latency under load: the median and the tail";
  if (global.json) {
    render::Json result;
    if (measured) {
      result = render::bench_document(*measured, {}, std::nullopt);
      result.erase("schema");
    } else {
      result = {{"error", render::error_json(measured.error())}};
    }
    documents.push_back({{"title", bench_title}, {"command", bench_command}, {"bench", result}});
  } else {
    heading(steps.size() + 4, bench_title,
            "The lab's /latency endpoint answers most requests in about 20 ms but one\n"
            "in a hundred takes 200 ms or more, as a slow query or a cold cache would.\n"
            "reqscope bench sends 200 requests over 10 connections: the mean looks\n"
            "fine, p99 tells the truth, and the phases say where the time goes.",
            bench_command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout((measured ? render::render_bench(*measured, {}, std::nullopt, human) +
                                 render::explain_bench(*measured)
                           : render::error_block(measured.error())) +
                 "\n");
  }
  // Rate limits: a token bucket's size and refill, learned from its answers.
  const auto limited = run_ratelimit_step(base + kDemoRateLimitPath, *timeout);
  const auto& probe = *limited.probe;
  if (!failed && (limited.failure || probe.stop_reason == "failed")) failed = ExitCode::network;
  if (!failed && !probe.limit) failed = ExitCode::check_failed;
  const auto ratelimit_command =
      fmt::format("reqscope ratelimit '{}{}' --probe{} --explain", base, kDemoRateLimitPath,
                  default_timeout ? "" : " --timeout " + global.timeout);
  const std::string ratelimit_title = "A rate limit, found by asking";
  if (global.json) {
    auto result = render::ratelimit_document(limited);
    result.erase("schema");
    documents.push_back(
        {{"title", ratelimit_title}, {"command", ratelimit_command}, {"ratelimit", result}});
  } else {
    heading(steps.size() + 5, ratelimit_title,
            "The lab's /ratelimit/token lets a client send 10 requests at once, then\n"
            "10 a second, as a token bucket does. reqscope ratelimit --probe bursts\n"
            "until the first 429, waits as Retry-After says, then paces requests to\n"
            "measure the refill: the limit, the rate and the algorithm, with the\n"
            "evidence, in a few dozen requests.",
            ratelimit_command);
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout(render::render_ratelimit(limited, human) + render::explain_ratelimit(limited) +
                 "\n");
  }
  if (global.json) {
    print_json(render::Json{{"schema", "reqscope.demo/1"}, {"ok", !failed}, {"steps", documents}});
  } else {
    print_stdout(
        fmt::format("The lab ran at {} and {};\nits DNS root answered at {}.\n"
                    "Start your own with `reqscope lab` (add --dns for the DNS hierarchy).\n",
                    base, (*secure)->url(), (*names)->root()));
  }
  return static_cast<int>(failed.value_or(ExitCode::ok));
}

}  // namespace

void register_demo(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto* cmd = app.add_subcommand("demo", "Trace lab endpoints with --explain, offline");
  cmd->footer(kGlobalFooter);
  cmd->callback([&global, &runner] { runner = [&global] { return run_demo(global); }; });
}

}  // namespace reqscope::cli
