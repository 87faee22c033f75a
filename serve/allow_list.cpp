// SPDX-License-Identifier: GPL-2.0-or-later
// AllowList: the networks, and refusals logged once per address per interval.
#include "serve/allow_list.hpp"

#include <fmt/format.h>

namespace hidupsd::serve {

AllowList::AllowList(std::vector<lib::IpNetwork> networks, std::chrono::seconds interval)
    : networks_(std::move(networks)), interval_(interval) {}

bool AllowList::allows(const sockaddr* peer, socklen_t length) const noexcept {
  return networks_.empty() || lib::inAnyNetwork(networks_, peer, length);
}

std::optional<std::string> AllowList::refused(const std::string& address,
                                              std::chrono::steady_clock::time_point now) {
  ++total_;
  auto it = entries_.find(address);
  if (it == entries_.end() && entries_.size() >= kMaxAddresses) forgetStale(now);
  if (it == entries_.end() && entries_.size() < kMaxAddresses) {
    entries_.emplace(address, Entry{now, 0});
    return fmt::format("closed a connection from {}: not in allow (next ones from it are "
                       "counted, one line per {} s)",
                       address, interval_.count());
  }
  Entry& e = it != entries_.end() ? it->second : others_;
  ++e.since;
  const bool due = (it == entries_.end() && !othersLogged_) || now - e.lineAt >= interval_;
  if (!due) return std::nullopt;
  const auto count = e.since;
  e = Entry{now, 0};
  if (it != entries_.end())
    return fmt::format("closed {} connection(s) from {} in the last {} s: not in allow", count,
                       address, interval_.count());
  othersLogged_ = true;
  return fmt::format("closed {} connection(s) from addresses not in allow, too many to name "
                     "each ({} remembered)",
                     count, kMaxAddresses);
}

void AllowList::forgetStale(std::chrono::steady_clock::time_point now) {
  std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.lineAt >= interval_; });
}

} // namespace hidupsd::serve
