#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "reqscope/tls/findings.hpp"
#include "reqscope/tls/inspect.hpp"

namespace reqscope::render {

inline constexpr const char* kTlsSchema = "reqscope.tls/1";

// `reqscope tls --json`: {"schema","ok","interrupted","host","port",
// "servername","address","protocol","cipher","group","alpn","ocsp_stapled",
// "resumption","connect_ms","handshake_ms","verify":{"ok","error","problems"},
// "chain":[...],"versions":{...}|null,"version_probes":[...],
// "default_client_error","findings":[...],"handshake":[...],"dns","connects"}.
// "ok" is true exactly when the exit code is 0.
nlohmann::ordered_json tls_document(const tls::Inspection& inspection,
                                    const std::vector<tls::Finding>& findings);

}  // namespace reqscope::render
