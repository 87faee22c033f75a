// SPDX-License-Identifier: GPL-2.0-or-later
// Lookups NutSession's handlers share: variables and writable entries by name, GET TYPE words.
// Internal to serve/ (nut_session*.cpp).
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "serve/nut_protocol.hpp"
#include "serve/ups_backend.hpp"

namespace hidupsd::serve {

/// The variable `name` (case-insensitive, as upsd's state tree finds it), or nullptr.
inline const std::pair<const std::string, std::string>* findVariable(const core::Snapshot& snapshot,
                                                                     const std::string& name) {
  if (auto it = snapshot.variables.find(name); it != snapshot.variables.end()) return &*it;
  for (const auto& entry : snapshot.variables)
    if (equalsIgnoreCase(entry.first, name)) return &entry;
  return nullptr;
}

/// The writable entry named exactly `name` (a snapshot key), or nullptr.
inline const RwVariable* findWritable(const std::vector<RwVariable>& writable,
                                      const std::string& name) {
  const auto it = std::find_if(writable.begin(), writable.end(),
                               [&](const RwVariable& rw) { return rw.name == name; });
  return it == writable.end() ? nullptr : &*it;
}

/// GET TYPE's words after the name, as upsd 2.8.0 builds them (server/netget.c): "RW" if
/// writable, "ENUM"/"RANGE" if it has such lists, then "STRING:n" for strings and "NUMBER"
/// for everything else — read-only variables included, even text ones (upsd's own quirk:
/// only drivers' RW strings carry the string flag).
inline std::string typeWords(const RwVariable* rw) {
  if (rw == nullptr) return "NUMBER";
  std::string out = "RW";
  if (!rw->enumValues.empty()) out += " ENUM";
  if (!rw->ranges.empty()) out += " RANGE";
  if (rw->kind == RwVariable::Kind::String) return out + " STRING:" + std::to_string(rw->maxLength);
  return out + " NUMBER";
}

} // namespace hidupsd::serve
