#pragma once

#include <string>
#include <vector>

#include "reqscope/http/expectations.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/render/style.hpp"

namespace reqscope::render {

struct HumanOptions {
  Style style;
  bool verbose = false;       // request and response headers
  bool show_secrets = false;  // credentials unredacted
  bool explain = false;       // teaching notes after the result
};

// The human view of `reqscope trace`: verdict first, then each hop, the
// phase table with its waterfall, checks, and --explain notes. With several
// runs (--repeat), one line per run and per-phase statistics.
std::string render_trace(const std::vector<http::TraceResult>& runs,
                         const std::vector<http::Check>& checks, std::size_t requested_runs,
                         const HumanOptions& options);

// The plain-language notes of --explain for one trace.
std::string explain_trace(const http::TraceResult& trace);

}  // namespace reqscope::render
