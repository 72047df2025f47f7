#pragma once

#include <curl/curl.h>

#include <string_view>

namespace reqscope::bench {

// The error kind (one of kErrorKinds) of a transfer that got no response.
// `os_errno` is libcurl's CURLINFO_OS_ERRNO; `connected` whether the request
// was ready to go (the connection, and TLS, were up).
std::string_view error_kind(CURLcode code, long os_errno, bool connected);

}  // namespace reqscope::bench
