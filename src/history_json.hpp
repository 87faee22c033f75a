// SPDX-License-Identifier: GPL-2.0-or-later
// The history as JSON: one rendering for hidupsd --history --json, --status and the dashboard.
#pragma once

#include <nlohmann/json.hpp>

#include "history/records.hpp"

namespace hidupsd {

// Times are Unix seconds (numbers) with an RFC 3339 UTC twin ("start_utc"); a value
// not known is null; durations are seconds, charges and loads %.
nlohmann::json toJson(const history::TransferRow& row);
nlohmann::json toJson(const history::TestRow& row);
nlohmann::json toJson(const history::EventRow& row);
nlohmann::json toJson(const history::ShedRow& row);
nlohmann::json toJson(const history::SampleRow& row);
nlohmann::json toJson(const history::Statistics& statistics);
nlohmann::json toJson(const history::Health& health);
/// The daemon's history at a glance (store state, statistics, last test,
/// health): what --status and /api/v1/status show of it.
nlohmann::json toJson(const history::Summary& summary);

/// "2026-11-26T10:00:01Z".
std::string utcText(double unixSeconds);
/// "2026-11-26 11:00:01" in the local time zone.
std::string localText(double unixSeconds);

} // namespace hidupsd
