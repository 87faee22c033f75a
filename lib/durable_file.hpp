// SPDX-License-Identifier: GPL-2.0-or-later
// writeDurably: a small file replaced atomically and synced, so that it survives a power-off.
#pragma once

#include <filesystem>
#include <string>

namespace hidupsd::lib {

/// Writes `text` to `path` through PATH.tmp and a rename, the file and its directory synced
/// (the directory is created if missing): readers see the old file or the new one, never a
/// part, and the new one survives the power-off that follows. Throws std::system_error /
/// std::filesystem::filesystem_error.
void writeDurably(const std::filesystem::path& path, const std::string& text);

} // namespace hidupsd::lib
