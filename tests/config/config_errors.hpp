// SPDX-License-Identifier: GPL-2.0-or-later
// errorLines(): the ConfigError entries a config or import step throws, as the user reads them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace hidupsd::test {

/// Runs `step` (a parse or an import); every error it throws as
/// "FILE:LINE:COL: message", in order; empty when it succeeds.
template <typename Step> std::vector<std::string> errorLines(Step&& step) {
  try {
    std::forward<Step>(step)();
  } catch (const ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& entry : e.entries())
      out.push_back(formatEntry(entry));
    return out;
  }
  return {};
}

} // namespace hidupsd::test
