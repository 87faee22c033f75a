// SPDX-License-Identifier: GPL-2.0-or-later
// Preflight: would the configured shutdown work now? Tools that run, a guest list that answers.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/phrase.hpp"
#include "proxmox/command_runner.hpp"

namespace hidupsd {

struct PreflightProblem {
  bool error = false; ///< the shutdown would fail (else: worth knowing, it would still work)
  std::string text;   ///< "host_command: /sbin/shutdwn cannot run: No such file or directory…"
  core::Phrase phrase = {}; ///< the same, to be said in each notification's language
  bool operator==(const PreflightProblem&) const = default;
};

struct PreflightReport {
  std::vector<PreflightProblem> problems;
  /// No error: the shutdown path works as configured.
  bool ready() const noexcept;
  /// The errors, "; "-separated ("" when ready): for the log and the metrics.
  std::string errorText() const;
  /// The errors as the reason of a notready event (reason.not_ready).
  core::Phrase errorPhrase() const;
  bool operator==(const PreflightReport&) const = default;
};

struct PreflightOptions {
  /// Its existence marks a Proxmox node: there, qm and pct are needed and `qm list` must answer.
  std::filesystem::path pveDir = "/etc/pve";
  /// Run `qm list` (and `pct list`) on a Proxmox node. Off: only the tools' files are checked
  /// (instant: what the pipeline checks as it starts).
  bool listGuests = true;
  std::chrono::milliseconds listTimeout{15000};
};

/// Where `program` runs from: itself when it holds a '/', else the first match in $PATH.
/// Throws std::system_error (ENOENT, EACCES, EISDIR…) naming nothing: the caller says which.
std::filesystem::path resolveExecutable(const std::string& program);

/// Checks what the shutdown of `config` needs: host_command[0] runs (an error otherwise: the
/// host would not power off); qm (and pct when containers = true, pvesh for stopall) run — an
/// error on a Proxmox node, a warning elsewhere; on a Proxmox node `qm list` (and `pct list`)
/// answer within listTimeout through `runner` (read-only commands). Simulation is a warning.
/// Never throws but std::bad_alloc.
PreflightReport preflight(const Config& config, proxmox::CommandRunner& runner,
                          const PreflightOptions& options = {});

} // namespace hidupsd
