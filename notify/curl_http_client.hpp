// SPDX-License-Identifier: GPL-2.0-or-later
// CurlHttpClient: HttpClient over libcurl (http and https only, no redirects).
#pragma once

#include <cstddef>
#include <memory>

#include "notify/http_client.hpp"

namespace hidupsd::notify {

class CurlEasy;

/// The real HttpClient. Keeps one easy handle, so a connection to the same
/// endpoint is reused between sends.
///
/// - request.timeout bounds the whole exchange (CURLOPT_TIMEOUT_MS), the
///   connection at most 10 s of it; no signals (CURLOPT_NOSIGNAL).
/// - Only http:// and https://; redirects are not followed (a 3xx is a
///   response like any other).
/// - Response header names are lower-cased (the last one of a name wins);
///   the body is kept up to kMaxBody bytes, the rest discarded.
///
/// Thread rules: one thread at a time (the dispatcher's). A CurlGlobal must
/// outlive it. The constructor throws std::system_error if libcurl cannot
/// make a handle.
class CurlHttpClient final : public HttpClient {
public:
  static constexpr std::size_t kMaxBody = 64 * 1024;

  CurlHttpClient();
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  /// Throws HttpError when there is no HTTP answer; its message names the
  /// host only ("discord.com: Timeout was reached"), timedOut() is set for
  /// CURLE_OPERATION_TIMEDOUT.
  HttpResponse send(const HttpRequest& request) override;

private:
  std::unique_ptr<CurlEasy> easy_;
};

} // namespace hidupsd::notify
