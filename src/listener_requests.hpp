// SPDX-License-Identifier: GPL-2.0-or-later
// RootRequests: the root side's answer to each request of the listener, checked again against
// the daemon's own configuration.
#pragma once

#include <chrono>
#include <mutex>

#include "config/config.hpp"
#include "serve/channel.hpp"
#include "serve/nut_protocol.hpp"

namespace hidupsd {

/// Answers the listener's requests through the daemon's own paths, never on its word:
///  - an instant command, a variable write, FSD: the user's password and right are checked
///    again against [serve.nut]'s users (serve::checkRight, as the NUT session did); a
///    refusal is logged as a warning naming the user and the client;
///  - a dashboard action: the credential is checked again against action_token /
///    action_password_hash, at most kChecksPerSecond a second (a yescrypt check costs tens of
///    milliseconds: a hostile listener cannot make the root side spend more);
///  - the listener holds no password: the NUT session's checks (Authorize) and the dashboard
///    gate's (Credential) are made here; at most kChecksPerSecond wrong NUT passwords a second
///    (past that every check is refused until the next second);
///  - history, plan, chart: read-only, answered by the dashboard backend, at most
///    kReadsPerSecond a second (each reads the history file or runs the planner);
///  - the user and the client's address the listener sends go into the log: they are cut to
///    128 bytes and their control characters replaced, so that no line can be forged.
/// The config is the one the daemon started with (the listener's too: neither changes on
/// SIGHUP). Thread rules: handle() on the supervisor's worker thread.
class RootRequests {
public:
  static constexpr int kChecksPerSecond = 4;
  static constexpr int kReadsPerSecond = 10;

  /// `ups` and `dashboard` (may be null: no dashboard) must outlive this.
  RootRequests(const Config& config, serve::UpsBackend& ups, serve::DashboardBackend* dashboard);

  serve::channel::Reply handle(const serve::channel::Request& request);

private:
  serve::channel::Reply nutWrite(const serve::channel::Request& request, serve::NutAction action);
  serve::channel::Reply action(const serve::channel::Request& request);
  serve::channel::Reply authorize(const serve::channel::Request& request);
  serve::channel::Reply credential(const serve::channel::Request& request);
  /// One more of `limit` a second in `window`, or false.
  static bool allowed(std::chrono::steady_clock::time_point& window, int& count, int limit);

  std::vector<serve::NutUserEntry> users_;
  std::string actionToken_;
  std::string actionPasswordHash_;
  serve::UpsBackend& ups_;
  serve::DashboardBackend* dashboard_;
  std::chrono::steady_clock::time_point window_{};
  int checksInWindow_ = 0;
  std::chrono::steady_clock::time_point readWindow_{};
  int readsInWindow_ = 0;
  std::chrono::steady_clock::time_point authWindow_{};
  int authFailuresInWindow_ = 0;
};

} // namespace hidupsd
