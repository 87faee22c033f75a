// SPDX-License-Identifier: GPL-2.0-or-later
// BoundedRunner: a CommandRunner whose run() returns in bounded time even if the one below hangs.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "proxmox/command_runner.hpp"

namespace hidupsd::proxmox {

/// Runs each command of `inner` on a thread of its own and waits for it at most its timeout
/// plus `grace`. Past that the command is abandoned — its thread goes on alone and ends
/// whenever `inner` returns — and run() answers TimedOut with `abandoned` set, so that the
/// shutdown goes on to its next step. What can hang below: posix_spawn while the kernel reads
/// the program from a hung pmxcfs, NFS or Ceph mount; a child that even SIGKILL cannot end.
///
/// Thread rules: as CommandRunner. `inner` must outlive every command started through this
/// runner, abandoned ones included (the daemon's runner lives as long as the process).
class BoundedRunner final : public CommandRunner {
public:
  /// Told each abandoned command (argv as one line) and how long it was waited for.
  using AbandonLog = std::function<void(const std::string& line)>;

  BoundedRunner(CommandRunner& inner, std::chrono::milliseconds grace, AbandonLog log = {});
  CommandResult run(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout) override;

private:
  CommandRunner& inner_;
  std::chrono::milliseconds grace_;
  AbandonLog log_;
};

} // namespace hidupsd::proxmox
