#include <fmt/format.h>

#include <optional>

#include "cli.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/lab/server.hpp"
#include "reqscope/render/trace_human.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::cli {

namespace {

struct DemoStep {
  std::string title;
  std::string lesson;
  std::string url;
  bool follow = false;
  bool insecure = false;
};

int run_demo(const GlobalOptions& global) {
  auto timeout = timeout_of(global);
  if (!timeout) return report_error(global, "demo", timeout.error());
  auto plain = lab::LabServer::start({});
  if (!plain) return report_error(global, "demo", plain.error());
  lab::LabOptions tls_options;
  tls_options.https = true;
  auto secure = lab::LabServer::start(tls_options);
  if (!secure) return report_error(global, "demo", secure.error());

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
  render::Json documents = render::Json::array();
  // The exit code of the first step that failed, as `reqscope trace` would give it.
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
    const bool default_timeout = *timeout == timeout_of(GlobalOptions{}).value();
    const auto command = fmt::format("reqscope trace{}{} {}{} --explain", step.follow ? " -L" : "",
                                     step.insecure ? " --insecure" : "", step.url,
                                     default_timeout ? "" : " --timeout " + global.timeout);
    if (global.json) {
      documents.push_back({{"title", step.title},
                           {"command", command},
                           {"trace", render::trace_json(result, global.show_secrets)}});
      continue;
    }
    print_stdout(fmt::format(
        "{}\n{}\n$ {}\n\n",
        style.bold(fmt::format("== Step {} of {}: {} ==", i + 1, steps.size(), step.title)),
        step.lesson, command));
    render::HumanOptions human{style, global.verbose, global.show_secrets, true};
    print_stdout(render::render_trace({result}, {}, 1, human) + "\n");
  }
  if (global.json) {
    print_stdout(
        render::Json{{"schema", "reqscope.demo/1"}, {"ok", !failed}, {"steps", documents}}.dump(2) +
        "\n");
  } else {
    print_stdout(fmt::format("The lab ran at {} and {}.\nStart your own with `reqscope lab`.\n",
                             base, (*secure)->url()));
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
