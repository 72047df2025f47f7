#include <csignal>
#include <cstdio>

#include "cli.hpp"
#include "reqscope/lab/dns_server.hpp"
#include "reqscope/lab/server.hpp"
#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

struct LabArgs {
  std::string port = "0";
  std::string bind = "127.0.0.1";
  bool https = false;
  std::string cert;
  std::string key;
  bool dns = false;
};

int run_lab(const LabArgs& args, const GlobalOptions& global) {
  auto port = util::parse_integer(args.port, 0, 65535, "--port");
  if (!port) return report_error(global, "lab", port.error());
  if (!util::is_ip_literal(args.bind)) {
    return report_error(
        global, "lab",
        {"bad_option", "--bind value " + util::quote(args.bind) + " is not an IP address",
         "e.g. --bind 127.0.0.1 or --bind ::1"});
  }
  if (args.cert.empty() != args.key.empty()) {
    return report_error(global, "lab",
                        {"bad_option", "--cert and --key must be given together",
                         "give both PEM files, or neither for a generated certificate"});
  }
  if (!args.cert.empty() && !args.https) {
    return report_error(global, "lab",
                        {"bad_option", "--cert and --key need --https", "add --https"});
  }

  // Block the stop signals before any server thread exists, so only sigwait() sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  lab::LabOptions options{args.bind, static_cast<std::uint16_t>(*port), args.https, args.cert,
                          args.key};
  auto server = lab::LabServer::start(options);
  if (!server) return report_error(global, "lab", server.error());
  std::unique_ptr<lab::DnsLab> names;
  if (args.dns) {
    auto started = lab::DnsLab::start();
    if (!started) return report_error(global, "lab", started.error());
    names = std::move(*started);
  }

  if (global.json) {
    render::Json document{{"schema", "reqscope.lab/1"}, {"url", (*server)->url()}};
    if (names) document["dns_root"] = names->root();
    print_stdout(document.dump() + "\n");
  } else {
    print_stdout((*server)->url() + "\n" + (names ? "dns-root " + names->root() + "\n" : ""));
  }
  if (global.explain) {
    std::fprintf(stderr,
                 "reqscope lab is serving; try `reqscope trace %s/delay/200 --explain`.\n"
                 "Endpoints are listed at / and in reqscope-lab(1). Ctrl-C stops it.\n",
                 (*server)->url().c_str());
  }
  if (global.explain && names) {
    std::fprintf(stderr,
                 "Its DNS hierarchy (root, lab., demo.lab.) answers on %s; try\n"
                 "`reqscope dns www.demo.lab --trace --root %s --explain`.\n",
                 names->root().c_str(), names->root().c_str());
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  (*server)->stop();
  return static_cast<int>(ExitCode::ok);
}

}  // namespace

void register_lab(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<LabArgs>();
  auto* cmd = app.add_subcommand("lab", "Run the local teaching and test server");
  cmd->footer(kGlobalFooter);
  cmd->add_option("--port", args->port, "Listen on this port; 0 (default) picks a free one")
      ->type_name("PORT");
  cmd->add_option("--bind", args->bind, "Listen on this address (default 127.0.0.1)")
      ->type_name("ADDR");
  cmd->add_flag("--https", args->https, "Serve HTTPS (certificate generated at start-up)");
  cmd->add_option("--cert", args->cert, "With --https, serve this PEM certificate")
      ->type_name("FILE");
  cmd->add_option("--key", args->key, "With --https, the PEM private key of --cert")
      ->type_name("FILE");
  cmd->add_flag("--dns", args->dns, "Serve a demo DNS hierarchy on 127.53.1.x too");
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_lab(*args, global); }; });
}

}  // namespace reqscope::cli
