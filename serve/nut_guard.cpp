// SPDX-License-Identifier: GPL-2.0-or-later
// AuthThrottle, RefusalLog and constantTimeEquals: the NUT server's defences, without I/O.
#include "serve/nut_guard.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hidupsd::serve {

AuthThrottle::AuthThrottle(std::chrono::milliseconds first, std::chrono::milliseconds longest,
                           std::chrono::seconds forget)
    : first_(first), longest_(std::max(first, longest)), forget_(forget) {}

GuardClock::time_point AuthThrottle::allowedAt(const std::string& address,
                                               GuardClock::time_point now) {
  forgetStale(now);
  const auto it = entries_.find(address);
  return it == entries_.end() ? now : it->second.allowedAt;
}

std::chrono::milliseconds AuthThrottle::failed(const std::string& address,
                                               GuardClock::time_point now) {
  forgetStale(now);
  if (entries_.size() >= kMaxAddresses && !entries_.contains(address)) {
    const auto stalest = std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
      return a.second.last < b.second.last;
    });
    entries_.erase(stalest);
  }
  auto& e = entries_[address];
  e.failures = std::min(e.failures + 1, 32u);
  auto wait = first_;
  for (unsigned i = 1; i < e.failures && wait < longest_; ++i)
    wait *= 2;
  wait = std::min(wait, longest_);
  e.last = now;
  e.allowedAt = now + wait;
  return wait;
}

void AuthThrottle::succeeded(const std::string& address) { entries_.erase(address); }

unsigned AuthThrottle::failures(const std::string& address) const {
  const auto it = entries_.find(address);
  return it == entries_.end() ? 0 : it->second.failures;
}

void AuthThrottle::forgetStale(GuardClock::time_point now) {
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.last > forget_; });
}

RefusalLog::RefusalLog(std::chrono::seconds interval) : interval_(interval) {}

bool RefusalLog::count(Kind kind, GuardClock::time_point now) {
  if (!periodStart_) periodStart_ = now;
  ++totals_[index(kind)];
  return ++counts_[index(kind)] == 1;
}

std::optional<GuardClock::time_point> RefusalLog::dueAt() const {
  if (!periodStart_) return std::nullopt;
  return *periodStart_ + interval_;
}

std::string RefusalLog::summary(GuardClock::time_point now) {
  if (!periodStart_ || now < *periodStart_ + interval_) return {};
  static constexpr const char* kWords[kKinds] = {
      "idle connections closed to admit new ones",
      "connections refused (every slot held by a logged-in client)",
      "connections closed for sending no request line in time",
      "failed logins (each address waits longer after each)",
      "accept failures",
      "TLS handshakes failed, stalled or preceded by injected bytes",
      "requests refused in clear (require_tls)",
  };
  std::string parts;
  for (std::size_t i = 0; i < kKinds; ++i) {
    // The first of each kind was logged in full: only the ones after it are news.
    if (counts_[i] <= 1) continue;
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", counts_[i] - 1, kWords[i]);
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *periodStart_);
  counts_ = {};
  periodStart_.reset();
  if (parts.empty()) return {};
  return fmt::format("NUT server, last {} s, besides the lines above: {}", seconds.count(), parts);
}

bool constantTimeEquals(const std::string& a, const std::string& b) noexcept {
  // Walk the longer length, comparing against a byte of 0 past the end of the shorter.
  const std::size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff = static_cast<unsigned char>(diff | (x ^ y));
  }
  return diff == 0;
}

} // namespace hidupsd::serve
