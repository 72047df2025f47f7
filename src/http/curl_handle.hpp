#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <string>

namespace reqscope::http {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends to an owned curl_slist, keeping ownership on failure.
inline void slist_append(Slist& list, const char* text) {
  curl_slist* grown = curl_slist_append(list.get(), text);
  if (grown != nullptr) {
    static_cast<void>(list.release());
    list.reset(grown);
  }
}

// libcurl's CURLINFO_HTTP_VERSION as a name, "" when unknown.
inline std::string http_version_name(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1:
      return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0:
      return "HTTP/2";
    case CURL_HTTP_VERSION_3:
      return "HTTP/3";
    default:
      return "";
  }
}

inline void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace reqscope::http
