// SPDX-License-Identifier: GPL-2.0-or-later
// Shutdown time: the real ProxmoxPipeline, simulation off, against fake qm/pct (fake_pve.py).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hidupsd::bench {

struct ShutdownRun {
  double seconds = 0;             ///< from ShutdownPipeline::start() to the end of wait()
  std::vector<std::string> lines; ///< the pipeline's log, each prefixed with its time in s
};

/// Runs the shutdown pipeline the daemon would build (strategy "guests",
/// default timeouts, the real ProcessRunner) with qm, pct, pvesh and the host
/// command taken from `fakeDir` (symlinks to tests/support/fake_pve.py; the
/// host command is its harmless "poweroff"), the kill-power flag in
/// `workDir`. Sets FAKE_PVE_DIR for the children.
ShutdownRun measureShutdown(const std::filesystem::path& fakeDir,
                            const std::filesystem::path& workDir);

} // namespace hidupsd::bench
