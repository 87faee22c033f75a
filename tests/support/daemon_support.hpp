// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for tests that run hidupsd as a process: temp dirs, files, waits, replay timelines.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::test::daemon {

namespace fs = std::filesystem;

inline constexpr std::chrono::milliseconds kPollStep{20};
inline constexpr std::chrono::seconds kContentWait{15}; ///< functional waits, never asserted on
inline constexpr std::chrono::seconds kExitWait{20};    ///< then the daemon is hung: kill -9

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const noexcept { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

private:
  fs::path path_;
};

void writeFile(const fs::path& path, const std::string& text);
/// Reads a file that may not exist yet: "" then.
std::string readIfAny(const fs::path& path);
bool contains(const std::string& text, std::string_view needle);
std::size_t countOf(const std::string& text, std::string_view needle);
/// Waits (bounded by `limit`) until `path` contains `needle`; true if it did.
bool waitForContent(const fs::path& path, std::string_view needle,
                    std::chrono::milliseconds limit = kContentWait);
/// Polls `condition` (every kPollStep) until it holds or `limit` has passed; true if it held.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = kContentWait);
/// The first of `needles` not found in `text` after the previous one; "" if all are, in order.
std::string missingInOrder(const std::string& text,
                           std::initializer_list<std::string_view> needles);

/// hidupsd started in the background, stdout and stderr into files in `dir`,
/// without systemd's NOTIFY_SOCKET. Never outlives its test: the destructor
/// kills and reaps what still runs.
class HidupsdProcess {
public:
  HidupsdProcess(const TempDir& dir, std::vector<std::string> args);
  /// hidupsd run through `wrapper` (e.g. {"unshare", "-m", ...}), which must
  /// exec it in place (same pid): `wrapper` + {binary} + `args`.
  HidupsdProcess(const TempDir& dir, std::vector<std::string> args,
                 std::vector<std::string> wrapper);
  ~HidupsdProcess();
  HidupsdProcess(const HidupsdProcess&) = delete;
  HidupsdProcess& operator=(const HidupsdProcess&) = delete;

  void signal(int sig) const;
  /// Reaps the process if it has ended; true while it runs.
  bool running();
  pid_t pid() const noexcept { return pid_; }
  /// The exit code (128 + N for signal N), or nothing if it still runs after `limit`.
  std::optional<int> waitExit(std::chrono::milliseconds limit = kExitWait);
  std::string out() const { return readIfAny(out_); }
  std::string err() const { return readIfAny(err_); }
  const fs::path& errPath() const noexcept { return err_; }

private:
  fs::path out_;
  fs::path err_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exitCode_ = -1;
};

/// The Eaton 3S 700 capture with `timeline` (`at T ...` lines) appended, written to `path`.
fs::path writeReplay(const fs::path& path, const std::string& timeline);
/// Mains lost at `t` seconds.
std::string outageAt(int t);
/// Mains back at `t` seconds.
std::string mainsBackAt(int t);
/// The UPS reports low battery at `t` seconds.
std::string lowBatteryAt(int t);
/// A daemon config reading `replay`, onbatt after 1 s, `logSection` as the [log] body, the
/// history in `historyFile` (default "": off, so that no test writes /var/lib/hidupsd).
std::string daemonConfig(const fs::path& replay, const std::string& logSection,
                         const fs::path& historyFile = {});
std::string logFileSection(const fs::path& file);
/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
std::uint16_t freeLoopbackPort();

} // namespace hidupsd::test::daemon
