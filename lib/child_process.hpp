// SPDX-License-Identifier: GPL-2.0-or-later
// runProcess: run a program (no shell) with a deadline, capture its output, always reap it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace hidupsd::lib {

/// How a child ended.
struct ProcessResult {
  int exitStatus = 0;     ///< exit code when !signaled
  bool signaled = false;  ///< killed by a signal (see termSignal)
  int termSignal = 0;     ///< the signal when signaled
  bool timedOut = false;  ///< the deadline passed and the child was killed
  std::string output;     ///< stdout (and stderr unless separateStderr), at most outputCap bytes
  bool truncated = false; ///< output went past outputCap (the rest was discarded)
  std::string errors;     ///< stderr when separateStderr, at most outputCap bytes
  bool errorsTruncated = false;
  std::chrono::milliseconds duration{0}; ///< from the spawn to the reap

  bool succeeded() const noexcept { return !timedOut && !signaled && exitStatus == 0; }
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{10000};
  /// After the deadline: SIGTERM to the child's process group, then SIGKILL
  /// to the group if the child is still there after this grace.
  std::chrono::milliseconds killGrace{2000};
  std::size_t outputCap = 16 * 1024;
  /// Collect stderr apart (ProcessResult::errors) instead of interleaved with stdout.
  bool separateStderr = false;
};

/// Runs argv[0] (searched in PATH when it has no '/') with arguments argv and
/// environment env ("NAME=value" entries, the whole environment), without a
/// shell. The child gets stdin from /dev/null, stdout and stderr into one
/// pipe (or two with separateStderr), its own process group, a default signal mask and
/// dispositions, and no other file descriptor of ours. Returns when the child has exited and has
/// been reaped: within timeout + killGrace (plus scheduling), never later
/// (unless the kernel cannot kill it, e.g. a process stuck in state D).
/// Grandchildren still holding the pipe do not delay the return.
///
/// Thread rules: any thread; touches no global state besides spawning and
/// reaping its own child (it never waits for other children).
/// Throws std::system_error when the program cannot be started (not found,
/// not executable: errno from posix_spawnp), std::invalid_argument for an
/// empty argv.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const ProcessOptions& options);

} // namespace hidupsd::lib
