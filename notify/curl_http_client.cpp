// SPDX-License-Identifier: GPL-2.0-or-later
// CurlHttpClient: HttpClient over libcurl.
#include "notify/curl_http_client.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

#include "hidupsd_config.hpp"
#include "notify/curl_easy.hpp"

namespace hidupsd::notify {

namespace {

constexpr long kMaxConnectMs = 10000;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// CURLOPT_HEADERFUNCTION: one header line at a time, status lines included.
// A new status line (after a 100 Continue) starts a new header set.
std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = *static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response.headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    response.headers[lowered(trim(line.substr(0, colon)))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * count;
}

// CURLOPT_WRITEFUNCTION: keep kMaxBody bytes, swallow the rest (aborting
// would turn an answer into a transport error).
std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto& body = *static_cast<std::string*>(user);
  const std::size_t n = size * count;
  const std::size_t room =
      CurlHttpClient::kMaxBody - std::min(body.size(), CurlHttpClient::kMaxBody);
  body.append(data, std::min(n, room));
  return n;
}

void setMethod(CurlEasy& easy, const HttpRequest& request) {
  if (request.method == "GET" && request.body.empty()) {
    easy.setOption(CURLOPT_HTTPGET, 1L);
    return;
  }
  easy.setOption(CURLOPT_POSTFIELDS, request.body.c_str());
  easy.setOption(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  if (request.method != "POST") easy.setOption(CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

CurlSlist headerList(const HttpRequest& request) {
  CurlSlist list;
  for (const auto& [name, value] : request.headers)
    list.append(name + ": " + value);
  // No "Expect: 100-continue" round trip for bodies over 1 KiB.
  list.append("Expect:");
  return list;
}

void setCommon(CurlEasy& easy, const HttpRequest& request) {
  const long timeoutMs = std::max<long>(1, static_cast<long>(request.timeout.count()));
  easy.setOption(CURLOPT_URL, request.url.c_str());
  easy.setOption(CURLOPT_PROTOCOLS_STR, "http,https");
  easy.setOption(CURLOPT_FOLLOWLOCATION, 0L);
  easy.setOption(CURLOPT_NOSIGNAL, 1L);
  easy.setOption(CURLOPT_TIMEOUT_MS, timeoutMs);
  easy.setOption(CURLOPT_CONNECTTIMEOUT_MS, std::min(timeoutMs, kMaxConnectMs));
  easy.setOption(CURLOPT_USERAGENT, "hidupsd/" HIDUPSD_VERSION);
}

// libcurl's error buffer may quote the URL in a few messages: use it only
// when it carries nothing of the URL past the host.
std::string describe(const std::system_error& e, const HttpRequest& request) {
  const std::string host = urlHost(request.url);
  std::string detail = e.code().message();
  std::string_view buffer = e.what();
  auto afterHost = request.url.find(host);
  std::string_view rest = afterHost == std::string::npos
                              ? std::string_view(request.url)
                              : std::string_view(request.url).substr(afterHost + host.size());
  if (buffer.find(request.url) == std::string_view::npos &&
      (rest.size() < 2 || buffer.find(rest) == std::string_view::npos))
    detail = std::string(buffer);
  return fmt::format("{}: {}", host, detail);
}

} // namespace

CurlHttpClient::CurlHttpClient() : easy_(std::make_unique<CurlEasy>()) {}

CurlHttpClient::~CurlHttpClient() = default;

HttpResponse CurlHttpClient::send(const HttpRequest& request) {
  HttpResponse response;
  try {
    easy_->reset();
    setCommon(*easy_, request);
    setMethod(*easy_, request);
    CurlSlist headers = headerList(request);
    easy_->setOption(CURLOPT_HTTPHEADER, headers.get());
    easy_->setOption(CURLOPT_HEADERFUNCTION, &onHeader);
    easy_->setOption(CURLOPT_HEADERDATA, static_cast<void*>(&response));
    easy_->setOption(CURLOPT_WRITEFUNCTION, &onBody);
    easy_->setOption(CURLOPT_WRITEDATA, static_cast<void*>(&response.body));
    easy_->perform();
    response.status = easy_->responseCode();
  } catch (const std::system_error& e) {
    throw HttpError(describe(e, request), isCurlError(e, CURLE_OPERATION_TIMEDOUT));
  }
  return response;
}

} // namespace hidupsd::notify
