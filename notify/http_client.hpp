// SPDX-License-Identifier: GPL-2.0-or-later
// HttpClient: the one HTTP interface the sinks use (libcurl behind it, a fake in tests).
#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hidupsd::notify {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000}; ///< the whole exchange, connect included
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;
};

/// A transfer that did not get an HTTP answer (DNS, connect, TLS, timeout).
/// what() never contains the URL's secret parts.
class HttpError : public std::runtime_error {
public:
  HttpError(const std::string& what, bool timedOut)
      : std::runtime_error(what), timedOut_(timedOut) {}
  bool timedOut() const noexcept { return timedOut_; }

private:
  bool timedOut_;
};

/// Thread rules: one HttpClient per thread (the dispatcher owns one).
class HttpClient {
public:
  virtual ~HttpClient() = default;
  /// Sends the request; any HTTP status is a response. Throws HttpError.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

} // namespace hidupsd::notify
