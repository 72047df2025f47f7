#pragma once

#include <string>
#include <vector>

#include "reqscope/tls/inspect.hpp"

namespace reqscope::tls {

enum class Severity { error, warning };
std::string severity_name(Severity severity);  // "error", "warning"

// One thing wrong with a server's TLS, and how to fix it.
struct Finding {
  std::string id;  // stable: "hostname_mismatch", "expired", ...
  Severity severity = Severity::error;
  std::string message;
  std::string fix;
};

struct FindingOptions {
  int warn_days = 14;  // a certificate expiring sooner is an error
  // Trust problems (who vouches for the certificate, and for which name) are
  // warnings, not errors; dates, key sizes and digests of the certificates
  // clients use still fail.
  bool insecure = false;
};

// Every finding for one inspection, errors first. Pure: the inspection holds
// everything (the verification problems, the chain's dates, the probes).
std::vector<Finding> evaluate(const Inspection& inspection, const FindingOptions& options);

// Whether any finding is at error level: the command then exits 1.
bool has_error(const std::vector<Finding>& findings);

}  // namespace reqscope::tls
