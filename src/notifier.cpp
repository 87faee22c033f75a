// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier: [[notify]] entries → sinks → one dispatcher; the sinks' health → the event log.
#include "src/notifier.hpp"

#include <unistd.h>

#include <ctime>

#include <fmt/format.h>

#include "notify/discord_sink.hpp"
#include "notify/exec_sink.hpp"
#include "notify/ntfy_sink.hpp"
#include "notify/smtp_sink.hpp"
#include "notify/webhook_sink.hpp"

namespace hidupsd {

namespace {

notify::TemplateOverrides overrides(const NotifyConfig& c) {
  notify::TemplateOverrides out;
  for (const auto& [name, t] : c.templates)
    out[name] = notify::TemplateOverride{t.title, t.content, t.body};
  return out;
}

notify::DiscordOptions discordOptions(const NotifyConfig& c, int index) {
  notify::DiscordOptions o;
  o.common = sinkOptions(c, index);
  o.url = c.url;
  o.style = c.discordStyle == DiscordStyle::Plain ? notify::DiscordStyle::Plain
                                                  : notify::DiscordStyle::Embed;
  o.embed = c.embed;
  o.fields = c.fields;
  o.mentions = c.mentions;
  return o;
}

std::unique_ptr<notify::Sink> makeSink(const NotifyConfig& c, int index, notify::HttpClient& http,
                                       notify::Mailer& mailer) {
  switch (c.type) {
  case NotifyType::Discord:
    return std::make_unique<notify::DiscordSink>(discordOptions(c, index), http);
  case NotifyType::Webhook:
    return std::make_unique<notify::WebhookSink>(
        notify::WebhookOptions{sinkOptions(c, index), c.url, {}}, http);
  case NotifyType::Ntfy:
    return std::make_unique<notify::NtfySink>(
        notify::NtfyOptions{sinkOptions(c, index), c.url.empty() ? "https://ntfy.sh" : c.url,
                            c.topic, c.token, c.priority},
        http);
  case NotifyType::Smtp:
    return std::make_unique<notify::SmtpSink>(
        notify::SmtpOptions{sinkOptions(c, index), c.server, c.port, c.starttls, c.username,
                            c.password, c.from, c.to, c.subject},
        mailer);
  case NotifyType::Exec:
    return std::make_unique<notify::ExecSink>(
        notify::ExecOptions{sinkOptions(c, index), c.command, c.arguments});
  }
  return nullptr;
}

} // namespace

notify::SinkOptions sinkOptions(const NotifyConfig& c, int index) {
  notify::SinkOptions o;
  o.index = index;
  o.events = std::set<core::EventKind>(c.events.begin(), c.events.end());
  o.retries = c.retries;
  o.timeout = c.timeout;
  o.language = c.language == Language::Fr ? notify::Language::Fr : notify::Language::En;
  o.templates = overrides(c);
  return o;
}

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

Notifier::Notifier(const std::vector<NotifyConfig>& entries, std::string host,
                   notify::Marker marker, NotifierHooks hooks)
    : host_(host.empty() ? hostName() : std::move(host)), marker_(marker),
      hooks_(std::move(hooks)) {
  std::vector<std::unique_ptr<notify::Sink>> sinks;
  for (const auto& entry : entries) {
    sinks.push_back(makeSink(entry, static_cast<int>(sinks.size()) + 1, http_, mailer_));
    names_.push_back(sinks.back()->name());
    alertAfter_.push_back(entry.alertAfterFailures);
  }
  failuresSeen_.assign(sinks.size(), 0);
  notify::DispatcherOptions options;
  options.onOutcome = [this](std::size_t sink, const core::SinkHealth& health,
                             const notify::Notification& n) { onOutcome(sink, health, n); };
  dispatcher_ = std::make_unique<notify::Dispatcher>(std::move(sinks), std::move(options));
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

int Notifier::sinkNumber(const std::string& name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i) + 1;
  return 0;
}

void Notifier::onEvent(const core::Event& event) noexcept {
  try {
    auto n = make(event);
    // About a failing sink: the others say it, that one would only fail again.
    if (event.kind == core::EventKind::NotifyFail) n.except = sinkNumber(event.reason.text("sink"));
    dispatcher_->enqueue(std::move(n));
  } catch (...) {
    // Out of memory: this notification is lost; the shutdown is not affected.
  }
}

void Notifier::notifyProgress(const core::Event& event, const core::Phrase& what) noexcept {
  try {
    auto n = make(event);
    n.progress = what;
    dispatcher_->enqueue(std::move(n));
  } catch (...) {
    // Out of memory: this notification is lost; the shutdown is not affected.
  }
}

// The dispatcher's thread, after each attempt: the first failure of a streak and the
// recovery go to the event log; the alert_after_failures-th failure in a row is an event.
void Notifier::onOutcome(std::size_t sink, const core::SinkHealth& health,
                         const notify::Notification& n) {
  const int before = failuresSeen_[sink];
  failuresSeen_[sink] = health.failuresInRow;
  if (health.failuresInRow == 0 && before > 0 && hooks_.record)
    hooks_.record(
        fmt::format("notify: {} works again after {} failed attempt(s)", health.name, before));
  if (health.failuresInRow == 1 && hooks_.record)
    hooks_.record(fmt::format("notify: {} is failing: {}", health.name, health.lastError));
  const int alertAfter = alertAfter_[sink];
  if (alertAfter == 0 || health.failuresInRow != alertAfter || !hooks_.raise) return;
  core::Event event;
  event.kind = core::EventKind::NotifyFail;
  event.time = n.event.time;
  event.snapshot = n.event.snapshot;
  event.reason = core::Phrase("reason.notify_failing")
                     .with("sink", health.name)
                     .with("count", std::to_string(alertAfter))
                     .with("error", health.lastError);
  hooks_.raise(event);
}

void Notifier::stop(std::chrono::milliseconds grace) { dispatcher_->stop(grace); }

bool Notifier::waitIdle(std::chrono::milliseconds timeout) {
  return dispatcher_->waitIdle(timeout);
}

} // namespace hidupsd
