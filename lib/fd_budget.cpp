// SPDX-License-Identifier: GPL-2.0-or-later
// Descriptor budget: the limit, what is open, and the split between servers and the reserve.
#include "lib/fd_budget.hpp"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>

namespace hidupsd::lib {

DescriptorUse currentDescriptorUse() noexcept {
  DescriptorUse use;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    use.limit = static_cast<std::size_t>(limit.rlim_cur);
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(dir))
      if (entry->d_name[0] != '.') ++use.open;
    ::closedir(dir);
    if (use.open > 0) --use.open; // the directory's own descriptor
  }
  return use;
}

DescriptorPlan planDescriptors(DescriptorUse use, std::size_t nutWanted, std::size_t httpWanted) {
  const std::size_t limit = use.limit == 0 ? kDefaultLimit : use.limit;
  const std::size_t free = limit > use.open ? limit - use.open : 0;
  const std::size_t forServers =
      std::min(free / 2, free > kMinimumReserve ? free - kMinimumReserve : 0);
  DescriptorPlan plan;
  std::size_t used = 0;
  if (httpWanted > 0 && forServers > kHttpOverhead) {
    plan.httpConnections = std::min(httpWanted, forServers - kHttpOverhead);
    used += plan.httpConnections + kHttpOverhead;
  }
  if (nutWanted > 0 && forServers - used > kNutOverhead) {
    plan.nutClients = std::min(nutWanted, forServers - used - kNutOverhead);
    used += plan.nutClients + kNutOverhead;
  }
  plan.reserve = free - used;
  return plan;
}

} // namespace hidupsd::lib
