// SPDX-License-Identifier: GPL-2.0-or-later
// NtfySink: body as text, title/priority/tags as headers.
#include "notify/ntfy_sink.hpp"

#include <algorithm>

namespace hidupsd::notify {
namespace {

/// A header value on one line: CR and LF would end the header (or start a new one).
std::string oneLine(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return text;
}

std::string topicUrl(std::string_view base, std::string_view topic) {
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  return std::string(base) + "/" + std::string(topic);
}

} // namespace

NtfySink::NtfySink(NtfyOptions options, HttpClient& http)
    : SinkBase("ntfy", options.common), options_(std::move(options)), http_(http) {}

std::string_view NtfySink::tagsOf(core::EventKind kind) noexcept {
  using core::EventKind;
  switch (kind) {
  case EventKind::OnBattery: return "zap";
  case EventKind::Online: return "electric_plug";
  case EventKind::LowBattery: return "rotating_light,battery";
  case EventKind::Shutdown:
  case EventKind::Fsd: return "rotating_light";
  case EventKind::CommOk: return "white_check_mark";
  case EventKind::ReplaceBattery: return "warning,battery";
  case EventKind::TestStarted:
  case EventKind::TestFinished: return "battery";
  case EventKind::NotifyFail: return "mailbox_with_no_mail";
  case EventKind::CommBad:
  case EventKind::NoComm:
  case EventKind::Overload: break;
  case EventKind::NotReady: return "no_entry";
  }
  return "warning";
}

int NtfySink::priorityOf(Severity severity) noexcept {
  switch (severity) {
  case Severity::Info: return 3;
  case Severity::Critical: return 5;
  case Severity::Warning: break;
  }
  return 4;
}

HttpRequest NtfySink::request(const Notification& n) const {
  RenderedMessage m = message(n);
  int priority = options_.priority.value_or(priorityOf(severityOf(n.event.kind)));
  HttpRequest r;
  r.url = topicUrl(options_.url, options_.topic);
  r.headers = {
      {"Content-Type", "text/plain; charset=utf-8"},
      {"Title", oneLine(std::move(m.title))},
      {"Priority", std::to_string(priority)},
      {"Tags", std::string(tagsOf(n.event.kind))},
  };
  if (!options_.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + options_.token);
  r.body = std::move(m.body);
  r.timeout = timeout();
  return r;
}

Delivery NtfySink::deliver(const Notification& n) noexcept {
  return guarded([&] { return httpDelivery(http_.send(request(n))); });
}

} // namespace hidupsd::notify
