// SPDX-License-Identifier: GPL-2.0-or-later
// CurlMailer: Mailer over libcurl's SMTP (smtp:// with STARTTLS, or smtps://).
#pragma once

#include <memory>

#include "notify/mailer.hpp"

namespace hidupsd::notify {

class CurlEasy;

/// The real Mailer. Thread rules: one thread at a time; a CurlGlobal must
/// outlive it. The constructor throws std::system_error if libcurl cannot
/// make a handle.
class CurlMailer final : public Mailer {
public:
  CurlMailer();
  ~CurlMailer() override;
  CurlMailer(const CurlMailer&) = delete;
  CurlMailer& operator=(const CurlMailer&) = delete;

  /// Throws MailError ("smtp.example.org: Login denied").
  void send(const MailRequest& request) override;

private:
  std::unique_ptr<CurlEasy> easy_;
};

} // namespace hidupsd::notify
