#include <filesystem>
#include <system_error>

#include "cli.hpp"
#include "reqscope/http/url.hpp"
#include "reqscope/render/tls_human.hpp"
#include "reqscope/render/tls_json.hpp"
#include "reqscope/tls/findings.hpp"
#include "reqscope/tls/inspect.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/number.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

struct TlsArgs {
  std::string target;
  std::string servername;
  std::string cacert;
  bool insecure = false;
  bool ipv4 = false;
  bool ipv6 = false;
  bool versions = false;
  std::string warn_days = "14";
  bool servername_given = false;
  bool cacert_given = false;
};

struct Plan {
  tls::InspectOptions inspect;
  tls::FindingOptions findings;
};

Result<Plan> make_plan(const TlsArgs& args, const GlobalOptions& global) {
  Plan plan;
  if (args.target.empty()) {
    return fail("usage", "missing HOST[:PORT] to inspect",
                "e.g. reqscope tls example.com or reqscope tls localhost:8443");
  }
  auto target = tls::parse_target(args.target);
  if (!target) return tl::unexpected(target.error());
  plan.inspect.target = *target;
  if (args.servername_given && args.servername.empty()) {
    return fail("bad_option", "--servername is empty", "give the DNS name to send as SNI");
  }
  if (args.cacert_given && args.cacert.empty()) {
    return fail("bad_option", "--cacert is empty", "give a PEM file of CA certificates");
  }
  if (!args.cacert.empty()) {
    std::error_code error;
    const auto status = std::filesystem::status(args.cacert, error);
    if (!std::filesystem::exists(status)) {
      return fail("bad_file", "--cacert " + util::quote(args.cacert) + ": no such file",
                  "give a PEM file of CA certificates");
    }
    if (std::filesystem::is_directory(status)) {
      return fail("bad_file", "--cacert " + util::quote(args.cacert) + " is a directory",
                  "give a PEM file of CA certificates");
    }
  }
  if (!args.servername.empty()) {
    auto name = http::parse_host(args.servername);
    if (name && util::is_ip_literal(*name)) {
      return fail("bad_option",
                  "--servername " + util::quote(args.servername) + " is an IP address",
                  "SNI carries a DNS name (RFC 6066); to verify an address, give it as the target");
    }
    if (!name) {
      return fail("bad_option",
                  "--servername " + util::quote(args.servername) + " is not a host name",
                  "give the DNS name the certificate should be for");
    }
    plan.inspect.servername = *name;
  }
  if (args.ipv4 && args.ipv6) {
    return fail("bad_option", "-4 and -6 exclude each other", "choose one family");
  }
  plan.inspect.family = args.ipv4   ? dns::Family::ipv4
                        : args.ipv6 ? dns::Family::ipv6
                                    : dns::Family::any;
  plan.inspect.ca_file = args.cacert;
  plan.inspect.probe_versions = args.versions;
  auto warn_days = util::parse_integer(args.warn_days, 0, 3650, "--warn-days");
  if (!warn_days) return tl::unexpected(warn_days.error());
  plan.findings.warn_days = static_cast<int>(*warn_days);
  plan.findings.insecure = args.insecure;
  auto timeout = timeout_of(global);
  if (!timeout) return tl::unexpected(timeout.error());
  plan.inspect.timeout = *timeout;
  plan.inspect.cancel = &interrupted();
  return plan;
}

int run_tls(const TlsArgs& args, const GlobalOptions& global) {
  auto plan = make_plan(args, global);
  if (!plan) return report_error(global, "tls", plan.error());
  // Ctrl-C stops the inspection; once the first handshake is done, what it
  // learned is still reported.
  catch_interrupt(true);
  auto inspection = tls::inspect(plan->inspect);
  catch_interrupt(false);
  if (!inspection) {
    const int code = report_error(global, "tls", inspection.error());
    return inspection.error().kind == "interrupted" ? kInterruptedExit : code;
  }
  const auto findings = tls::evaluate(*inspection, plan->findings);
  if (global.json) {
    print_json(render::tls_document(*inspection, findings));
  } else {
    print_stdout(render::render_tls(
        *inspection, findings,
        {style_for(global), global.verbose, global.show_secrets, global.explain}));
  }
  if (inspection->interrupted) return kInterruptedExit;
  return static_cast<int>(tls::has_error(findings) ? ExitCode::check_failed : ExitCode::ok);
}

}  // namespace

void register_tls(CLI::App& app, GlobalOptions& global, Runner& runner) {
  auto args = std::make_shared<TlsArgs>();
  auto* cmd = app.add_subcommand("tls", "Inspect a server's TLS: chain, expiry, versions");
  cmd->footer(kGlobalFooter);
  cmd->add_option("target", args->target, "The server: HOST[:PORT] (443) or an https:// URL")
      ->type_name("HOST[:PORT]");
  cmd->add_option("--servername", args->servername, "Send this SNI name and verify against it")
      ->type_name("NAME")
      ->each([args](const std::string&) { args->servername_given = true; });
  cmd->add_option("--cacert", args->cacert, "Trust only the CA certificates in this PEM file")
      ->type_name("FILE")
      ->each([args](const std::string&) { args->cacert_given = true; });
  cmd->add_flag("-k,--insecure", args->insecure, "Trust problems (issuer, host name) are warnings");
  cmd->add_flag("-4,--ipv4", args->ipv4, "Resolve and connect over IPv4 only");
  cmd->add_flag("-6,--ipv6", args->ipv6, "Resolve and connect over IPv6 only");
  cmd->add_flag("--versions", args->versions, "Probe TLS 1.0, 1.1, 1.2 and 1.3 one by one");
  cmd->add_option("--warn-days", args->warn_days,
                  "Fail if a certificate expires within N days (14)")
      ->type_name("N");
  cmd->callback(
      [args, &global, &runner] { runner = [args, &global] { return run_tls(*args, global); }; });
}

}  // namespace reqscope::cli
