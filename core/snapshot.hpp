// SPDX-License-Identifier: GPL-2.0-or-later
// Snapshot: the UPS state at one instant, in NUT's variable names.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace hidupsd::core {

/// One reading of the UPS. `variables` holds every NUT variable the device
/// gives (name → value formatted as NUT's upsc shows it), including
/// "ups.status" (space-separated flags, e.g. "OL CHRG"). Value type: the
/// monitor, notifications and servers all read it; nobody mutates a
/// published Snapshot.
struct Snapshot {
  std::map<std::string, std::string> variables;
  Clock::time_point time{};

  /// The value of a variable, or nullopt.
  std::optional<std::string> get(const std::string& name) const {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  }
  /// A numeric variable, or nullopt if absent or not a number.
  std::optional<double> number(const std::string& name) const {
    auto it = variables.find(name);
    if (it == variables.end() || it->second.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(it->second.c_str(), &end);
    if (end != it->second.c_str() + it->second.size()) return std::nullopt;
    return v;
  }
  /// The ups.status flags, in order.
  std::vector<std::string> statusFlags() const {
    std::vector<std::string> out;
    std::istringstream in(get("ups.status").value_or(""));
    for (std::string flag; in >> flag;)
      out.push_back(flag);
    return out;
  }
  bool hasStatus(const std::string& flag) const {
    auto all = statusFlags();
    return std::find(all.begin(), all.end(), flag) != all.end();
  }
};

} // namespace hidupsd::core
