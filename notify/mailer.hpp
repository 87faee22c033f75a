// SPDX-License-Identifier: GPL-2.0-or-later
// Mailer: the one SMTP interface the smtp sink uses (libcurl behind it, a fake in tests).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace hidupsd::notify {

/// One mail to submit.
struct MailRequest {
  std::string server; ///< host name or address
  int port = 587;     ///< 1..65535
  /// STARTTLS required before AUTH and the mail (fails if the server lacks
  /// it). Without it, port 465 means implicit TLS (smtps), any other port
  /// plain SMTP.
  bool starttls = true;
  std::string username;        ///< "" = no AUTH
  std::string password;        ///< secret: never in messages
  std::string from;            ///< envelope sender, "ups@example.org"
  std::vector<std::string> to; ///< envelope recipients, non-empty
  /// The RFC 5322 message: header lines, an empty line, the body; CRLF line
  /// ends. Dot-stuffing is the mailer's job.
  std::string message;
  std::chrono::milliseconds timeout{10000}; ///< the whole exchange
};

/// A mail that was not accepted. what() names the server, never the password.
class MailError : public std::runtime_error {
public:
  MailError(const std::string& what, bool timedOut, bool permanent)
      : std::runtime_error(what), timedOut_(timedOut), permanent_(permanent) {}
  bool timedOut() const noexcept { return timedOut_; }
  /// A retry will not help: the server refused (5xx reply, login denied),
  /// it lacks STARTTLS, or the address is bad.
  bool permanent() const noexcept { return permanent_; }

private:
  bool timedOut_;
  bool permanent_;
};

/// Thread rules: one thread at a time (the dispatcher's).
class Mailer {
public:
  virtual ~Mailer() = default;
  /// Submits the mail to every recipient. Throws MailError.
  virtual void send(const MailRequest& request) = 0;
};

} // namespace hidupsd::notify
