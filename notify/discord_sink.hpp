// SPDX-License-Identifier: GPL-2.0-or-later
// DiscordSink: a message with one embed (the UPS values as fields) to a Discord webhook.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/http_client.hpp"
#include "notify/sink_common.hpp"

namespace hidupsd::notify {

struct DiscordOptions {
  SinkOptions common;
  std::string url; ///< the webhook URL: secret (its path holds the token), never logged
};

/// Posts `url?wait=true` (`&wait=true` when the URL has a query), so that
/// Discord answers 200 only once the message exists and errors are seen.
/// The JSON (keys in this order; a field only for a value the snapshot has):
///
///     {"content": "⚡ Power outage on pve1",              // the title, ≤ 2000
///      "embeds": [{
///        "title": "⚡ Power outage on pve1",              // ≤ 256
///        "description": "Running on battery since …",    // the body, ≤ 4096
///        "color": 15105570,        // info 0x2ecc71, warning 0xe67e22, critical 0xe74c3c
///        "timestamp": "2026-11-25T20:31:02Z",            // wallTime, UTC
///        "fields": [{"name": "Battery", "value": "100 %", "inline": true},
///                   {"name": "Runtime", "value": "30 min", …},     // rounded minutes
///                   {"name": "Load", "value": "29 %", …},
///                   {"name": "Input → Output", "value": "229.0 V → 228.4 V", …},
///                   {"name": "Power", "value": "137 VA", …},
///                   {"name": "Real power", "value": "120 W", …},
///                   {"name": "Status", "value": "OB DISCHRG", …},
///                   {"name": "Model", "value": "Ellipse PRO 850", …}],
///        "footer": {"text": "hidupsd"}}],
///      "allowed_mentions": {"parse": []}}                // no @everyone from a reason
///
/// Field names follow the language ("Batterie", "Autonomie", …). Texts over
/// Discord's limits (content 2000, title 256, description 4096, field name
/// 256, value 1024, 25 fields, 6000 for the whole embed) are cut and end
/// with "…"; lengths count code points, a cut never splits a UTF-8 sequence.
///
/// Outcomes: 2xx Delivered; 429 Retry after the body's `retry_after`
/// (seconds, fractional) or else the Retry-After header; 408 and 5xx, no
/// answer or a timeout Retry; other statuses Failed ("HTTP 404").
///
/// Thread rules: as Sink (the dispatcher's thread). `http` must outlive the
/// sink. Nothing throws but std::bad_alloc from the constructor.
class DiscordSink final : public SinkBase {
public:
  DiscordSink(DiscordOptions options, HttpClient& http);

  Delivery deliver(const Notification& n) noexcept override;

  /// The JSON body deliver() posts for `n`. Throws std::bad_alloc only.
  std::string payload(const Notification& n) const;

  /// `url` with wait=true added to its query.
  static std::string postUrl(std::string_view url);

private:
  std::string url_;
  HttpClient& http_;
};

/// The number of code points in UTF-8 `text` (continuation bytes not counted).
std::size_t utf8Length(std::string_view text) noexcept;

/// `text` if it has at most `maxCodePoints` code points, else its first
/// maxCodePoints - 1 code points and "…". Never cuts a multi-byte sequence.
std::string truncateUtf8(std::string_view text, std::size_t maxCodePoints);

} // namespace hidupsd::notify
