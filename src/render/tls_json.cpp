#include "reqscope/render/tls_json.hpp"

#include "reqscope/render/trace_json.hpp"
#include "reqscope/util/duration.hpp"
#include "reqscope/util/time_format.hpp"

namespace reqscope::render {

namespace {

Json optional_text(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json key_json(const tls::PublicKey& key) {
  return {{"type", key.type}, {"bits", key.bits}, {"curve", optional_text(key.curve)}};
}

Json chain_json(const std::vector<tls::CertificateInfo>& chain) {
  Json out = Json::array();
  for (const auto& certificate : chain) {
    out.push_back({{"subject", certificate.subject},
                   {"issuer", certificate.issuer},
                   {"sans", certificate.sans},
                   {"key", key_json(certificate.key)},
                   {"signature_algorithm", certificate.signature_algorithm},
                   {"not_before", util::rfc3339(certificate.not_before)},
                   {"not_after", util::rfc3339(certificate.not_after)},
                   {"days_left", certificate.days_left},
                   {"sha256", certificate.sha256},
                   {"self_signed", certificate.self_issued},
                   {"ca", certificate.is_ca},
                   {"pem", certificate.pem}});
  }
  return out;
}

Json verify_json(const tls::Verification& verify) {
  Json problems = Json::array();
  for (const auto& problem : verify.problems) {
    problems.push_back(
        {{"depth", problem.depth}, {"code", problem.code}, {"reason", problem.reason}});
  }
  return {{"ok", verify.ok},
          {"error", verify.ok ? Json(nullptr) : Json(verify.error)},
          {"problems", problems}};
}

Json versions_json(const std::vector<tls::VersionProbe>& versions) {
  if (versions.empty()) return nullptr;
  Json out = Json::object();
  for (const auto& probe : versions)
    out[probe.version] = probe.result;
  return out;
}

Json probes_json(const std::vector<tls::VersionProbe>& versions) {
  Json out = Json::array();
  for (const auto& probe : versions) {
    out.push_back({{"version", probe.version},
                   {"result", probe.result},
                   {"detail", optional_text(probe.detail)}});
  }
  return out;
}

Json findings_json(const std::vector<tls::Finding>& findings) {
  Json out = Json::array();
  for (const auto& finding : findings) {
    out.push_back({{"id", finding.id},
                   {"severity", tls::severity_name(finding.severity)},
                   {"message", finding.message},
                   {"fix", finding.fix}});
  }
  return out;
}

Json messages_json(const std::vector<tls::HandshakeMessage>& messages) {
  Json out = Json::array();
  for (const auto& message : messages) {
    out.push_back({{"direction", message.sent ? "sent" : "received"},
                   {"message", message.name},
                   {"bytes", message.bytes},
                   {"at_ms", util::to_ms(message.at)}});
  }
  return out;
}

}  // namespace

Json tls_document(const tls::Inspection& inspection, const std::vector<tls::Finding>& findings) {
  Json document{
      {"schema", kTlsSchema},
      {"ok", !tls::has_error(findings) && !inspection.interrupted},
      {"interrupted", inspection.interrupted},
      {"host", inspection.target.host},
      {"port", inspection.target.port},
      {"servername", optional_text(inspection.servername)},
      {"address", inspection.address},
      {"protocol", inspection.protocol},
      {"cipher", inspection.cipher},
      {"group", optional_text(inspection.group)},
      {"alpn", optional_text(inspection.alpn)},
      {"ocsp_stapled", inspection.ocsp_stapled},
      {"resumption", inspection.resumption ? Json(*inspection.resumption) : Json(nullptr)},
      {"connect_ms", util::to_ms(inspection.connect)},
      {"handshake_ms", util::to_ms(inspection.handshake)},
      {"verify", verify_json(inspection.verify)},
      {"chain", chain_json(inspection.chain)},
      {"versions", versions_json(inspection.versions)},
      {"version_probes", probes_json(inspection.versions)},
      {"default_client_error", optional_text(inspection.default_client_error)},
      {"findings", findings_json(findings)},
      {"handshake", messages_json(inspection.messages)},
      {"dns", resolution_json(inspection.resolution)},
      {"connects", connects_json(inspection.attempts)}};
  return document;
}

}  // namespace reqscope::render
