#include <unistd.h>

#include <cstdio>

#include "cli.hpp"
#include "reqscope/cors/probe.hpp"
#include "reqscope/render/cors_human.hpp"
#include "reqscope/render/cors_json.hpp"
#include "request_options.hpp"

namespace reqscope::cli {

namespace {

struct CorsArgs {
  std::string url;
  std::string origin;
  RequestArgs request;
  ConnectionArgs connection;
  bool credentials = false;
  std::string content_type;
  bool content_type_given = false;
  bool scan = false;
};

struct Plan {
  http::Url url;
  cors::Request request;
  cors::ProbeOptions probe;
};

Result<Plan> make_plan(const CorsArgs& args, const GlobalOptions& global) {
  Plan plan;
  auto url = http::parse_url(args.url);
  if (!url) return tl::unexpected(url.error());
  plan.url = *url;
  auto origin = cors::parse_origin(args.origin);
  if (!origin) return tl::unexpected(origin.error());

  auto& transport = plan.probe.transport;
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  transport.timeout = *timeout;
  auto request_options = apply_request_options(args.request, transport);
  if (!request_options) return tl::unexpected(request_options.error());
  auto connection = apply_connection_options(args.connection, transport);
  if (!connection) return tl::unexpected(connection.error());

  auto headers = transport.headers;
  if (args.content_type_given) {
    if (args.content_type.empty())
      return fail("bad_option", "--content-type is empty", "e.g. --content-type application/json");
    if (cors::get_header(headers, "Content-Type")) {
      return fail("bad_option", "--content-type and -H 'Content-Type: ...' exclude each other",
                  "give the type once");
    }
    auto header = http::parse_header_line("Content-Type: " + args.content_type);
    if (!header) return tl::unexpected(header.error());
    headers.push_back(*header);
  }
  auto cross_origin = cors::check_cross_origin(*origin, plan.url);
  if (!cross_origin) return tl::unexpected(cross_origin.error());
  auto request = cors::page_request(*origin, transport.method, std::move(headers),
                                    transport.body.has_value(), args.credentials);
  if (!request) return tl::unexpected(request.error());
  plan.request = std::move(*request);
  plan.probe.scan = args.scan;
  return plan;
}

int run_cors(const CorsArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "cors", plan.error());

  catch_interrupt(true);
  plan->probe.transport.cancel = &interrupted();
  if (args.scan && isatty(STDERR_FILENO) == 1) {
    plan->probe.progress = [](std::size_t done, std::size_t total) {
      if (done < total) {
        std::fprintf(stderr, "\rscan: probe %zu of %zu ", done + 1, total);
      } else {
        std::fputs("\r\x1b[K", stderr);
      }
    };
  }
  const auto run = cors::run_cors(plan->url, plan->request, plan->probe);
  catch_interrupt(false);
  if (!run.ok()) {
    const int code = report_error(global, "cors", run.failure->error);
    return run.failure->error.kind == "interrupted" ? kInterruptedExit : code;
  }
  if (run.interrupted) {
    std::fprintf(stderr, "reqscope cors: interrupted; showing the %zu scan probe(s) sent\n",
                 run.scan.size());
  }
  if (global.json) {
    print_json(render::cors_document(run, args.scan, global.show_secrets));
  } else {
    render::HumanOptions human{style_for(global), global.verbose, global.show_secrets,
                               global.explain};
    print_stdout(render::render_cors(run, args.scan, human));
  }
  if (run.interrupted) return kInterruptedExit;
  const bool failed =
      !run.evaluation.allowed || (args.scan && cors::has_high_finding(run.evaluation.findings));
  return static_cast<int>(failed ? ExitCode::check_failed : ExitCode::ok);
}

}  // namespace

void register_cors(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<CorsArgs>();
  auto* cmd = app.add_subcommand("cors", "Would a browser allow this cross-origin call? Why?");
  cmd->footer(kGlobalFooter);
  cmd->add_option("url", args->url, "The http:// or https:// URL the page calls")
      ->required()
      ->type_name("URL");
  cmd->add_option("--origin", args->origin, "The calling page's origin, scheme://host[:port]")
      ->required()
      ->type_name("ORIGIN");
  add_request_options(*cmd, args->request, "-X,--method,--request");
  cmd->add_flag("--credentials", args->credentials,
                "Send as fetch does with credentials: \"include\"");
  cmd->add_option("--content-type", args->content_type, "The request's Content-Type")
      ->type_name("TYPE")
      ->each([args](const std::string&) { args->content_type_given = true; });
  cmd->add_flag("--scan", args->scan, "Probe for misconfigurations (at most 8 requests)");
  add_connection_options(*cmd, args->connection);
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_cors(*args, global); }; });
}

}  // namespace reqscope::cli
