// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's state as JSON: the one rendering of core::DaemonState (--status --json, the API).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/daemon_state.hpp"

namespace hidupsd::serve {

/// The JSON format's version ("format": 1); a reader refuses another major.
inline constexpr int kStateFormat = 1;

/// `state` as one JSON object (keys in a fixed order, times as UTC "YYYY-MM-DDTHH:MM:SSZ",
/// unset values as null), pretty-printed with `indent` spaces (-1: one line). Pure.
std::string stateJson(const core::DaemonState& state, int indent = 2);

/// Thrown by parseStateJson for text that is not this format (what() says where).
class StateJsonError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The state back from stateJson's text (what `hidupsd --status` reads from the socket).
/// Unknown keys are ignored (a newer daemon may say more). Throws StateJsonError.
core::DaemonState parseStateJson(std::string_view text);

} // namespace hidupsd::serve
