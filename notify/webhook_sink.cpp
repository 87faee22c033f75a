// SPDX-License-Identifier: GPL-2.0-or-later
// WebhookSink: the generic JSON schema, posted as is.
#include "notify/webhook_sink.hpp"

#include <nlohmann/json.hpp>

namespace hidupsd::notify {
namespace {

using Json = nlohmann::ordered_json;

Json upsJson(const core::Snapshot& s) {
  Json ups = Json::object();
  for (const auto& [name, value] : s.variables)
    ups[name] = value;
  return ups;
}

} // namespace

WebhookSink::WebhookSink(WebhookOptions options, HttpClient& http)
    : SinkBase("webhook", std::move(options.common)), url_(std::move(options.url)),
      headers_(std::move(options.headers)), http_(http) {}

std::string WebhookSink::payload(const Notification& n) const {
  RenderedMessage m = message(n);
  Json root = Json::object();
  root["event"] = core::eventName(n.event.kind);
  root["severity"] = nameOf(severityOf(n.event.kind));
  root["time"] = isoUtc(n.wallTime);
  root["unix_time"] = n.wallTime;
  root["host"] = n.host;
  root["reason"] = say(n.event.reason, options().language);
  root["reason_key"] = n.event.reason.key;
  root["message"] = Json{{"title", m.title}, {"body", m.body}};
  root["ups"] = upsJson(n.event.snapshot);
  root["status"] = n.event.snapshot.statusFlags();
  return root.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Delivery WebhookSink::deliver(const Notification& n) noexcept {
  return guarded([&] {
    HttpRequest request;
    request.url = url_;
    request.headers = headers_;
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = payload(n);
    request.timeout = timeout();
    return httpDelivery(http_.send(request));
  });
}

} // namespace hidupsd::notify
