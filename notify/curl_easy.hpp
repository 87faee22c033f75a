// SPDX-License-Identifier: GPL-2.0-or-later
// Owners for libcurl's handles: the one place <curl/curl.h> is included.
#pragma once

#include <curl/curl.h>

#include <string>
#include <system_error>

#include "notify/curl_global.hpp"

namespace hidupsd::notify {

/// The error category of CURLcode values (message: curl_easy_strerror).
const std::error_category& curlCategory() noexcept;

/// Whether `e` carries a CURLcode, and which.
bool isCurlError(const std::system_error& e, CURLcode code) noexcept;

/// A curl_slist (header lines, mail recipients). Move-only.
class CurlSlist {
public:
  CurlSlist() noexcept = default;
  ~CurlSlist();
  CurlSlist(CurlSlist&& other) noexcept;
  CurlSlist& operator=(CurlSlist&& other) noexcept;
  CurlSlist(const CurlSlist&) = delete;
  CurlSlist& operator=(const CurlSlist&) = delete;

  /// Appends a copy of `line`. Throws std::bad_alloc.
  void append(const std::string& line);
  curl_slist* get() const noexcept { return head_; }

private:
  curl_slist* head_ = nullptr;
};

/// One easy handle. Move-only; not thread-safe: one thread at a time.
class CurlEasy {
public:
  /// Throws std::system_error (curlCategory) if curl_easy_init fails.
  CurlEasy();
  ~CurlEasy();
  CurlEasy(CurlEasy&& other) noexcept;
  CurlEasy& operator=(CurlEasy&& other) noexcept;
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const noexcept { return handle_; }

  /// curl_easy_setopt; integer options take `long`. Throws std::system_error.
  template <typename T> void setOption(CURLoption option, T value) {
    check(curl_easy_setopt(handle_, option, value));
  }
  /// Back to the defaults, keeping live connections and caches.
  void reset() noexcept;
  /// Runs the transfer. Throws std::system_error (curlCategory) whose what()
  /// is libcurl's error buffer (may name the host, never adds the URL).
  void perform();
  /// The last response code (HTTP status, SMTP reply code), 0 if none.
  long responseCode() const noexcept;

private:
  void check(CURLcode code) const;

  CURL* handle_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

/// The host part of `url` ("discord.com"), or "(bad URL)": for messages that
/// must not carry the URL's secret path or query. Never throws.
std::string urlHost(const std::string& url) noexcept;

} // namespace hidupsd::notify
