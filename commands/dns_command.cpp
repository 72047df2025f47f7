#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cli.hpp"
#include "reqscope/dns/lookup.hpp"
#include "reqscope/dns/name.hpp"
#include "reqscope/dns/resolve.hpp"
#include "reqscope/dns/walk.hpp"
#include "reqscope/render/dns_human.hpp"
#include "reqscope/render/dns_json.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

struct DnsArgs {
  std::string name;
  std::vector<std::string> types;
  std::vector<std::string> servers;
  std::string reverse;
  bool tcp = false;
  bool trace = false;
  std::vector<std::string> roots;
};

struct Plan {
  std::string name;
  std::vector<std::uint16_t> types;
  std::chrono::nanoseconds timeout{0};
  std::vector<std::string> servers;   // "IP:PORT"
  std::vector<dns::ServerRef> roots;  // empty: the built-in root hints
  int root_port = 53;
};

Result<Plan> make_plan(const DnsArgs& args, const GlobalOptions& global) {
  Plan plan;
  if (!args.reverse.empty()) {
    if (!args.name.empty()) {
      return fail("bad_option", "give a NAME or -x ADDRESS, not both",
                  "-x looks up the PTR name of the address itself");
    }
    auto name = dns::reverse_name(args.reverse);
    if (!name) return tl::unexpected(name.error());
    plan.name = *name;
  } else {
    if (args.name.empty()) {
      return fail("usage", "missing NAME to look up (or -x ADDRESS)",
                  "e.g. reqscope dns example.com");
    }
    if (util::is_ip_literal(args.name)) {
      return fail("bad_option", "NAME " + util::quote(args.name) + " is an IP address",
                  "to find the name of an address, use -x " + args.name);
    }
    auto name = dns::validate_name(args.name);
    if (!name) return tl::unexpected(name.error());
    plan.name = *name;
  }
  for (const auto& text : args.types) {
    const auto code = dns::type_code(text);
    // OPT is no record and ANY gets a minimal reply from most servers (RFC 8482).
    if (!code || *code == dns::type::opt || *code == dns::type::any) {
      return fail("bad_option",
                  "--type value " + util::quote(text) +
                      (code ? " is a query meta-type, not a record type" : " is not a record type"),
                  "use A, AAAA, CNAME, MX, TXT, NS, SOA, CAA, SRV, PTR, DS, DNSKEY, ... "
                  "or TYPEnnn (0 to 65535)");
    }
    plan.types.push_back(*code);
  }
  if (plan.types.empty()) {
    if (!args.reverse.empty()) {
      plan.types = {dns::type::ptr};
    } else if (args.trace) {
      plan.types = {dns::type::a};
    } else {
      plan.types = {dns::type::a, dns::type::aaaa};
    }
  }
  if (args.trace && plan.types.size() > 1) {
    return fail("bad_option", "--trace walks one record type at a time",
                "give a single --type, or run the walk once per type");
  }
  if (args.trace && !args.servers.empty()) {
    return fail("bad_option", "--server and --trace exclude each other",
                "--trace asks the root and the servers it refers to; --root changes the root");
  }
  if (!args.trace && !args.roots.empty()) {
    return fail("bad_option", "--root only applies with --trace", "add --trace");
  }
  for (const auto& text : args.servers) {
    auto server = dns::parse_server_address(text, "--server");
    if (!server) return tl::unexpected(server.error());
    plan.servers.push_back(dns::format_server_address(*server));
  }
  if (!args.roots.empty()) {
    auto roots = dns::parse_roots(args.roots, "--root");
    if (!roots) return tl::unexpected(roots.error());
    plan.roots = roots->first;
    plan.root_port = roots->second;
  }
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  plan.timeout = *timeout;
  return plan;
}

// Exit 0 when some asked type was found, 1 when the name or the records do
// not exist, 3 when no server gave an answer.
int lookup_exit_code(const dns::Lookup& lookup) {
  if (const auto error = dns::lookup_error(lookup)) {
    return static_cast<int>(exit_code_for(error->kind));
  }
  return static_cast<int>(lookup.found() ? ExitCode::ok : ExitCode::check_failed);
}

int run_stub(const DnsArgs& args, const Plan& plan, const GlobalOptions& global) {
  dns::LookupOptions options;
  options.servers = plan.servers;
  options.tcp = args.tcp;
  options.timeout = plan.timeout;
  options.cancel = &interrupted();
  auto lookup = dns::lookup(plan.name, plan.types, options);
  if (!lookup) return report_error(global, "dns", lookup.error());
  if (global.json) {
    print_json(render::lookup_document(*lookup));
  } else {
    print_stdout(render::render_lookup(
        *lookup, {style_for(global), global.verbose, global.show_secrets, global.explain}));
  }
  if (lookup->interrupted) return kInterruptedExit;
  return lookup_exit_code(*lookup);
}

int run_walk(const DnsArgs& args, const Plan& plan, const GlobalOptions& global) {
  dns::WalkOptions options;
  if (!plan.roots.empty()) {
    options.roots = plan.roots;
    options.port = plan.root_port;
  }
  options.timeout = plan.timeout;
  options.tcp = args.tcp;
  options.cancel = &interrupted();
  // A live line on a terminal that can redraw one; never under --json.
  const char* term = std::getenv("TERM");
  const bool progress = !global.json && isatty(STDERR_FILENO) == 1 &&
                        (term == nullptr || std::string_view(term) != "dumb");
  if (progress) {
    winsize window{};
    const std::size_t columns =
        ioctl(STDERR_FILENO, TIOCGWINSZ, &window) == 0 && window.ws_col > 1 ? window.ws_col : 80;
    options.on_step = [columns](const dns::WalkStep& step) {
      if (!step.kind.empty()) return;
      std::fprintf(stderr, "\r\x1b[K%s", render::walk_progress(step, columns - 1).c_str());
    };
  }
  dns::Walker walker(options);
  const auto walk = walker.walk(plan.name, plan.types.front());
  if (progress) std::fputs("\r\x1b[K", stderr);
  if (global.json) {
    print_json(render::walk_document(walk));
  } else {
    print_stdout(render::render_walk(
        walk, {style_for(global), global.verbose, global.show_secrets, global.explain}));
  }
  if (walk.error) {
    if (walk.error->kind == "interrupted") return kInterruptedExit;
    return static_cast<int>(exit_code_for(walk.error->kind));
  }
  return static_cast<int>(walk.found() ? ExitCode::ok : ExitCode::check_failed);
}

int run_dns(const DnsArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "dns", plan.error());
  // Ctrl-C stops the lookup or walk and shows what was learned so far.
  catch_interrupt(true);
  const int code = args.trace ? run_walk(args, *plan, global) : run_stub(args, *plan, global);
  catch_interrupt(false);
  return code;
}

}  // namespace

void register_dns(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<DnsArgs>();
  auto* cmd = app.add_subcommand("dns", "Look up a name, or walk the DNS from the root");
  cmd->footer(kGlobalFooter);
  cmd->add_option("name", args->name, "The domain name to look up")->type_name("NAME");
  repeatable(
      cmd->add_option("-t,--type", args->types, "Record type: A AAAA MX TXT NS ... (repeatable)")
          ->type_name("TYPE"));
  repeatable(cmd->add_option("-s,--server", args->servers,
                             "Ask this server, not resolv.conf's (repeatable)")
                 ->type_name("IP[:PORT]"));
  cmd->add_option("-x,--reverse", args->reverse, "Reverse lookup: the PTR record of ADDRESS")
      ->type_name("ADDRESS");
  cmd->add_flag("--tcp", args->tcp, "Query over TCP instead of UDP");
  cmd->add_flag("--trace", args->trace, "Walk from the root, each referral shown");
  repeatable(
      cmd->add_option("--root", args->roots, "With --trace: start at this server (repeatable)")
          ->type_name("IP[:PORT]"));
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_dns(*args, global); }; });
}

}  // namespace reqscope::cli
