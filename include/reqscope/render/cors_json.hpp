#pragma once

#include "reqscope/cors/probe.hpp"
#include "reqscope/render/trace_json.hpp"

namespace reqscope::render {

inline constexpr const char* kCorsSchema = "reqscope.cors/1";

// The evaluation as JSON: verdict, preflight (null when none is needed),
// actual, readable_headers and findings; shared by cors and trace --origin.
Json cors_evaluation_json(const cors::Evaluation& evaluation, bool show_secrets);

// The document `reqscope cors --json` prints (a run that did not fail).
Json cors_document(const cors::CorsRun& run, bool scanned, bool show_secrets);

}  // namespace reqscope::render
