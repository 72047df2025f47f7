#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "reqscope/dns/lookup.hpp"
#include "reqscope/dns/message.hpp"
#include "reqscope/dns/walk.hpp"

namespace reqscope::render {

inline constexpr const char* kDnsSchema = "reqscope.dns/1";

// One walk: {"name","type","rcode","answers","steps","total_ms","error"}; also
// what `trace --dns-trace` and `demo` embed.
nlohmann::ordered_json walk_json(const dns::WalkResult& walk);

// `reqscope dns NAME --json`: {"schema","ok",["interrupted"],"mode":"stub",
// "name","servers","rcode","answers","queries":[...],"total_ms","error"}.
nlohmann::ordered_json lookup_document(const dns::Lookup& lookup);

// `reqscope dns NAME --trace --json`: {"schema","ok",["interrupted"],
// "mode":"trace"} and walk_json()'s members.
nlohmann::ordered_json walk_document(const dns::WalkResult& walk);

}  // namespace reqscope::render
