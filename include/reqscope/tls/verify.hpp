#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "reqscope/error.hpp"
#include "reqscope/tls/certificate.hpp"
#include "reqscope/tls/handles.hpp"

namespace reqscope::tls {

// One reason OpenSSL gives for rejecting a chain, at a depth of the chain it
// built (0 = the leaf).
struct VerifyProblem {
  int depth = 0;
  int code = 0;  // an X509_V_ERR_* value
  std::string reason;
};

struct Verification {
  bool ok = false;
  std::string error;  // the first problem's reason, as a client would report it; empty when ok
  std::vector<VerifyProblem> problems;  // every problem, in the order OpenSSL met them
  // The chain OpenSSL built, leaf first, up to a trust anchor when it found
  // one: certificates may come from the trust store, and ones the server sent
  // may be left out.
  std::vector<CertificateInfo> chain;
};

// The trust anchors: OpenSSL's default store (the system CA bundle), or only
// the PEM certificates in `ca_file`, like curl --cacert. Errors are "bad_file".
Result<Store> load_trust_store(const std::string& ca_file);

// How messages name the trust store: "the system's CA bundle" or "--cacert 'FILE'".
std::string trust_store_name(const std::string& ca_file);

// Verifies a chain as the server sent it (leaf first) against `store` for the
// name a client asked for (DNS name or IP address), at `now`, as an OpenSSL
// client at security level 2 would: chain, purpose, validity dates, key sizes
// and digests, host name. Every problem is collected, not only the first.
Verification verify_chain(const std::vector<const X509*>& chain, X509_STORE* store,
                          const std::string& host, std::chrono::system_clock::time_point now);

}  // namespace reqscope::tls
