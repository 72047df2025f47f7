#pragma once

#include <string>
#include <vector>

#include "reqscope/render/trace_human.hpp"
#include "reqscope/tls/findings.hpp"
#include "reqscope/tls/inspect.hpp"

namespace reqscope::render {

// `reqscope tls`: the verdict, the connection's parameters, the chain as sent,
// the verification, the probed versions and the findings with their fixes.
// -v adds the handshake messages; --explain the notes of explain_tls().
std::string render_tls(const tls::Inspection& inspection, const std::vector<tls::Finding>& findings,
                       const HumanOptions& options);

// --explain: the handshake as it happened, message by message, and what each
// finding means for the users of this server.
std::string explain_tls(const tls::Inspection& inspection,
                        const std::vector<tls::Finding>& findings);

}  // namespace reqscope::render
