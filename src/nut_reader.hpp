// SPDX-License-Identifier: GPL-2.0-or-later
// NutReader: the device thread's loop for a UPS another host serves over the NUT protocol.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/snapshot.hpp"
#include "lib/nut_address.hpp"
#include "ups/device_reader.hpp"
#include "ups/ups_source.hpp"

namespace hidupsd {

namespace serve {
class NutClient;
}

struct NutReaderOptions {
  lib::NutAddress address;
  std::string username; ///< "" = no LOGIN: read only, the primary does not wait for us
  std::string password;
  std::chrono::milliseconds timeout{5000};           ///< connect, and each reply line
  std::chrono::milliseconds pollInterval{2000};      ///< between LIST VARs
  std::chrono::milliseconds commsLostTimeout{15000}; ///< without an answer before onCommLost
  std::chrono::milliseconds readSlice{250};          ///< longest single sleep; bounds stop()
  std::chrono::milliseconds backoffMin{1000};        ///< first reconnect delay, then doubled
  std::chrono::milliseconds backoffMax{30000};       ///< reconnect delay cap
};

/// A LIST VAR answer as the snapshot a local UPS's reader publishes: every variable as the
/// server gives it, stamped `time`. Throws std::runtime_error when ups.status is missing or
/// empty (a UPS without a status cannot be followed: that is no answer).
core::Snapshot remoteSnapshot(const std::vector<std::pair<std::string, std::string>>& variables,
                              core::Clock::time_point time);

/// One LIST VAR of `address` now, without a login (--test-event's state). Throws
/// std::system_error, serve::NutError, std::runtime_error (remoteSnapshot).
core::Snapshot readRemoteOnce(const lib::NutAddress& address, std::chrono::milliseconds timeout,
                              core::Clock::time_point now);

/// --probe --nut: what the server says of `address`, as upsc and upscmd -l show it: the
/// server's VER, every variable, the instant commands (a refused LIST CMD is a note). With
/// `json` one object {"server", "variables", "commands"}. Throws as readRemoteOnce.
std::string remoteProbe(const lib::NutAddress& address, std::chrono::milliseconds timeout,
                        bool json);

/// Follows one UPS on a NUT server (upsd or hidupsd's [serve.nut]), as upsmon does as a
/// secondary: connect, USERNAME/PASSWORD/LOGIN (when a username is given), then LIST VAR
/// every poll interval, each answer a snapshot for the listener (the same chain a USB UPS
/// feeds). Only a LIST VAR with a ups.status counts as an answer. A refused LOGIN is logged
/// and the UPS followed read-only. A broken connection, a timeout or an ERR reply is a miss:
/// the connection is dropped (an ERR such as DATA-STALE keeps it) and made again after
/// backoffMin, doubling to backoffMax; commsLostTimeout after the last answer (or the
/// start) the listener hears onCommLost, and onCommRestored at the next answer. Every
/// socket call is bounded by `timeout` (a LIST by 4 of them); the listener's timers run
/// between calls (a call in progress delays them by its timeout at most).
///
/// Instant commands and writes are the primary's: commands() and writables() are empty
/// and posted tasks run at once with nullptr.
///
/// Thread rules: run() and step() on the device thread; stop(), logout() and post() from
/// any thread. Nothing throws but std::bad_alloc.
class NutReader final : public UpsSource {
public:
  NutReader(NutReaderOptions options, core::Clock& clock, ReaderListener& listener);
  ~NutReader() override;
  NutReader(const NutReader&) = delete;
  NutReader& operator=(const NutReader&) = delete;

  void run() override;
  /// One bounded unit of work: a connect (and login), a poll, or a sleep of one slice.
  void step();
  void stop() noexcept override { stop_.store(true); }
  void post(DeviceTask task) override;
  std::vector<std::string> commands() const override { return {}; }
  std::vector<WritableSpec> writables() const override { return {}; }

  /// The host is about to power off: LOGOUT now (the primary's HOSTSYNC wait ends when its
  /// secondaries are gone) and never LOGIN again; the UPS is still followed. Waits up to
  /// `wait` for the device thread to have done it; true if it has (or nothing was logged in).
  bool logout(std::chrono::milliseconds wait) noexcept;
  /// Device thread only.
  bool connected() const noexcept { return client_ != nullptr; }
  bool commLost() const noexcept { return commLost_; }

private:
  void connect();
  void login();
  void poll();
  void logoutNow() noexcept;
  void answered(const core::Snapshot& snapshot);
  void miss(const std::string& why);
  void drop(const std::string& why);
  void checkCommLost();
  void sleepTowards(core::Clock::time_point t);

  NutReaderOptions options_;
  std::string name_; ///< "ups@host:port", for the log
  core::Clock& clock_;
  ReaderListener& listener_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> logoutAsked_{false};
  std::atomic<bool> loggedOut_{false};
  std::unique_ptr<serve::NutClient> client_;
  bool started_ = false;
  bool commLost_ = false;
  bool failing_ = false; ///< the last attempt failed (log level choice)
  std::string lastError_ = "not connected yet";
  core::Clock::time_point lastAnswer_{};
  core::Clock::time_point nextAttempt_{};
  core::Clock::time_point nextPoll_{};
  core::Clock::duration backoff_{};
};

} // namespace hidupsd
