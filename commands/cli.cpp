#include "cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::cli {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--json", global.json, "Print exactly one JSON document on stdout");
  app.add_option("--color", global.color, "auto (terminal, no NO_COLOR), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  app.add_flag("--explain", global.explain, "After the result, explain each step in plain words");
  app.add_option("--timeout", global.timeout, "Give up on network work after this long (30s)")
      ->type_name("DURATION");
  app.add_flag("-v,--verbose", global.verbose, "Show request and response headers");
  app.add_flag("--show-secrets", global.show_secrets, "Show Authorization/Cookie values in full");
}

render::Style style_for(const GlobalOptions& global) {
  render::Style style;
  const char* no_color = std::getenv("NO_COLOR");
  if (global.color == "always") {
    style.color = true;
  } else if (global.color == "auto") {
    style.color = isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || no_color[0] == '\0');
  }
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') {
      const auto lower = util::to_lower(value);
      style.unicode =
          lower.find("utf-8") != std::string::npos || lower.find("utf8") != std::string::npos;
      break;
    }
  }
  return style;
}

Result<std::chrono::nanoseconds> timeout_of(const GlobalOptions& global) {
  auto timeout = util::parse_duration(global.timeout);
  if (!timeout) {
    auto error = timeout.error();
    error.message = "--timeout: " + error.message;
    return tl::unexpected(error);
  }
  if (*timeout < std::chrono::milliseconds(1)) {
    return fail("bad_duration",
                "--timeout: " + util::quote(global.timeout) + " is shorter than 1ms",
                "e.g. --timeout 10s");
  }
  return *timeout;
}

int report_error(const GlobalOptions& global, const std::string& command, const Error& error) {
  if (global.json) {
    print_json(render::error_document("reqscope." + command + "/1", error));
  } else {
    std::string line = fmt::format("reqscope {}: {}", command, error.message);
    if (!error.hint.empty()) line += fmt::format(" ({})", error.hint);
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  return static_cast<int>(exit_code_for(error.kind));
}

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes,
                                    const std::string& max_text, const std::string& option) {
  std::string bytes;
  const auto read_from = [&](std::istream& in) {
    bytes.resize(max_bytes + 1);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
  };
  if (path == "-") {
    read_from(std::cin);
  } else {
    std::error_code error;
    // Regular files, and the pipes of <(command) (/dev/fd/N); a named pipe
    // elsewhere could block forever with no writer.
    const bool descriptor =
        path.starts_with("/dev/fd/") || path.starts_with("/proc/self/fd/") || path == "/dev/stdin";
    if (path.empty() || !(std::filesystem::is_regular_file(path, error) ||
                          (descriptor && std::filesystem::exists(path, error)))) {
      return fail("bad_file", option + ": " + util::quote(path) + " is not a readable file",
                  "check the path");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return fail("bad_file", option + ": cannot read " + util::quote(path), "check the path");
    read_from(in);
  }
  if (bytes.size() > max_bytes) {
    return fail("bad_file", option + ": " +
                                (path == "-" ? std::string("stdin") : util::quote(path)) +
                                " is larger than " + max_text);
  }
  return bytes;
}

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted = true;
}

}  // namespace

std::atomic<bool>& interrupted() {
  return g_interrupted;
}

void catch_interrupt(bool enable) {
  if (enable) g_interrupted = false;
  std::signal(SIGINT, enable ? on_interrupt : SIG_DFL);
}

void print_stdout(const std::string& text) {
  const bool written = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  if (std::fflush(stdout) == 0 && written) return;
  if (errno == EPIPE) {
    // The reader is gone (`| head`): end as a process killed by SIGPIPE would,
    // which main() ignores only so that sockets report EPIPE instead.
    std::signal(SIGPIPE, SIG_DFL);
    std::raise(SIGPIPE);
  }
  // A full disk or a closed stdout: a result nobody got must not exit 0.
  std::fprintf(stderr, "reqscope: cannot write the output: %s\n", std::strerror(errno));
  std::exit(static_cast<int>(ExitCode::internal));
}

void print_json(const render::Json& document) {
  // Certificate names and the like are the server's bytes: invalid UTF-8 is
  // replaced rather than failing the whole document.
  print_stdout(document.dump(2, ' ', false, render::Json::error_handler_t::replace) + "\n");
}

}  // namespace reqscope::cli
