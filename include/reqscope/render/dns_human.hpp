#pragma once

#include <string>
#include <vector>

#include "reqscope/dns/lookup.hpp"
#include "reqscope/dns/walk.hpp"
#include "reqscope/render/trace_human.hpp"

namespace reqscope::render {

// `reqscope dns NAME`: the verdict, then per asked type the server, rcode,
// flags, CNAME chain and the reply's sections with TTLs.
std::string render_lookup(const dns::Lookup& lookup, const HumanOptions& options);

// `reqscope dns NAME --trace`: the verdict, each step of the walk from the
// root, and the final answer.
std::string render_walk(const dns::WalkResult& walk, const HumanOptions& options);

// The numbered steps of a walk, indented two columns more per sub-walk level;
// `indent` starts every line (trace embeds them under its DNS line).
// Long record data is shortened unless `verbose`.
std::string render_walk_steps(const std::vector<dns::WalkStep>& steps, const Style& style,
                              const std::string& indent, bool verbose);

// The live progress line for a walk step whose query was just sent, cut to
// `columns`: "asking SERVER (IP) about NAME TYPE, for ZONE".
std::string walk_progress(const dns::WalkStep& step, std::size_t columns);

// --explain: root, TLD and authoritative servers, referrals, glue and TTL
// caching, told with this walk's own names.
std::string explain_walk(const dns::WalkResult& walk);

}  // namespace reqscope::render
