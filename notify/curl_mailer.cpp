// SPDX-License-Identifier: GPL-2.0-or-later
// CurlMailer: Mailer over libcurl's SMTP.
#include "notify/curl_mailer.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "notify/curl_easy.hpp"

namespace hidupsd::notify {

namespace {

constexpr int kImplicitTlsPort = 465; // RFC 8314 §3.3: submission over TLS
constexpr long kMaxConnectMs = 10000;

struct Upload {
  const std::string& text;
  std::size_t offset = 0;
};

// CURLOPT_READFUNCTION: the message, in pieces as libcurl asks for them.
std::size_t onRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& upload = *static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload.text.size() - upload.offset);
  std::memcpy(buffer, upload.text.data() + upload.offset, n);
  upload.offset += n;
  return n;
}

std::string mailUrl(const MailRequest& request) {
  const bool implicitTls = !request.starttls && request.port == kImplicitTlsPort;
  const bool ipv6 = request.server.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", implicitTls ? "smtps" : "smtp", ipv6 ? "[" : "",
                     request.server, ipv6 ? "]" : "", request.port);
}

void setConnection(CurlEasy& easy, const MailRequest& request, const std::string& url) {
  const long timeoutMs = std::max<long>(1, static_cast<long>(request.timeout.count()));
  easy.setOption(CURLOPT_URL, url.c_str());
  easy.setOption(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  easy.setOption(CURLOPT_NOSIGNAL, 1L);
  // Mails are rare: QUIT at once rather than hold an idle session open.
  easy.setOption(CURLOPT_FORBID_REUSE, 1L);
  easy.setOption(CURLOPT_TIMEOUT_MS, timeoutMs);
  easy.setOption(CURLOPT_CONNECTTIMEOUT_MS, std::min(timeoutMs, kMaxConnectMs));
  if (request.starttls) easy.setOption(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!request.username.empty()) {
    easy.setOption(CURLOPT_USERNAME, request.username.c_str());
    easy.setOption(CURLOPT_PASSWORD, request.password.c_str());
  }
}

bool permanent(const std::system_error& e, long reply) {
  return reply >= 500 || isCurlError(e, CURLE_LOGIN_DENIED) ||
         isCurlError(e, CURLE_USE_SSL_FAILED) || isCurlError(e, CURLE_URL_MALFORMAT) ||
         isCurlError(e, CURLE_UNSUPPORTED_PROTOCOL);
}

} // namespace

CurlMailer::CurlMailer() : easy_(std::make_unique<CurlEasy>()) {}

CurlMailer::~CurlMailer() = default;

void CurlMailer::send(const MailRequest& request) {
  Upload upload{request.message};
  try {
    easy_->reset();
    setConnection(*easy_, request, mailUrl(request));
    CurlSlist recipients;
    for (const auto& to : request.to)
      recipients.append("<" + to + ">");
    const std::string from = "<" + request.from + ">";
    easy_->setOption(CURLOPT_MAIL_FROM, from.c_str());
    easy_->setOption(CURLOPT_MAIL_RCPT, recipients.get());
    easy_->setOption(CURLOPT_UPLOAD, 1L);
    easy_->setOption(CURLOPT_READFUNCTION, &onRead);
    easy_->setOption(CURLOPT_READDATA, static_cast<void*>(&upload));
    easy_->setOption(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.message.size()));
    easy_->perform();
  } catch (const std::system_error& e) {
    // libcurl's SMTP errors quote the server's reply or the host, never the
    // password: the buffer is safe to show.
    const long reply = easy_->responseCode();
    throw MailError(fmt::format("{}: {}", request.server, e.what()),
                    isCurlError(e, CURLE_OPERATION_TIMEDOUT), permanent(e, reply));
  }
}

} // namespace hidupsd::notify
