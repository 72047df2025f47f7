#include "reqscope/tls/verify.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

#include "reqscope/tls/certificate.hpp"
#include "reqscope/util/ip.hpp"
#include "reqscope/util/text.hpp"

namespace reqscope::tls {

namespace {

struct StoreContextDeleter {
  void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
struct StackDeleter {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

constexpr int kClientSecurityLevel = 2;

int collect_problem(int ok, X509_STORE_CTX* context) {
  if (ok == 1) return 1;
  auto* problems = static_cast<std::vector<VerifyProblem>*>(X509_STORE_CTX_get_app_data(context));
  const int code = X509_STORE_CTX_get_error(context);
  problems->push_back(
      {X509_STORE_CTX_get_error_depth(context), code, X509_verify_cert_error_string(code)});
  // Left set, the error would be reported again for later certificates
  // instead of their own problems.
  X509_STORE_CTX_set_error(context, X509_V_OK);
  return 1;
}

}  // namespace

Result<Store> load_trust_store(const std::string& ca_file) {
  Store store(X509_STORE_new());
  if (!store) return fail("tls_setup", "cannot create a certificate store");
  if (ca_file.empty()) {
    X509_STORE_set_default_paths(store.get());
    return store;
  }
  if (X509_STORE_load_file(store.get(), ca_file.c_str()) != 1) {
    return fail("bad_file",
                "--cacert " + util::quote(ca_file) + ": no PEM certificate could be read",
                "give a PEM file with one or more CA certificates");
  }
  return store;
}

std::string trust_store_name(const std::string& ca_file) {
  return ca_file.empty() ? "the system's CA bundle" : "--cacert " + util::quote(ca_file);
}

Verification verify_chain(const std::vector<const X509*>& chain, X509_STORE* store,
                          const std::string& host, std::chrono::system_clock::time_point now) {
  Verification verification;
  if (chain.empty()) {
    verification.error = "the server sent no certificate";
    verification.problems.push_back({0, X509_V_ERR_UNSPECIFIED, verification.error});
    return verification;
  }
  std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) {
    sk_X509_push(untrusted.get(), const_cast<X509*>(chain[i]));
  }
  std::unique_ptr<X509_STORE_CTX, StoreContextDeleter> context(X509_STORE_CTX_new());
  if (!context || X509_STORE_CTX_init(context.get(), store, const_cast<X509*>(chain.front()),
                                      untrusted.get()) != 1) {
    verification.error = "cannot set up certificate verification";
    verification.problems.push_back({0, X509_V_ERR_UNSPECIFIED, verification.error});
    return verification;
  }
  X509_STORE_CTX_set_default(context.get(), "ssl_server");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(now));
  X509_VERIFY_PARAM_set_auth_level(param, kClientSecurityLevel);
  if (util::is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  X509_STORE_CTX_set_app_data(context.get(), &verification.problems);
  X509_STORE_CTX_set_verify_cb(context.get(), collect_problem);
  const int verified = X509_verify_cert(context.get());
  if (verified != 1 && verification.problems.empty()) {
    // A failure that never reached the callback (an internal error).
    const int code = X509_STORE_CTX_get_error(context.get());
    verification.problems.push_back(
        {0, code, code == X509_V_OK ? "verification failed" : X509_verify_cert_error_string(code)});
  }
  if (const STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(context.get()); built != nullptr) {
    for (int i = 0; i < sk_X509_num(built); ++i) {
      verification.chain.push_back(describe_certificate(sk_X509_value(built, i), now));
    }
  }
  verification.ok = verified == 1 && verification.problems.empty();
  if (!verification.ok) verification.error = verification.problems.front().reason;
  return verification;
}

}  // namespace reqscope::tls
