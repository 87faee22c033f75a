// SPDX-License-Identifier: GPL-2.0-or-later
// Migration guard: systemctl's list of active nut-* units, and the words for the admin.
#include "src/migration_guard.hpp"

#include <sstream>

namespace hidupsd {

std::vector<std::string> unitNames(const std::string& output) {
  std::vector<std::string> out;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "\xe2\x97\x8f") words >> first; // "●": a failed unit's mark, if --plain is old
    if (!first.empty()) out.push_back(first);
  }
  return out;
}

std::string nutAdvice(const std::vector<std::string>& units) {
  if (units.empty()) return "";
  std::string list;
  for (const auto& u : units)
    list += (list.empty() ? "" : " ") + u;
  return "NUT is still running on this host (" + list +
         "): its driver and hidupsd would fight over the UPS. Stop it for good before "
         "hidupsd takes over: systemctl disable --now " +
         list;
}

std::vector<std::string> activeNutUnits(proxmox::CommandRunner& runner) {
  const auto r = runner.run({"systemctl", "list-units", "--state=active", "--plain", "--no-legend",
                             "--no-pager", "--all", "nut-*"},
                            std::chrono::seconds(5));
  if (!r.ok()) return {};
  return unitNames(r.out);
}

} // namespace hidupsd
