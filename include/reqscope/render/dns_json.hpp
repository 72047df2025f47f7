#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "reqscope/dns/lookup.hpp"
#include "reqscope/dns/message.hpp"
#include "reqscope/dns/walk.hpp"

namespace reqscope::render {

inline constexpr const char* kDnsSchema = "reqscope.dns/1";

nlohmann::ordered_json record_json(const dns::Record& record);
nlohmann::ordered_json records_json(const std::vector<dns::Record>& records);
nlohmann::ordered_json walk_steps_json(const std::vector<dns::WalkStep>& steps);
// One walk: {"name","type","rcode","answers","steps","total_ms","error"}.
nlohmann::ordered_json walk_json(const dns::WalkResult& walk);

// `reqscope dns NAME --json`: {"schema","mode":"stub","name","servers","rcode",
// "answers","queries":[...],"total_ms"}.
nlohmann::ordered_json lookup_document(const dns::Lookup& lookup);

// `reqscope dns NAME --trace --json`: {"schema","mode":"trace","name","type",
// "rcode","answers","steps":[...],"total_ms","error"}.
nlohmann::ordered_json walk_document(const dns::WalkResult& walk);

}  // namespace reqscope::render
