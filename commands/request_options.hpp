#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/http/trace.hpp"

namespace reqscope::cli {

// The request a command sends: -X, -H, -d (trace and cors).
struct RequestArgs {
  std::string method;
  std::vector<std::string> headers;
  std::string data;
  bool data_given = false;         // -d '' is an empty body, as in curl
  std::string data_option = "-d";  // how errors name the body option
};

// How a command connects: -4/-6, --resolve, --connect-to, -k, --cacert, --http1.1/--http2.
struct ConnectionArgs {
  bool ipv4 = false;
  bool ipv6 = false;
  std::vector<std::string> resolve;
  std::vector<std::string> connect_to;
  bool insecure = false;
  std::string cacert;
  bool http1_1 = false;
  bool http2 = false;
};

// Adds -X/--request (or `method_names`, e.g. with "--method"), -H/--header and
// -d/--data (or `data_names`: bench keeps -d for its duration).
void add_request_options(CLI::App& command, RequestArgs& args,
                         const std::string& method_names = "-X,--request",
                         const std::string& data_names = "-d,--data");
void add_connection_options(
    CLI::App& command, ConnectionArgs& args,
    const std::string& http2_help = "Use HTTP/2 (ALPN on https, upgrade on http)");

// Fills method, headers and body of `options`; errors name the bad value.
Result<void> apply_request_options(const RequestArgs& args, http::TraceOptions& options);
Result<void> apply_connection_options(const ConnectionArgs& args, http::TraceOptions& options);

}  // namespace reqscope::cli
