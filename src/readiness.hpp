// SPDX-License-Identifier: GPL-2.0-or-later
// Readiness: the daemon's standing answer to "would the shutdown work now?", re-checked.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "config/config.hpp"
#include "src/preflight.hpp"

namespace hidupsd {

/// The last preflight report. Thread rules: any thread.
class Readiness {
public:
  enum class Change : std::uint8_t {
    None,       ///< the same report as before
    TurnedBad,  ///< not ready now, and it was ready (or never checked)
    TurnedGood, ///< ready now, and it was not
    Different,  ///< the same readiness, other problems (warnings)
  };
  Change update(PreflightReport report);
  /// nullopt before the first check.
  std::optional<bool> ready() const;
  std::optional<PreflightReport> report() const;
  /// When the last check ended (wall clock); nullopt before the first.
  std::optional<std::chrono::system_clock::time_point> checkedAt() const;

private:
  mutable std::mutex mutex_;
  std::optional<PreflightReport> report_;
  std::optional<std::chrono::system_clock::time_point> checkedAt_;
};

/// Runs the preflight on a thread of its own (a hung `qm list` must not hold anything up):
/// at once, then every `interval`, and when asked (recheck(), with a new config on SIGHUP).
/// `onChange` is called on that thread after each check that changed the report.
class ReadinessChecker {
public:
  using Check = std::function<PreflightReport(const Config&)>;
  using OnChange = std::function<void(Readiness::Change, const PreflightReport&)>;

  ReadinessChecker(Readiness& state, Config config, Check check, std::chrono::seconds interval,
                   OnChange onChange);
  /// stop().
  ~ReadinessChecker();
  ReadinessChecker(const ReadinessChecker&) = delete;
  ReadinessChecker& operator=(const ReadinessChecker&) = delete;

  /// Checks again now, with `config`.
  void recheck(Config config);
  /// Ends the thread; waits for a check in progress (bounded by its own timeouts).
  void stop() noexcept;

private:
  void run() noexcept;

  Readiness& state_;
  Check check_;
  std::chrono::seconds interval_;
  OnChange onChange_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Config config_;         // guarded
  bool due_ = true;       // guarded
  bool stopping_ = false; // guarded
  std::thread thread_;
};

} // namespace hidupsd
