// SPDX-License-Identifier: GPL-2.0-or-later
// WebhookSink: the event as a documented JSON object, POSTed to any URL.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "notify/http_client.hpp"
#include "notify/sink_common.hpp"

namespace hidupsd::notify {

struct WebhookOptions {
  SinkOptions common;
  std::string url; ///< secret (may hold a token), never logged
  /// Extra request headers ("Authorization", "X-Api-Key"…): values are
  /// secrets, never logged. Content-Type is always application/json.
  std::vector<std::pair<std::string, std::string>> headers;
};

/// POSTs one JSON object per event, Content-Type application/json. The
/// schema (version 1; keys in this order, every key always present):
///
///     {"event": "onbatt",               // core::kEventNames
///      "severity": "warning",           // "info" | "warning" | "critical"
///      "time": "2026-11-25T20:31:02Z",  // wallTime, ISO 8601, UTC
///      "unix_time": 1795638662,         // wallTime, Unix seconds (integer)
///      "host": "pve1",
///      "reason": "",                    // why, in the entry's language; "" when none
///      "reason_key": "",                // the reason's catalogue key ("reason.low_battery")
///      "message": {"title": "⚡ Power outage on pve1",
///                  "body": "Running on battery since …"},   // as rendered for people
///      "ups": {"battery.charge": "100", // every variable of the snapshot,
///              "ups.status": "OB DISCHRG", …},   // NUT names, values as strings
///      "status": ["OB", "DISCHRG"]}     // ups.status split; [] when unknown
///
/// For a shutdown progress message, "event" is "shutdown" and the body holds
/// the progress text. Outcomes as DiscordSink: 2xx Delivered; 408, 429
/// (Retry-After seconds), 5xx, no answer Retry; other statuses Failed.
///
/// Thread rules: as Sink. `http` must outlive the sink.
class WebhookSink final : public SinkBase {
public:
  WebhookSink(WebhookOptions options, HttpClient& http);

  Delivery deliver(const Notification& n) noexcept override;

  /// The JSON body for `n`. Throws std::bad_alloc only.
  std::string payload(const Notification& n) const;

private:
  std::string url_;
  std::vector<std::pair<std::string, std::string>> headers_;
  HttpClient& http_;
};

} // namespace hidupsd::notify
