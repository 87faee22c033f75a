// SPDX-License-Identifier: GPL-2.0-or-later
// FakePve: a temp dir with fake qm/pct/pvesh/poweroff (tests/support/fake_pve.py) and their log.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hidupsd::test {

/// One call the fake tools saw: when (monotonic seconds, the same clock as
/// std::chrono::steady_clock on Linux) and the words ("qm shutdown 100 --timeout 5").
struct PveCall {
  double time = 0;
  std::string line;
  bool done = false; ///< the "<tool> done ... -> rc" line of a finished call
  int exitCode = 0;  ///< when done
};

/// A fresh fake Proxmox node: the tools, and its pmxcfs files in pmxcfs()
/// (.vmlist and every guest's .conf, written by `fake_pve.py pmxcfs`). Sets
/// FAKE_PVE_DIR for the children (the real runner passes the environment
/// on); one FakePve at a time per process.
class FakePve {
public:
  /// `guestsJson`: the guests.json document (see fake_pve.py).
  explicit FakePve(const std::string& guestsJson);
  ~FakePve();
  FakePve(const FakePve&) = delete;
  FakePve& operator=(const FakePve&) = delete;

  std::filesystem::path dir() const { return dir_; }
  std::string qm() const { return (dir_ / "qm").string(); }
  std::string pct() const { return (dir_ / "pct").string(); }
  std::string pvesh() const { return (dir_ / "pvesh").string(); }
  std::string poweroff() const { return (dir_ / "poweroff").string(); }
  /// The node's /etc/pve ([proxmox] pmxcfs).
  std::filesystem::path pmxcfs() const { return dir_ / "pve"; }

  /// Every call so far, in log order.
  std::vector<PveCall> calls() const;
  /// The calls (not their "done" lines) whose words start with `prefix`.
  std::vector<PveCall> started(const std::string& prefix) const;
  /// The "done" lines of calls whose words (after "<tool> done") start with `prefix`.
  std::vector<PveCall> finished(const std::string& tool, const std::string& argsPrefix) const;
  /// A guest's status now ("running", "stopped").
  std::string status(const std::string& type, int id) const;
  /// Starts or stops a guest behind the daemon's back ("running", "stopped").
  void setStatus(const std::string& type, int id, const std::string& status) const;
  /// From now on `qm list` and `pct list` hang, as they do on a hung pmxcfs
  /// (each hung call ends itself after 10 minutes: no orphan outlives a run).
  void hangListings() const;
  /// Replaces pmxcfs()/.vmlist with a FIFO nobody writes: opening it blocks,
  /// as a read of a hung pmxcfs does.
  void hangPmxcfs() const;
  /// Lets the readers blocked on hangPmxcfs()'s FIFO go (they read an empty
  /// file); a later open blocks again.
  void releasePmxcfs() const;

private:
  std::filesystem::path dir_;
};

/// guests.json text for `count` VMs 100.. that each shut down after `seconds`.
std::string uniformVms(int count, double seconds);

} // namespace hidupsd::test
