// SPDX-License-Identifier: GPL-2.0-or-later
// One request/answer exchange over libmicrohttpd: the request as HttpRequest, the answer queued.
#include "serve/http_exchange.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <microhttpd.h>

#include "serve/nut_socket.hpp"

namespace hidupsd::serve {

std::string HttpRequest::header(std::string_view lowerCaseName) const {
  const auto it = headers.find(lowerCaseName);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::arg(std::string_view name) const {
  const auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

namespace http {

std::optional<HttpMethod> methodOf(const std::string& name) noexcept {
  if (name == MHD_HTTP_METHOD_GET) return HttpMethod::Get;
  if (name == MHD_HTTP_METHOD_HEAD) return HttpMethod::Head;
  if (name == MHD_HTTP_METHOD_POST) return HttpMethod::Post;
  return std::nullopt;
}

bool allows(unsigned bits, HttpMethod method) noexcept {
  return method == HttpMethod::Post ? (bits & kPostBit) != 0 : (bits & kGetBit) != 0;
}

std::string allowHeader(unsigned bits) {
  std::string out;
  if ((bits & kGetBit) != 0) out = "GET, HEAD";
  if ((bits & kPostBit) != 0) out += out.empty() ? "POST" : ", POST";
  return out;
}

namespace {

std::string lowerCase(const char* text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

MHD_Result addHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto& headers = *static_cast<decltype(HttpRequest::headers)*>(cls);
  headers[lowerCase(key)] = value != nullptr ? value : "";
  return MHD_YES;
}

MHD_Result addArgument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto& query = *static_cast<decltype(HttpRequest::query)*>(cls);
  query[key] = value != nullptr ? value : "";
  return MHD_YES;
}

std::string peerOf(MHD_Connection* connection) {
  const auto* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "?";
  sockaddr_storage address{};
  const auto size =
      info->client_addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  std::memcpy(&address, info->client_addr, size);
  return addressText(address);
}

} // namespace

HttpRequest requestOf(MHD_Connection* connection, const std::string& url, HttpMethod method) {
  HttpRequest r;
  r.path = url;
  r.method = method;
  r.head = method == HttpMethod::Head;
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &addHeader, &r.headers);
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &addArgument, &r.query);
  r.peer = peerOf(connection);
  return r;
}

std::optional<long long> contentLength(MHD_Connection* connection) {
  const char* value =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (value == nullptr) return std::nullopt;
  long long n = 0;
  const auto* end = value + std::strlen(value);
  const auto [stop, ec] = std::from_chars(value, end, n);
  if (ec != std::errc() || stop != end || n < 0) return -1;
  return n;
}

bool queue(MHD_Connection* connection, const HttpResponse& r) {
  // MUST_COPY: the response owns its bytes; our string dies with this call.
  MHD_Response* response = MHD_create_response_from_buffer(
      r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return false;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.contentType.c_str());
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : r.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  const MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return result == MHD_YES;
}

HttpResponse plain(int status, std::string allow) {
  HttpResponse r{status, "text/plain; charset=utf-8", std::to_string(status) + "\n"};
  if (!allow.empty()) r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

} // namespace http
} // namespace hidupsd::serve
