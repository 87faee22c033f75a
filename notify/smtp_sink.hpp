// SPDX-License-Identifier: GPL-2.0-or-later
// SmtpSink: the notification as a plain-text RFC 5322 mail, submitted through a Mailer.
#pragma once

#include <string>
#include <vector>

#include "notify/mailer.hpp"
#include "notify/sink_common.hpp"

namespace hidupsd::notify {

struct SmtpOptions {
  SinkOptions common;
  std::string server;          ///< host name or address
  int port = 587;              ///< 1..65535
  bool starttls = true;        ///< see MailRequest::starttls
  std::string username;        ///< "" = no AUTH
  std::string password;        ///< secret, never logged
  std::string from;            ///< "ups@example.org": envelope sender and From
  std::vector<std::string> to; ///< envelope recipients and To, non-empty
  std::string subject;         ///< a template (same placeholders as bodies); "" = the title
};

/// Builds one message per notification (CRLF line ends):
///
///     From: ups@example.org
///     To: admin@example.org, other@example.org
///     Subject: =?UTF-8?B?4pqhIFBvd2VyIG91dGFnZSBvbiBwdmUx?=   (RFC 2047 when not ASCII)
///     Date: Wed, 25 Nov 2026 20:31:02 +0000             (wallTime, UTC)
///     Message-ID: <1795638662.1.3f9a0c2d51e7b846@example.org>   (domain of From)
///     MIME-Version: 1.0
///     Content-Type: text/plain; charset=UTF-8
///     Content-Transfer-Encoding: 8bit
///     Auto-Submitted: auto-generated                   (RFC 3834: no auto-replies)
///
///     <the rendered body; lines over 998 octets broken (RFC 5322 §2.1.1)>
///
/// The message is not dot-stuffed here: libcurl's SMTP upload does it (a
/// line starting with '.' is sent as '..', lib/smtp.c Curl_smtp_escape_eob,
/// RFC 5321 §4.5.2) and adds the final CRLF.CRLF; the Mailer contract says so.
///
/// Outcomes: accepted Delivered; MailError permanent() (5xx reply, login
/// denied) Failed; any other MailError (connect, TLS, timeout, 4xx) Retry.
/// detail is MailError's text (server name, never the password).
///
/// Thread rules: as Sink. `mailer` must outlive the sink.
class SmtpSink final : public SinkBase {
public:
  SmtpSink(SmtpOptions options, Mailer& mailer);

  Delivery deliver(const Notification& n) noexcept override;

  /// The RFC 5322 message for `n`. Throws std::bad_alloc only.
  std::string mail(const Notification& n) const;

private:
  SmtpOptions options_;
  Mailer& mailer_;
};

/// `text` as RFC 2047 encoded-words ("=?UTF-8?B?…?=", each at most 75
/// characters, separated by CRLF SP) when it is not printable ASCII, else as is.
std::string encodeHeaderWord(std::string_view text);

/// "Wed, 25 Nov 2026 20:31:02 +0000" (RFC 5322 §3.3), UTC, locale-free.
std::string rfc5322Date(std::int64_t unixSeconds);

} // namespace hidupsd::notify
