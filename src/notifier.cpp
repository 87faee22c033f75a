// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier: [[notify]] entries → sinks → one dispatcher.
#include "src/notifier.hpp"

#include <unistd.h>

#include <ctime>

#include "notify/discord_sink.hpp"
#include "notify/exec_sink.hpp"
#include "notify/ntfy_sink.hpp"
#include "notify/smtp_sink.hpp"
#include "notify/webhook_sink.hpp"

namespace hidupsd {

namespace {

notify::SinkOptions common(const NotifyConfig& c, int index) {
  notify::SinkOptions o;
  o.index = index;
  o.events = std::set<core::EventKind>(c.events.begin(), c.events.end());
  o.retries = c.retries;
  o.timeout = c.timeout;
  o.language = c.language == Language::Fr ? notify::Language::Fr : notify::Language::En;
  o.templates = c.templates;
  return o;
}

std::unique_ptr<notify::Sink> makeSink(const NotifyConfig& c, int index, notify::HttpClient& http,
                                       notify::Mailer& mailer) {
  switch (c.type) {
  case NotifyType::Discord:
    return std::make_unique<notify::DiscordSink>(notify::DiscordOptions{common(c, index), c.url},
                                                 http);
  case NotifyType::Webhook:
    return std::make_unique<notify::WebhookSink>(
        notify::WebhookOptions{common(c, index), c.url, {}}, http);
  case NotifyType::Ntfy:
    return std::make_unique<notify::NtfySink>(
        notify::NtfyOptions{common(c, index), c.url.empty() ? "https://ntfy.sh" : c.url, c.topic,
                            c.token, c.priority},
        http);
  case NotifyType::Smtp:
    return std::make_unique<notify::SmtpSink>(
        notify::SmtpOptions{common(c, index), c.server, c.port, c.starttls, c.username, c.password,
                            c.from, c.to, c.subject},
        mailer);
  case NotifyType::Exec:
    return std::make_unique<notify::ExecSink>(
        notify::ExecOptions{common(c, index), c.command, c.arguments});
  }
  return nullptr;
}

} // namespace

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

Notifier::Notifier(const std::vector<NotifyConfig>& entries, std::string host,
                   notify::Marker marker)
    : host_(host.empty() ? hostName() : std::move(host)), marker_(marker) {
  std::vector<std::unique_ptr<notify::Sink>> sinks;
  int index = 0;
  for (const auto& entry : entries)
    sinks.push_back(makeSink(entry, ++index, http_, mailer_));
  dispatcher_ = std::make_unique<notify::Dispatcher>(std::move(sinks));
}

Notifier::~Notifier() { stop(); }

notify::Notification Notifier::make(const core::Event& event) const {
  notify::Notification n;
  n.event = event;
  n.host = host_;
  n.wallTime = static_cast<std::int64_t>(std::time(nullptr));
  n.marker = marker_;
  return n;
}

void Notifier::onEvent(const core::Event& event) noexcept {
  try {
    dispatcher_->enqueue(make(event));
  } catch (...) {
    // Out of memory: this notification is lost; the shutdown is not affected.
  }
}

void Notifier::notifyText(const core::Event& event, const std::string& text) noexcept {
  try {
    auto n = make(event);
    n.text = text;
    dispatcher_->enqueue(std::move(n));
  } catch (...) {
    // Out of memory: this notification is lost; the shutdown is not affected.
  }
}

void Notifier::stop(std::chrono::milliseconds grace) { dispatcher_->stop(grace); }

bool Notifier::waitIdle(std::chrono::milliseconds timeout) {
  return dispatcher_->waitIdle(timeout);
}

} // namespace hidupsd
