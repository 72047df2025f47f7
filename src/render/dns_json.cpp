#include "reqscope/render/dns_json.hpp"

#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/duration.hpp"

namespace reqscope::render {

namespace {

Json record_json(const dns::Record& record) {
  return {{"name", record.name},
          {"type", dns::type_name(record.type)},
          {"ttl_s", record.ttl},
          {"data", record.data}};
}

Json records_json(const std::vector<dns::Record>& records) {
  Json out = Json::array();
  for (const auto& record : records)
    out.push_back(record_json(record));
  return out;
}

Json flags_json(const dns::Header& header) {
  return {{"qr", header.qr}, {"aa", header.aa}, {"tc", header.tc}, {"rd", header.rd},
          {"ra", header.ra}, {"ad", header.ad}, {"cd", header.cd}};
}

Json attempt_json(const dns::Exchange& attempt) {
  Json out{{"server", attempt.server},
           {"transport", attempt.transport},
           {"status", attempt.status},
           {"rcode", attempt.reply ? Json(dns::rcode_name(attempt.reply->header.rcode)) : Json()},
           {"ms", util::to_ms(attempt.duration)}};
  out["error"] = attempt.error.empty() ? Json() : Json(attempt.error);
  return out;
}

Json query_json(const dns::TypeLookup& query) {
  const auto* reply = query.reply();
  Json out{{"type", dns::type_name(query.type)},
           {"outcome", query.outcome},
           {"explanation", query.explanation.empty() ? Json() : Json(query.explanation)},
           {"server", query.attempts.empty() ? Json() : Json(query.attempts.back().server)},
           {"transport", query.attempts.empty() ? Json() : Json(query.attempts.back().transport)},
           {"rcode", reply != nullptr ? Json(dns::rcode_name(reply->header.rcode)) : Json()},
           {"flags", reply != nullptr ? flags_json(reply->header) : Json()},
           {"cname_chain", records_json(query.cnames)},
           {"answers", records_json(query.records)},
           {"negative_ttl_s", query.negative_ttl_s ? Json(*query.negative_ttl_s) : Json()}};
  out["sections"] = reply == nullptr ? Json()
                                     : Json{{"answer", records_json(reply->answers)},
                                            {"authority", records_json(reply->authorities)},
                                            {"additional", records_json(reply->additionals)}};
  out["ms"] = util::to_ms(query.duration);
  out["attempts"] = Json::array();
  for (const auto& attempt : query.attempts)
    out["attempts"].push_back(attempt_json(attempt));
  return out;
}

Json walk_steps_json(const std::vector<dns::WalkStep>& steps) {
  Json out = Json::array();
  for (const auto& step : steps) {
    Json servers = Json::array();
    for (const auto& server : step.referral) {
      servers.push_back(
          {{"name", server.name}, {"ip", server.ip.empty() ? Json() : Json(server.ip)}});
    }
    out.push_back({
        {"depth", step.depth},
        {"server", step.server},
        {"server_ip", step.server_ip.empty() ? Json() : Json(step.server_ip)},
        {"zone", step.zone},
        {"question", {{"name", step.name}, {"type", dns::type_name(step.type)}}},
        {"transport", step.transport.empty() ? Json() : Json(step.transport)},
        {"kind", step.kind},
        {"rcode", step.rcode.empty() ? Json() : Json(step.rcode)},
        {"flags", step.flags ? flags_json(*step.flags) : Json()},
        {"referral", step.kind == "referral"
                         ? Json{{"zone", step.referral_zone}, {"servers", servers}}
                         : Json()},
        {"answers", records_json(step.answers)},
        {"note", step.note.empty() ? Json() : Json(step.note)},
        {"from_cache", step.from_cache},
        {"ms", util::to_ms(step.duration)},
    });
  }
  return out;
}

}  // namespace

Json lookup_document(const dns::Lookup& lookup) {
  Json answers = Json::array();
  Json queries = Json::array();
  std::string rcode;
  const auto error = dns::lookup_error(lookup);
  for (const auto& query : lookup.lookups) {
    for (const auto& record : query.records)
      answers.push_back(record_json(record));
    if (const auto* reply = query.reply(); reply != nullptr && rcode.empty()) {
      rcode = dns::rcode_name(reply->header.rcode);
    }
    queries.push_back(query_json(query));
  }
  Json document{{"schema", kDnsSchema}, {"ok", lookup.found()}, {"mode", "stub"}};
  if (lookup.interrupted) document["interrupted"] = true;
  document.update(Json{{"name", lookup.name},
                       {"servers", lookup.servers},
                       {"rcode", rcode.empty() ? Json() : Json(rcode)},
                       {"answers", answers},
                       {"queries", queries},
                       {"total_ms", util::to_ms(lookup.duration)},
                       {"error", error ? error_json(*error) : Json()}});
  return document;
}

Json walk_json(const dns::WalkResult& walk) {
  return {{"name", walk.name},
          {"type", dns::type_name(walk.type)},
          {"rcode", walk.rcode.empty() ? Json() : Json(walk.rcode)},
          {"answers", records_json(walk.answers)},
          {"steps", walk_steps_json(walk.steps)},
          {"total_ms", util::to_ms(walk.duration)},
          {"error", walk.error ? error_json(*walk.error) : Json()}};
}

Json walk_document(const dns::WalkResult& walk) {
  Json document{{"schema", kDnsSchema}, {"ok", walk.found()}, {"mode", "trace"}};
  if (walk.error && walk.error->kind == "interrupted") document["interrupted"] = true;
  document.update(walk_json(walk));
  return document;
}

}  // namespace reqscope::render
