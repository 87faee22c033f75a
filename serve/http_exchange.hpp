// SPDX-License-Identifier: GPL-2.0-or-later
// One request/answer exchange over libmicrohttpd: the request as HttpRequest, the answer queued.
#pragma once

#include <optional>
#include <string>

#include "serve/http_server.hpp"

struct MHD_Connection;

namespace hidupsd::serve::http {

/// The route methods as bits (HEAD rides on GET).
inline constexpr unsigned kGetBit = 1;
inline constexpr unsigned kPostBit = 2;

/// "GET" → Get, "HEAD" → Head, "POST" → Post; nullopt for any other method.
std::optional<HttpMethod> methodOf(const std::string& name) noexcept;
/// Whether a route with `bits` takes `method`.
bool allows(unsigned bits, HttpMethod method) noexcept;
/// The Allow header of a route with `bits`: "GET, HEAD", "POST", "GET, HEAD, POST".
std::string allowHeader(unsigned bits);

/// The request's head: path, method, headers, query arguments and peer (no body yet).
/// Throws std::bad_alloc only.
HttpRequest requestOf(MHD_Connection* connection, const std::string& url, HttpMethod method);

/// The request's Content-Length: nullopt when absent (no body, or a chunked one); -1 when it
/// is not a number.
std::optional<long long> contentLength(MHD_Connection* connection);

/// Queues `response` on `connection` (a copy of the body; X-Content-Type-Options: nosniff and
/// the response's own headers). False when libmicrohttpd refused it (the connection closes).
bool queue(MHD_Connection* connection, const HttpResponse& response);

/// A plain-text answer: "404\n" and the like.
HttpResponse plain(int status, std::string allow = {});

} // namespace hidupsd::serve::http
