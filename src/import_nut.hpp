// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --import-nut [DIR]: NUT's configuration files → a hidupsd.toml on standard output.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace hidupsd {

inline constexpr const char* kDefaultNutDir = "/etc/nut";

/// Reads nut.conf, ups.conf, upsd.conf, upsd.users, upsmon.conf and upssched.conf from `dir`
/// (each may be missing, not all), writes the config (nutconf::render) to `out` and a one-line
/// summary to `err`. The config is checked as --check-config checks it before it is written.
/// Returns the exit status: 0, or 1 with FILE:LINE:COL errors on `err` for the lines NUT refuses
/// and for files that cannot be read.
int runImportNut(const std::filesystem::path& dir, std::ostream& out, std::ostream& err);

} // namespace hidupsd
