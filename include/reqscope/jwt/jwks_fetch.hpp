#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "reqscope/error.hpp"

namespace reqscope::jwt {

// The largest JWKS document fetched; real ones are a few KiB.
inline constexpr std::size_t kMaxJwksBytes = 1024 * 1024;

// True when a --jwks value is an http(s) URL rather than a file name.
bool is_jwks_url(std::string_view value);

// Fetches a JWKS document with libcurl: http and https only, up to 5
// redirects, certificates verified, the whole exchange within `timeout`,
// at most kMaxJwksBytes. Errors: "bad_url"; network kinds (dns_error,
// connect_refused, connect_timeout, timeout, tls_verify, tls_handshake,
// network); "http_status" for a non-2xx answer; "http_protocol" for an
// oversized or broken body.
Result<std::string> fetch_jwks(const std::string& url, std::chrono::nanoseconds timeout);

// The same fetch for another small document: `what` names it in errors
// ("the token").
Result<std::string> fetch_document(const std::string& url, std::chrono::nanoseconds timeout,
                                   const std::string& what);

}  // namespace reqscope::jwt
