// SPDX-License-Identifier: GPL-2.0-or-later
// Who may connect (allow = [...]): checked on accept, before a byte is read; refusals logged
// once per address per interval.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/ip_network.hpp"

namespace hidupsd::serve {

/// The networks a server accepts connections from, and the memory of whom it turned away so
/// that each refused address is logged once per interval (a scan, or a node whose address
/// changed, must not flood the journal: journald's rate limit would then drop the daemon's own
/// lines, shutdown progress included). Pure: the caller gives the time. Not thread-safe (the
/// server thread owns it).
class AllowList {
public:
  /// Refused addresses remembered at once; beyond, refusals from new addresses are counted
  /// together and logged in one line per interval.
  static constexpr std::size_t kMaxAddresses = 4096;

  /// No networks: everyone may connect.
  explicit AllowList(std::vector<lib::IpNetwork> networks = {},
                     std::chrono::seconds interval = std::chrono::seconds(60));

  /// Whether `peer` (as accept() gave it) may connect.
  bool allows(const sockaddr* peer, socklen_t length) const noexcept;
  /// Counts a refused connection from `address`; returns the line to log when one is due
  /// (this address's first refusal, or the first after `interval` since its last line, with
  /// how many were refused meanwhile), nullopt otherwise.
  std::optional<std::string> refused(const std::string& address,
                                     std::chrono::steady_clock::time_point now);
  /// Connections refused since start.
  std::size_t refusedTotal() const noexcept { return total_; }

private:
  struct Entry {
    std::chrono::steady_clock::time_point lineAt; ///< when its last line was logged
    std::size_t since = 0;                        ///< refused since that line
  };
  void forgetStale(std::chrono::steady_clock::time_point now);

  std::vector<lib::IpNetwork> networks_;
  std::chrono::seconds interval_;
  std::map<std::string, Entry> entries_;
  Entry others_; ///< new addresses while entries_ is full
  bool othersLogged_ = false;
  std::size_t total_ = 0;
};

} // namespace hidupsd::serve
