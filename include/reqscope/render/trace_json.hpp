#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/http/expectations.hpp"
#include "reqscope/http/trace.hpp"
#include "reqscope/stats/summary.hpp"

namespace reqscope::render {

using Json = nlohmann::ordered_json;

inline constexpr const char* kTraceSchema = "reqscope.trace/1";

// The error object every command uses under --json.
Json error_json(const Error& error);
// A whole failure document: {"schema":..., "error":{...}}.
Json error_document(const std::string& schema, const Error& error);

// Headers as [{"name","value"}], credentials redacted unless show_secrets.
Json headers_json(const http::Headers& headers, bool show_secrets);

// How a host was resolved, and each connect attempt: shared by trace and tls.
Json resolution_json(const dns::Resolution& resolution);
Json connects_json(const std::vector<http::ConnectAttempt>& attempts);

Json trace_json(const http::TraceResult& trace, bool show_secrets);
Json checks_json(const std::vector<http::Check>& checks);
Json stats_json(const std::map<std::string, stats::Summary>& stats);

// The document `reqscope trace --json` prints: one trace, or with --repeat
// (requested_runs > 1) the runs and per-phase statistics, plus "interrupted"
// when Ctrl-C left fewer runs than requested. Its "ok" is true exactly when
// every requested run completed and every check passed: when the exit code is 0.
Json trace_document(const std::vector<http::TraceResult>& runs,
                    const std::vector<http::Check>& checks, std::size_t requested_runs,
                    bool show_secrets);

}  // namespace reqscope::render
