// SPDX-License-Identifier: GPL-2.0-or-later
// renderNutExporter: the UPS as nut_exporter's network_ups_tools_* families, for its dashboards.
#include "serve/nut_exporter_metrics.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "serve/metrics_tables.hpp"
#include "serve/nut_descriptions.hpp"

namespace hidupsd::serve {

namespace {

constexpr std::string_view kPrefix = "network_ups_tools_";

/// nut_exporter's --nut.on_regex and --nut.off_regex defaults (case-insensitive), plus
/// go.nut's own "enabled"/"disabled" (which the regexes also match).
constexpr std::array<std::string_view, 6> kOnWords = {"enable", "enabled", "on",
                                                      "true",   "active",  "activated"};
constexpr std::array<std::string_view, 6> kOffWords = {"disable", "disabled", "off",
                                                       "false",   "inactive", "deactivated"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool isOneOf(std::string_view word, const std::array<std::string_view, 6>& words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

/// go.nut: ^-?[0-9.]+$, a float with exactly one dot, else a base-10 integer; nut_exporter
/// then maps on/off words to 1/0. nullopt: skipped.
std::optional<double> valueOf(std::string_view text) {
  const auto body = text.starts_with('-') ? text.substr(1) : text;
  const bool numeric = !body.empty() && std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
  if (numeric) {
    if (std::count(body.begin(), body.end(), '.') > 1) return std::nullopt;
    return parseNutNumber(text);
  }
  const auto word = lower(text);
  if (isOneOf(word, kOnWords)) return 1.0;
  if (isOneOf(word, kOffWords)) return 0.0;
  return std::nullopt;
}

bool isIdentity(std::string_view name) {
  return std::find(kInfoVariables.begin(), kInfoVariables.end(), name) != kInfoVariables.end();
}

/// "battery.charge" → "network_ups_tools_battery_charge" (nut_exporter replaces "." and "-");
/// nullopt for a name that would still not be a metric name.
std::optional<std::string> familyName(std::string_view variable) {
  std::string out(kPrefix);
  for (const char c : variable) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (c == '.' || c == '-')
      out += '_';
    else if (ok)
      out += c;
    else
      return std::nullopt;
  }
  return out;
}

std::string help(std::string_view variable) {
  const auto d = variableDescription(variable);
  return fmt::format("{} ({})", d ? *d : "Description unavailable", variable);
}

std::string label(std::string_view name, std::string_view value) {
  return fmt::format("{}=\"{}\"", name, escapeLabelValue(value));
}

void family(std::string& out, std::string_view name, std::string_view helpText) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, helpText, name);
}

void renderDeviceInfo(std::string& out, const MetricsData& d) {
  std::string labels;
  for (const auto l : kNutExporterDeviceLabels) {
    const auto value = d.snapshot.get("device." + std::string(l));
    labels += (labels.empty() ? "" : ",") + label(l, value.value_or(""));
  }
  family(out, "network_ups_tools_device_info", "UPS Device information");
  out += fmt::format("network_ups_tools_device_info{{{}}} 1\n", labels);
}

void renderStatus(std::string& out, const MetricsData& d) {
  family(out, "network_ups_tools_ups_status", help("ups.status"));
  const auto flags = d.snapshot.statusFlags();
  std::set<std::string> seen;
  for (const auto& f : flags)
    if (seen.insert(f).second)
      out += fmt::format("network_ups_tools_ups_status{{{}}} 1\n", label("flag", f));
  for (const auto f : kNutExporterStatuses)
    if (!seen.contains(std::string(f)))
      out += fmt::format("network_ups_tools_ups_status{{{}}} 0\n", label("flag", f));
}

void renderVariables(std::string& out, const MetricsData& d) {
  std::set<std::string> families{"network_ups_tools_device_info", "network_ups_tools_ups_status"};
  for (const auto& [name, text] : d.snapshot.variables) {
    if (name == "ups.status" || isIdentity(name)) continue;
    const auto value = valueOf(text);
    const auto metric = familyName(name);
    if (!value || !metric || !families.insert(*metric).second) continue;
    family(out, *metric, help(name));
    out += fmt::format("{} {}\n", *metric, formatSampleValue(*value));
  }
}

} // namespace

bool nutExporterHasData(const MetricsData& data) noexcept { return data.everRead && data.commOk; }

std::string renderNutExporter(const MetricsData& data) {
  std::string out;
  if (!nutExporterHasData(data)) return out;
  renderDeviceInfo(out, data);
  renderStatus(out, data);
  renderVariables(out, data);
  return out;
}

} // namespace hidupsd::serve
