// SPDX-License-Identifier: GPL-2.0-or-later
// DiscordSink: a message with one embed (the UPS values as fields) to a Discord webhook.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "notify/http_client.hpp"
#include "notify/sink_common.hpp"

namespace hidupsd::notify {

/// How the message looks.
enum class DiscordStyle : std::uint8_t {
  Embed, ///< the title as the message line, an embed with the body and the values as fields
  Plain, ///< the old upssched-cmd script's message: the title, then one code block
};

struct DiscordOptions {
  SinkOptions common;
  std::string url; ///< the webhook URL: secret (its path holds the token), never logged
  DiscordStyle style = DiscordStyle::Embed;
  bool embed = true;  ///< Embed style: send the embed (false: the message line only)
  bool fields = true; ///< Embed style: the values as embed fields (false: as body lines)
  /// Mentions per event, in Discord's own syntax: "@here", "@everyone",
  /// "<@&ROLE_ID>", "<@USER_ID>". Put before the message line and allowed
  /// in allowed_mentions for that event only; none by default.
  std::map<core::EventKind, std::vector<std::string>> mentions = {};
};

/// Posts `url?wait=true` (`&wait=true` when the URL has a query), so that
/// Discord answers 200 only once the message exists and errors are seen.
///
/// Style Embed (default), keys in this order; a field only for a value the
/// snapshot has:
///
///     {"content": "⚡ Power outage on pve1",              // the title, ≤ 2000
///      "embeds": [{
///        "description": "Running on battery since …",    // the body, ≤ 4096
///        "color": 15105570,        // info 0x2ecc71, warning 0xe67e22, critical 0xe74c3c
///        "timestamp": "2026-11-25T20:31:02Z",            // wallTime, UTC
///        "fields": [{"name": "Battery", "value": "100 %", "inline": true},
///                   {"name": "Runtime", "value": "2 min 48 s", …},  // durationText
///                   {"name": "Load", "value": "29 %", …},
///                   {"name": "Input → Output", "value": "229.0 V → 228.4 V", …},
///                   {"name": "Power", "value": "137 VA", …},
///                   {"name": "Real power", "value": "120 W", …},
///                   {"name": "Status", "value": "OB DISCHRG", …},
///                   {"name": "Model", "value": "Ellipse PRO 850", …}],
///        "footer": {"text": "hidupsd"}}],
///      "allowed_mentions": {"parse": []}}                // no @everyone from a reason
///
/// The title is the message line (what phones show), so the embed has none;
/// with fields the body has no state lines (the values are said once). With
/// `fields` false the body carries the state lines; with `embed` false the
/// message line is the title and the body. Style Plain: only "content", the
/// title and then the body of plainTemplateFor in a ``` code block.
/// [notify.templates] parts replace title, body and the whole content.
/// Mentions for the event go first in the content, and allowed_mentions
/// lets exactly those through (parse ["everyone"] for @here/@everyone,
/// "roles", "users").
///
/// Field names follow the language ("Batterie", "Autonomie", …). Texts over
/// Discord's limits (content 2000, description 4096, field name 256, value
/// 1024, 25 fields, 6000 for the whole embed) are cut and end with "…";
/// lengths count code points, a cut never splits a UTF-8 sequence.
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
  std::string content(const Notification& n, const RenderedMessage& m) const;

  std::string url_;
  DiscordStyle style_;
  bool embed_;
  bool fields_;
  std::map<core::EventKind, std::vector<std::string>> mentions_;
  HttpClient& http_;
};

/// The number of code points in UTF-8 `text` (continuation bytes not counted).
std::size_t utf8Length(std::string_view text) noexcept;

/// `text` if it has at most `maxCodePoints` code points, else its first
/// maxCodePoints - 1 code points and "…". Never cuts a multi-byte sequence.
std::string truncateUtf8(std::string_view text, std::size_t maxCodePoints);

} // namespace hidupsd::notify
