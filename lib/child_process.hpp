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
  int exitStatus = 0;    ///< exit code when !signaled
  bool signaled = false; ///< killed by a signal (see termSignal)
  int termSignal = 0;    ///< the signal when signaled
  bool timedOut = false; ///< the deadline passed and the child was killed
  /// Even SIGKILL did not end it within reapTimeout (a process stuck in the kernel, state D:
  /// a hung NFS, Ceph or pmxcfs read): it was left behind, to be reaped by a background
  /// thread if it ever exits. Implies timedOut (or an exit that never came).
  bool abandoned = false;
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
  /// After SIGKILL, how long to wait for the child to be gone before abandoning it.
  std::chrono::milliseconds reapTimeout{5000};
};

/// Runs argv[0] (searched in PATH when it has no '/') with arguments argv and
/// environment env ("NAME=value" entries, the whole environment), without a
/// shell. The child gets stdin from /dev/null, stdout and stderr into one
/// pipe (or two with separateStderr), its own process group, a default signal mask and
/// dispositions, and no other file descriptor of ours. Returns when the child has exited and has
/// been reaped, or within timeout + killGrace + reapTimeout (plus scheduling) in any case: a
/// child that SIGKILL cannot end in time (state D) is abandoned (ProcessResult::abandoned) and
/// reaped later by a detached thread. Grandchildren still holding the pipe do not delay the
/// return. (posix_spawn itself can block while the kernel reads the program from a hung file
/// system: callers that must not wait run this on a thread they can leave, see
/// proxmox::BoundedRunner.)
///
/// Thread rules: any thread; touches no global state besides spawning and
/// reaping its own child (it never waits for other children).
/// Throws std::system_error when the program cannot be started (not found,
/// not executable: errno from posix_spawnp), std::invalid_argument for an
/// empty argv.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const ProcessOptions& options);

} // namespace hidupsd::lib
