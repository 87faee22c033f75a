// SPDX-License-Identifier: GPL-2.0-or-later
// Sink: one place notifications go (a Discord webhook, an ntfy topic, a mailbox, a script).
#pragma once

#include <chrono>
#include <string>

#include "notify/notification.hpp"

namespace hidupsd::notify {

/// The outcome of one delivery attempt. Expected failures are values.
struct Delivery {
  enum class Result : std::uint8_t {
    Delivered, ///< done
    Retry,     ///< failed, worth another try (5xx, timeout, 429 with retryAfter)
    Failed,    ///< failed for good (4xx other than 429, a bad template, exec not found)
  };
  Result result = Result::Delivered;
  /// With Retry: the wait the endpoint asked for (HTTP 429 Retry-After or
  /// Discord's retry_after); zero = the dispatcher's own backoff.
  std::chrono::milliseconds retryAfter{0};
  std::string detail; ///< for the log: "HTTP 500", "timed out after 10 s" (no secrets)
};

/// A notification destination. Thread rules: deliver() is called on the
/// dispatcher's thread only, one call at a time; it must return within
/// timeout() (plus a little), never block forever, never throw.
class Sink {
public:
  virtual ~Sink() = default;
  /// "discord #1": for logs (never the URL).
  virtual std::string name() const = 0;
  /// Whether this sink wants events of this kind (its `events = [...]`).
  /// Called from any thread (Dispatcher::enqueue): read-only state only.
  virtual bool wants(core::EventKind kind) const noexcept = 0;
  /// Attempts after the first one, before giving up.
  virtual int retries() const noexcept = 0;
  virtual std::chrono::milliseconds timeout() const noexcept = 0;
  /// One attempt.
  virtual Delivery deliver(const Notification& n) noexcept = 0;
};

} // namespace hidupsd::notify
