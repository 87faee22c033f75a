// SPDX-License-Identifier: GPL-2.0-or-later
// Owners for libcurl's handles.
#include "notify/curl_easy.hpp"

#include <memory>
#include <new>
#include <utility>

namespace hidupsd::notify {

namespace {

class CurlCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "curl"; }
  std::string message(int value) const override {
    return curl_easy_strerror(static_cast<CURLcode>(value));
  }
};

[[noreturn]] void fail(CURLcode code, const char* what) {
  throw std::system_error(static_cast<int>(code), curlCategory(), what);
}

} // namespace

const std::error_category& curlCategory() noexcept {
  static const CurlCategory category;
  return category;
}

bool isCurlError(const std::system_error& e, CURLcode code) noexcept {
  return e.code().category() == curlCategory() && e.code().value() == static_cast<int>(code);
}

CurlGlobal::CurlGlobal() {
  if (auto code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
    fail(code, "curl_global_init");
}

CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

CurlSlist::~CurlSlist() { curl_slist_free_all(head_); }

CurlSlist::CurlSlist(CurlSlist&& other) noexcept : head_(std::exchange(other.head_, nullptr)) {}

CurlSlist& CurlSlist::operator=(CurlSlist&& other) noexcept {
  std::swap(head_, other.head_);
  return *this;
}

void CurlSlist::append(const std::string& line) {
  curl_slist* head = curl_slist_append(head_, line.c_str());
  if (head == nullptr) throw std::bad_alloc();
  head_ = head;
}

CurlEasy::CurlEasy() : handle_(curl_easy_init()) {
  if (handle_ == nullptr) fail(CURLE_FAILED_INIT, "curl_easy_init");
}

CurlEasy::~CurlEasy() {
  if (handle_ != nullptr) curl_easy_cleanup(handle_);
}

CurlEasy::CurlEasy(CurlEasy&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

CurlEasy& CurlEasy::operator=(CurlEasy&& other) noexcept {
  std::swap(handle_, other.handle_);
  return *this;
}

void CurlEasy::reset() noexcept { curl_easy_reset(handle_); }

void CurlEasy::perform() {
  // The error buffer is set per transfer: reset() forgets it.
  error_[0] = '\0';
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_);
  CURLcode code = curl_easy_perform(handle_);
  if (code != CURLE_OK) fail(code, error_[0] != '\0' ? error_ : "curl_easy_perform");
}

long CurlEasy::responseCode() const noexcept {
  long code = 0;
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

void CurlEasy::check(CURLcode code) const {
  if (code != CURLE_OK) fail(code, "curl_easy_setopt");
}

std::string urlHost(const std::string& url) noexcept {
  try {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
    char* host = nullptr;
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
        curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
      return "(bad URL)";
    std::string out = host;
    curl_free(host);
    return out;
  } catch (...) {
    return "(bad URL)";
  }
}

} // namespace hidupsd::notify
