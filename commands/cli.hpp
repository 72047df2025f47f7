#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "reqscope/error.hpp"
#include "reqscope/render/style.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::cli {

// Options every command accepts, before or after the command name.
struct GlobalOptions {
  bool json = false;
  std::string color = "auto";
  bool explain = false;
  std::string timeout = "30";
  bool verbose = false;
  bool show_secrets = false;
};

// What main() runs after parsing: the chosen command's body, returning the exit code.
using Runner = std::function<int()>;

void add_global_options(CLI::App& app, GlobalOptions& global);

// The footer of every command's --help, naming the global options.
inline constexpr const char* kGlobalFooter =
    "Global options (--json, --color, --explain, --timeout, -v, --show-secrets)\n"
    "may be given before or after the command; see reqscope --help.";

// Colour and Unicode as --color, NO_COLOR, the terminal and the locale allow.
render::Style style_for(const GlobalOptions& global);

// The --timeout value as a duration; errors name the value.
Result<std::chrono::nanoseconds> timeout_of(const GlobalOptions& global);

// Reports an error: under --json as {"schema","error"} on stdout, otherwise one
// line on stderr with the hint. Returns the documented exit code for its kind.
int report_error(const GlobalOptions& global, const std::string& command, const Error& error);

// The bytes of the file `path` named by `option` ("-d", "--key"), or of
// stdin for "-": "bad_file" naming the option when it is missing, not a
// regular file, unreadable, or larger than `max_bytes` (`max_text`, "64 MiB").
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes,
                                    const std::string& max_text, const std::string& option);

// Makes `option` repeatable: one value each time it is given, all of them kept.
inline CLI::Option* repeatable(CLI::Option* option) {
  return option->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
}

// Writes human text to stdout.
void print_stdout(const std::string& text);

// Writes a JSON document to stdout, indented, invalid UTF-8 replaced.
void print_json(const render::Json& document);

// Ctrl-C for commands that stop cleanly and report partial results:
// catch_interrupt(true) clears interrupted() and makes SIGINT set it instead of
// killing the process; catch_interrupt(false) restores the default and leaves
// interrupted() as it was, for the exit code.
std::atomic<bool>& interrupted();
void catch_interrupt(bool enable);
// The exit code of a command stopped by Ctrl-C, as for any process killed by SIGINT.
inline constexpr int kInterruptedExit = 130;

void register_trace(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_lab(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_demo(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_dns(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_tls(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_jwt(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_cors(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_bench(CLI::App& app, GlobalOptions& global, Runner& runner);
void register_ratelimit(CLI::App& app, GlobalOptions& global, Runner& runner);

}  // namespace reqscope::cli
