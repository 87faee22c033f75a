// SPDX-License-Identifier: GPL-2.0-or-later
// What keeps the NUT server fair under abuse: login throttling per address, summarised refusals.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hidupsd::serve {

using GuardClock = std::chrono::steady_clock;

/// Failed authentications per client address. Each failure makes that address wait before
/// its next password is even looked at: `first` after the first failure, doubling up to
/// `longest`. A success, or `forget` without failures, clears the address. At most
/// kMaxAddresses are remembered (the stalest is forgotten first). Pure: the caller gives the
/// time. Not thread-safe (the server thread owns it).
class AuthThrottle {
public:
  static constexpr std::size_t kMaxAddresses = 4096;

  AuthThrottle(std::chrono::milliseconds first, std::chrono::milliseconds longest,
               std::chrono::seconds forget = std::chrono::minutes(15));

  /// When `address` may next try (≤ now: at once).
  GuardClock::time_point allowedAt(const std::string& address, GuardClock::time_point now);
  /// Records a failure; returns the wait it imposes on the address from `now`.
  std::chrono::milliseconds failed(const std::string& address, GuardClock::time_point now);
  void succeeded(const std::string& address);
  /// Failures remembered for `address`.
  unsigned failures(const std::string& address) const;

private:
  struct Entry {
    unsigned failures = 0;
    GuardClock::time_point last;
    GuardClock::time_point allowedAt;
  };
  void forgetStale(GuardClock::time_point now);

  std::chrono::milliseconds first_;
  std::chrono::milliseconds longest_;
  std::chrono::seconds forget_;
  std::map<std::string, Entry> entries_;
};

/// What the server turned away, counted and said in one line per interval rather than one
/// line per connection (journald's rate limit would otherwise drop the daemon's own lines,
/// shutdown progress included). Pure; not thread-safe.
class RefusalLog {
public:
  enum class Kind : std::uint8_t {
    Evicted,      ///< closed, idle and not logged in, to admit a new connection
    Refused,      ///< a new connection closed: every slot holds a logged-in client
    Silent,       ///< closed: no complete request line in time after connecting
    AuthFailed,   ///< a wrong password or unknown user (the address then waits)
    AcceptFailed, ///< accept() failed (out of descriptors: the reserve holds)
    TlsFailed,    ///< after STARTTLS: a failed or stalled handshake, bytes sent before it
    TlsRequired,  ///< require_tls: a request in clear refused
  };
  static constexpr std::size_t kKinds = 7;

  explicit RefusalLog(std::chrono::seconds interval = std::chrono::seconds(60));

  /// Counts one. True when it is the first of its kind since the last summary: the caller
  /// logs that one in full.
  bool count(Kind kind, GuardClock::time_point now);
  /// "NUT server, last 60 s: 12 idle connections closed to admit new ones, 3400 failed
  /// logins" once `interval` has passed since the first count of the period, and the counts
  /// start again; "" when nothing is due.
  std::string summary(GuardClock::time_point now);
  /// When summary() will have something to say; nullopt when nothing is counted.
  std::optional<GuardClock::time_point> dueAt() const;
  /// Everything counted since start, per kind.
  std::size_t total(Kind kind) const noexcept { return totals_[index(kind)]; }

private:
  static std::size_t index(Kind k) noexcept { return static_cast<std::size_t>(k); }
  std::chrono::seconds interval_;
  std::optional<GuardClock::time_point> periodStart_;
  std::array<std::size_t, kKinds> counts_{};
  std::array<std::size_t, kKinds> totals_{};
};

/// Compares a secret without an early exit: the time depends on the lengths only.
bool constantTimeEquals(const std::string& a, const std::string& b) noexcept;

} // namespace hidupsd::serve
