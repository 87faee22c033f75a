// SPDX-License-Identifier: GPL-2.0-or-later
// The database schema: versioned (PRAGMA user_version), brought up to date by migrations.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "history/sqlite.hpp"

namespace hidupsd::history {

/// The migrations, in order: migration i brings user_version i to i + 1.
/// Append only: a released migration never changes (a database in the field
/// ran it). Its SQL runs in one transaction with the version bump.
std::span<const std::string_view> migrations() noexcept;
/// The version this build writes: migrations().size().
std::int64_t schemaVersion() noexcept;

/// Brings `db` to schemaVersion(): each missing migration in its own
/// transaction. Throws SqliteError; std::runtime_error when the file is
/// newer than this build (a downgrade: it is left alone, never rewritten).
void migrate(Database& db);

} // namespace hidupsd::history
