#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli.hpp"
#include "reqscope/render/trace_json.hpp"
#include "reqscope/version.hpp"

namespace {

constexpr const char* kCommands[] = {"trace", "lab",  "demo",  "dns",      "tls",
                                     "jwt",   "cors", "bench", "ratelimit"};

// The command named on the command line, for error documents written before parsing finished.
std::string command_in(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    for (const char* command : kCommands) {
      if (std::strcmp(argv[i], command) == 0) return command;
    }
  }
  return {};
}

bool wants_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // OpenSSL writes to sockets with plain write(): a server that hangs up must
  // give an EPIPE error, not kill the process before it reports.
  std::signal(SIGPIPE, SIG_IGN);
  using namespace reqscope;
  try {
    CLI::App app{"reqscope: diagnose backend requests (where the time goes, why a call fails)",
                 "reqscope"};
    app.set_version_flag("--version", std::string("reqscope ") + kVersion);
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.footer(
        "Exit codes: 0 ok, 1 a check failed, 2 usage or bad input,\n"
        "3 network or protocol failure, 4 internal error. See reqscope(1).");
    cli::GlobalOptions global;
    cli::add_global_options(app, global);
    cli::Runner runner;
    cli::register_trace(app, global, runner);
    cli::register_lab(app, global, runner);
    cli::register_dns(app, global, runner);
    cli::register_tls(app, global, runner);
    cli::register_jwt(app, global, runner);
    cli::register_cors(app, global, runner);
    cli::register_bench(app, global, runner);
    cli::register_ratelimit(app, global, runner);
    cli::register_demo(app, global, runner);

    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      cli::GlobalOptions fallback;
      fallback.json = wants_json(argc, argv);
      const auto command = command_in(argc, argv);
      const auto help =
          command.empty() ? std::string("reqscope --help") : "reqscope " + command + " --help";
      return cli::report_error(fallback, command.empty() ? "cli" : command,
                               Error{"usage", e.what(), "see " + help});
    }
    if (!runner) {
      if (!global.json) std::fputs(app.help().c_str(), stderr);
      return cli::report_error(global, "cli",
                               Error{"usage", "no command given", "see reqscope --help"});
    }
    return runner();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reqscope: internal error: %s (please report this)\n", e.what());
    return static_cast<int>(ExitCode::internal);
  }
}
