#include "request_options.hpp"

#include <unistd.h>

#include "cli.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

namespace {

// The largest request body -d @file will read.
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

Result<std::string> read_body(const RequestArgs& args) {
  if (args.data.empty() || args.data.front() != '@') return args.data;
  return read_input_file(args.data.substr(1), kMaxBodyBytes, "64 MiB", args.data_option);
}

}  // namespace

void add_request_options(CLI::App& command, RequestArgs& args, const std::string& method_names,
                         const std::string& data_names) {
  args.data_option = data_names.substr(0, data_names.find(','));
  command
      .add_option(method_names, args.method,
                  "Request method (default GET, or POST with " + args.data_option + ")")
      ->type_name("METHOD")
      ->check([](const std::string& method) {
        return method.empty() ? std::string("-X needs a method name, e.g. -X POST") : std::string();
      });
  command
      .add_option("-H,--header", args.headers, "Add a request header 'Name: value' (repeatable)")
      ->type_name("HEADER")
      ->allow_extra_args(false);
  command.add_option(data_names, args.data, "Request body; @FILE reads a file, @- stdin")
      ->type_name("DATA")
      ->each([&args](const std::string&) { args.data_given = true; });
}

void add_connection_options(CLI::App& command, ConnectionArgs& args,
                            const std::string& http2_help) {
  command.add_flag("-4,--ipv4", args.ipv4, "Resolve and connect over IPv4 only");
  command.add_flag("-6,--ipv6", args.ipv6, "Resolve and connect over IPv6 only");
  command
      .add_option("--resolve", args.resolve, "Use ADDR for HOST:PORT instead of DNS (repeatable)")
      ->type_name("HOST:PORT:ADDR")
      ->allow_extra_args(false);
  command.add_option("--connect-to", args.connect_to, "Connect to HOST2:PORT2 for HOST1:PORT1")
      ->type_name("HOST1:PORT1:HOST2:PORT2")
      ->allow_extra_args(false);
  command.add_flag("-k,--insecure", args.insecure, "Continue when the certificate does not verify");
  command.add_option("--cacert", args.cacert, "Trust the CA certificates in this PEM file")
      ->type_name("FILE");
  command.add_flag("--http1.1", args.http1_1, "Use HTTP/1.1 only");
  command.add_flag("--http2", args.http2, http2_help);
}

Result<void> apply_request_options(const RequestArgs& args, http::TraceOptions& options) {
  // The length bound keeps a hostile -X out of the request line.
  if (!args.method.empty() && (args.method.size() > 64 || !http::is_token(args.method))) {
    return fail("bad_option", "-X: invalid method " + util::quote(args.method), "e.g. -X POST");
  }
  options.method = args.method;
  for (const auto& line : args.headers) {
    auto header = http::parse_header_line(line);
    if (!header) return tl::unexpected(header.error());
    options.headers.push_back(*header);
  }
  if (args.data_given) {
    auto body = read_body(args);
    if (!body) return tl::unexpected(body.error());
    options.body = *body;
  }
  return {};
}

Result<void> apply_connection_options(const ConnectionArgs& args, http::TraceOptions& options) {
  if (args.ipv4 && args.ipv6)
    return fail("bad_option", "-4 and -6 exclude each other", "choose one family");
  options.family = args.ipv4 ? dns::Family::ipv4 : args.ipv6 ? dns::Family::ipv6 : dns::Family::any;
  for (const auto& text : args.resolve) {
    auto rule = http::parse_resolve_override(text);
    if (!rule) return tl::unexpected(rule.error());
    options.resolve_overrides.push_back(*rule);
  }
  for (const auto& text : args.connect_to) {
    auto rule = http::parse_connect_to_override(text);
    if (!rule) return tl::unexpected(rule.error());
    options.connect_to_overrides.push_back(*rule);
  }
  options.insecure = args.insecure;
  if (!args.cacert.empty()) {
    if (access(args.cacert.c_str(), R_OK) != 0) {
      return fail("bad_file", "--cacert: cannot read " + util::quote(args.cacert),
                  "give a PEM file of CA certificates");
    }
    options.ca_file = args.cacert;
  }
  if (args.http1_1 && args.http2) {
    return fail("bad_option", "--http1.1 and --http2 exclude each other",
                "choose one HTTP version");
  }
  options.http_version = args.http1_1 ? http::HttpVersion::http1_1
                         : args.http2 ? http::HttpVersion::http2
                                      : http::HttpVersion::automatic;
  return {};
}

}  // namespace reqscope::cli
