// SPDX-License-Identifier: GPL-2.0-or-later
// renderNutExporter: the UPS as nut_exporter's network_ups_tools_* families, for its dashboards.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "serve/metrics.hpp"

namespace hidupsd::serve {

/// The flags nut_exporter always renders (0 when ups.status lacks them): its --nut.statuses
/// default, in its order (DRuggeri/nut_exporter, nut_exporter.go).
inline constexpr std::array<std::string_view, 15> kNutExporterStatuses = {
    "OL",  "OB",  "LB",   "HB",   "RB",    "CHRG", "DISCHRG", "BYPASS",
    "CAL", "OFF", "OVER", "TRIM", "BOOST", "FSD",  "SD"};

/// The device_info labels, in nut_exporter's order (collectors/nut_collector.go, deviceLabels):
/// each is device.<label>, "" when the UPS has none.
inline constexpr std::array<std::string_view, 9> kNutExporterDeviceLabels = {
    "model", "mfr", "serial", "type", "description", "contact", "location", "part", "macaddr"};

/// The families DRuggeri/nut_exporter (v3, go.nut) renders for one UPS when every variable is
/// enabled (--nut.vars_enable=""), so that Grafana dashboards and alerts made for it work
/// unchanged. Pure.
///
///  - network_ups_tools_device_info{model,mfr,serial,type,description,contact,location,part,
///    macaddr} 1.
///  - network_ups_tools_ups_status{flag}: 1 for each flag of ups.status in its order, then 0
///    for each of kNutExporterStatuses it lacks.
///  - network_ups_tools_<variable> for each numeric variable, its name with "." and "-" as
///    "_", in NUT's unit (percent stays percent: battery.charge 100 is 100, not 1). Numeric
///    as go.nut reads it (^-?[0-9.]+$); "enabled"/"disabled" and nut_exporter's on/off words
///    are 1/0; other text is skipped. Not rendered: the identity strings that are labels of
///    hidupsd_ups_info (ups.vendorid "0463" is hex, ups.firmware a version).
///  - HELP is "<NUT's description> (<variable>)" as nut_exporter writes it; every family is a
///    gauge; no `ups` label (nut_exporter has none: its scrape configs add one).
///
/// Nothing at all while the data is stale (comms lost, never read): nut_exporter's scrape then
/// fails, since upsd answers DATA-STALE.
std::string renderNutExporter(const MetricsData& data);

/// Whether `data` has fresh variables to render (everRead && commOk).
bool nutExporterHasData(const MetricsData& data) noexcept;

} // namespace hidupsd::serve
