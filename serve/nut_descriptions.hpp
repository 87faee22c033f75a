// SPDX-License-Identifier: GPL-2.0-or-later
// Variable and command descriptions in the words of NUT's data/cmdvartab (GET DESC, CMDDESC).
#pragma once

#include <optional>
#include <string_view>

namespace hidupsd::serve {

/// cmdvartab's VARDESC for `name` (matched case-insensitively, as upsd does), or nullopt:
/// upsd then answers "Description unavailable". Covers the variables hidupsd publishes
/// (ups.*, input.*, output.*, battery.*, outlet.*, ambient.*, device.*, driver.*, server.*).
std::optional<std::string_view> variableDescription(std::string_view name) noexcept;

/// cmdvartab's CMDDESC for `name`, or nullopt.
std::optional<std::string_view> commandDescription(std::string_view name) noexcept;

} // namespace hidupsd::serve
