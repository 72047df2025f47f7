#pragma once

#include <string>

#include "reqscope/cors/probe.hpp"
#include "reqscope/render/trace_human.hpp"

namespace reqscope::render {

// The human view of `reqscope cors`: the verdict (ALLOWED / BLOCKED) with the
// deciding rule and its fix first, then the request, the preflight's and the
// actual response's checks, the headers the page can read, findings and, with
// --scan, each probe.
std::string render_cors(const cors::CorsRun& run, bool scanned, const HumanOptions& options);

// The CORS part of `trace --origin`: the verdict and each check, without the
// timing that the trace shows itself.
std::string render_cors_evaluation(const cors::Evaluation& evaluation, const HumanOptions& options);

// The plain-language notes of --explain for one evaluation.
std::string explain_cors(const cors::Evaluation& evaluation);

}  // namespace reqscope::render
