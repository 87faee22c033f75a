// SPDX-License-Identifier: GPL-2.0-or-later
// CurlGlobal: libcurl's process-wide state, owned by main (without <curl/curl.h>).
#pragma once

namespace hidupsd::notify {

/// curl_global_init / curl_global_cleanup for the process lifetime. Owned by main (and by
/// test mains), created before any thread uses libcurl (CurlHttpClient, CurlMailer, the
/// Notifier), destroyed after the last of them. Throws std::system_error (curlCategory()
/// of notify/curl_easy.hpp) if libcurl cannot initialise.
class CurlGlobal {
public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

} // namespace hidupsd::notify
