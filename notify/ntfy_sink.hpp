// SPDX-License-Identifier: GPL-2.0-or-later
// NtfySink: a push notification through an ntfy server (ntfy.sh or self-hosted).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "notify/http_client.hpp"
#include "notify/sink_common.hpp"

namespace hidupsd::notify {

struct NtfyOptions {
  SinkOptions common;
  std::string url = "https://ntfy.sh"; ///< the server; a trailing '/' is ignored
  std::string topic;                   ///< [A-Za-z0-9_-]{1,64} (checked by the config)
  std::string token;                   ///< access token (secret); "" = anonymous
  std::optional<int> priority;         ///< 1..5; nullopt = by severity
};

/// POSTs the rendered body as text/plain to `url/topic`, with the headers
/// (https://docs.ntfy.sh/publish/):
///
///     Title: ⚡ Power outage on pve1     (the rendered title, raw UTF-8:
///                                         ntfy reads it so, ntfy#737)
///     Priority: 4                       (configured, else info 3, warning 4, critical 5)
///     Tags: zap                         (an emoji short code per event, tagsOf)
///     Authorization: Bearer TOKEN       (only with a token)
///
/// CR and LF in the title become spaces (no header injection). Outcomes as
/// DiscordSink: 2xx Delivered; 408, 429 (Retry-After), 5xx, no answer Retry;
/// other statuses Failed.
///
/// Thread rules: as Sink. `http` must outlive the sink.
class NtfySink final : public SinkBase {
public:
  NtfySink(NtfyOptions options, HttpClient& http);

  Delivery deliver(const Notification& n) noexcept override;

  /// The request deliver() sends for `n`. Throws std::bad_alloc only.
  HttpRequest request(const Notification& n) const;

  /// ntfy's Tags for an event kind: "zap" (onbatt), "electric_plug" (online),
  /// "rotating_light" (critical kinds), "warning" (the other troubles),
  /// "white_check_mark" (commok), plus "battery" for battery events.
  static std::string_view tagsOf(core::EventKind kind) noexcept;

  /// 3, 4 or 5 by severity.
  static int priorityOf(Severity severity) noexcept;

private:
  NtfyOptions options_;
  HttpClient& http_;
};

} // namespace hidupsd::notify
