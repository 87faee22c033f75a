// SPDX-License-Identifier: GPL-2.0-or-later
// CommandRunner: run a program (argv, never a shell) with a timeout; the real one and the dry run.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hidupsd::proxmox {

/// How a command ended. Value type.
struct CommandResult {
  enum class Status : std::uint8_t {
    Exited,     ///< exitCode holds its exit status
    Signaled,   ///< killed by `signal` (not by us)
    TimedOut,   ///< the timeout passed: its process group got SIGTERM, then SIGKILL
    NotStarted, ///< it could not be started (startError says why)
  };
  Status status = Status::Exited;
  int exitCode = 0;
  int signal = 0;
  std::string out;        ///< stdout, capped
  std::string err;        ///< stderr, capped
  std::string startError; ///< NotStarted: "No such file or directory", ...
  std::chrono::milliseconds duration{0};
  /// TimedOut, and even killed it did not end in time: left behind (see BoundedRunner).
  bool abandoned = false;

  bool ok() const noexcept { return status == Status::Exited && exitCode == 0; }
  /// "exit 0", "exit 2: <first stderr line>", "timed out after 30.0 s", "timed out after
  /// 45.0 s and left behind (it did not end even killed)", "killed by signal 9", "cannot
  /// start: No such file or directory".
  std::string describe() const;
};

/// Runs external programs. Thread rules: run() may be called from several
/// threads at once (the guests of a group stop in parallel). It blocks until
/// the program has ended and been reaped: at most `timeout` plus the runner's
/// kill grace. It never throws for the program's failure (a missing program is
/// NotStarted); std::bad_alloc only.
class CommandRunner {
public:
  virtual ~CommandRunner() = default;
  virtual CommandResult run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) = 0;
};

/// The real runner: posix_spawn (lib/child_process), stdin /dev/null, stdout
/// and stderr captured apart up to `outputCap` bytes each, the daemon's
/// environment, its own process group, SIGTERM to the group at the timeout
/// and SIGKILL `killGrace` later.
class ProcessRunner final : public CommandRunner {
public:
  explicit ProcessRunner(std::chrono::milliseconds killGrace = std::chrono::seconds(5),
                         std::size_t outputCap = 256 * 1024);
  CommandResult run(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout) override;

private:
  std::chrono::milliseconds killGrace_;
  std::size_t outputCap_;
};

/// Whether a command changes nothing (qm/pct list, config, status; pvesh get).
using ReadOnlyTest = std::function<bool(const std::vector<std::string>& argv)>;
/// Told each command the dry run does not run.
using WouldRun = std::function<void(const std::vector<std::string>& argv)>;

/// Simulation: read-only commands run for real through `real` (so a dry run
/// on a Proxmox host names the real guests); every other command is reported
/// to `wouldRun` and "succeeds" at once without running.
class DryRunRunner final : public CommandRunner {
public:
  DryRunRunner(CommandRunner& real, ReadOnlyTest readOnly, WouldRun wouldRun);
  CommandResult run(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout) override;

private:
  CommandRunner& real_;
  ReadOnlyTest readOnly_;
  WouldRun wouldRun_;
};

/// argv as one line for logs: words with spaces or quotes are single-quoted.
std::string commandLine(const std::vector<std::string>& argv);

} // namespace hidupsd::proxmox
