// SPDX-License-Identifier: GPL-2.0-or-later
// renderMetrics: the UPS state as a Prometheus text exposition (format 0.0.4).
#include "serve/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/event.hpp"
#include "serve/metrics_tables.hpp"

namespace hidupsd::serve {

namespace {

/// Accumulates one exposition. Every sample carries the ups label first.
/// HELP and TYPE are written once per family, before its samples, as the
/// text format requires (prometheus.io/docs/instrumenting/exposition_formats).
class Exposition {
public:
  explicit Exposition(std::string_view ups) : ups_(label("ups", ups)) {}

  /// The ups label of the samples from now on.
  void setUps(std::string_view ups) { ups_ = label("ups", ups); }

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  /// `extra`: more labels, already rendered (`flag="OL"`), or empty.
  void sample(std::string_view name, double value, std::string_view extra = {}) {
    out_ += fmt::format("{}{{{}{}{}}} {}\n", name, ups_, extra.empty() ? "" : ",", extra,
                        formatSampleValue(value));
  }
  std::string take() { return std::move(out_); }

  static std::string label(std::string_view name, std::string_view value) {
    return fmt::format("{}=\"{}\"", name, escapeLabelValue(value));
  }

private:
  std::string ups_;
  std::string out_;
};

/// Milliseconds, as Prometheus keeps them: 1700003660.25, not 1700003660.2499998.
double unixSeconds(std::chrono::system_clock::time_point t) {
  using std::chrono::milliseconds;
  return static_cast<double>(
             std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count()) /
         1000.0;
}

bool isInfoVariable(std::string_view name) {
  return name.starts_with("device.") ||
         std::find(kInfoVariables.begin(), kInfoVariables.end(), name) != kInfoVariables.end();
}

bool hasOwnMetric(std::string_view name) {
  return std::any_of(kVariableMetrics.begin(), kVariableMetrics.end(),
                     [&](const VariableMetric& m) { return m.variable == name; });
}

/// Numeric variables without a gauge of their own. Not: identity strings,
/// ups.status, and IDs (outlet.id "0" names an outlet, it measures nothing).
bool isOtherNumeric(const std::string& name, const std::string& value) {
  return !isInfoVariable(name) && !hasOwnMetric(name) && name != "ups.status" &&
         !name.ends_with(".id") && parseNutNumber(value).has_value();
}

/// "device.model" → "device_model": label names are [a-zA-Z_][a-zA-Z0-9_]*.
std::string labelName(std::string_view variable) {
  std::string out(variable);
  for (auto& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) c = '_';
  }
  return out;
}

/// The UPSes of one scrape: the first (MetricsData's own fields), then the others.
std::vector<MetricsUps> upsesOf(const MetricsData& d) {
  std::vector<MetricsUps> all{{d.upsName, d.snapshot, d.everRead, d.commOk}};
  all.insert(all.end(), d.moreUps.begin(), d.moreUps.end());
  return all;
}

/// The UPSes whose data is not stale: their status and variables are shown.
std::vector<MetricsUps> freshOf(const MetricsData& d) {
  auto all = upsesOf(d);
  std::erase_if(all, [](const MetricsUps& u) { return !(u.everRead && u.commOk); });
  return all;
}

void renderProcess(Exposition& e, const MetricsData& d) {
  e.family("hidupsd_build_info", "gauge", "Always 1; the version label is hidupsd's.");
  e.sample("hidupsd_build_info", 1, Exposition::label("version", d.version));
  e.family("process_start_time_seconds", "gauge",
           "Start time of the hidupsd process since the Unix epoch.");
  e.sample("process_start_time_seconds", unixSeconds(d.processStart));
  e.family("hidupsd_ups_comm_ok", "gauge",
           "1 while the UPS answers, 0 before its first answer and while comms are lost.");
  for (const auto& u : upsesOf(d)) {
    e.setUps(u.name);
    e.sample("hidupsd_ups_comm_ok", u.everRead && u.commOk ? 1 : 0);
  }
  e.setUps(d.upsName);
  e.family("hidupsd_shutdown_started", "gauge",
           "1 once the shutdown pipeline has started (it always runs to the end).");
  e.sample("hidupsd_shutdown_started", d.shutdownStarted ? 1 : 0);
  if (!d.shutdownReady) return;
  e.family("hidupsd_shutdown_ready", "gauge",
           "1 while the preflight finds the shutdown would work (tools run, guests can be "
           "listed), 0 when it would fail: see the daemon's log.");
  e.sample("hidupsd_shutdown_ready", *d.shutdownReady ? 1 : 0);
}

/// The names of core::kEventNames first, then any other name in `events`.
std::vector<std::string> eventNames(const MetricsData& d) {
  std::vector<std::string> names(core::kEventNames.begin(), core::kEventNames.end());
  for (const auto& [name, count] : d.events)
    if (!core::eventKind(name)) names.push_back(name);
  return names;
}

void renderEvents(Exposition& e, const MetricsData& d) {
  const auto names = eventNames(d);
  auto countOf = [&](const std::string& name) {
    const auto it = d.events.find(name);
    return it == d.events.end() ? EventCount{} : it->second;
  };
  e.family("hidupsd_events_total", "counter", "Events since hidupsd started, by event name.");
  for (const auto& name : names)
    e.sample("hidupsd_events_total", static_cast<double>(countOf(name).count),
             Exposition::label("event", name));
  e.family("hidupsd_event_last_timestamp_seconds", "gauge",
           "Time of the last event of each name since the Unix epoch, 0 when never.");
  for (const auto& name : names)
    e.sample("hidupsd_event_last_timestamp_seconds", unixSeconds(countOf(name).last),
             Exposition::label("event", name));
}

double unixSeconds(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? unixSeconds(*t) : 0;
}

/// One family over the sinks: `value` of each, labelled sink="<name>".
void sinkFamily(Exposition& e, const MetricsData& d, const char* name, const char* type,
                const char* help, double (*value)(const core::SinkHealth&)) {
  e.family(name, type, help);
  for (const auto& s : d.sinks)
    e.sample(name, value(s), Exposition::label("sink", s.name));
}

void renderNotifications(Exposition& e, const MetricsData& d) {
  if (d.sinks.empty()) return;
  sinkFamily(e, d, "hidupsd_notify_delivered_total", "counter",
             "Notifications this sink took, since hidupsd started.",
             [](const core::SinkHealth& s) { return static_cast<double>(s.delivered); });
  sinkFamily(e, d, "hidupsd_notify_failed_total", "counter",
             "Notifications given up on for this sink (retries used up), since hidupsd started.",
             [](const core::SinkHealth& s) { return static_cast<double>(s.failed); });
  sinkFamily(e, d, "hidupsd_notify_failures_in_row", "gauge",
             "Failed attempts of this sink since its last delivery; 0 when it works.",
             [](const core::SinkHealth& s) { return static_cast<double>(s.failuresInRow); });
  sinkFamily(e, d, "hidupsd_notify_last_success_timestamp_seconds", "gauge",
             "Time of this sink's last delivery since the Unix epoch, 0 when never.",
             [](const core::SinkHealth& s) { return unixSeconds(s.lastSuccess); });
  sinkFamily(e, d, "hidupsd_notify_last_failure_timestamp_seconds", "gauge",
             "Time of this sink's last failed attempt since the Unix epoch, 0 when never.",
             [](const core::SinkHealth& s) { return unixSeconds(s.lastFailure); });
}

void counter(Exposition& e, std::string_view name, std::string_view help, double value) {
  e.family(name, "counter", help);
  e.sample(name, value);
}

void gauge(Exposition& e, std::string_view name, std::string_view help, double value) {
  e.family(name, "gauge", help);
  e.sample(name, value);
}

void renderStatistics(Exposition& e, const HistoryMetrics& h) {
  counter(e, "hidupsd_outages_total",
          "Transfers to battery since the history began, blips included, battery tests not "
          "(apcupsd NUMXFERS).",
          static_cast<double>(h.outages));
  counter(e, "hidupsd_outage_blips_total",
          "Transfers to battery over before on_battery_delay (no onbatt was sent).",
          static_cast<double>(h.blips));
  counter(e, "hidupsd_on_battery_seconds_total",
          "Time on battery in outages since the history began (apcupsd CUMONBATT).",
          h.onBatterySeconds);
  counter(e, "hidupsd_battery_tests_total", "Battery tests since the history began.",
          static_cast<double>(h.tests));
  counter(e, "hidupsd_battery_tests_failed_total",
          "Battery tests whose result was an error or a warning.",
          static_cast<double>(h.testsFailed));
  if (h.lastOutageSeconds)
    gauge(e, "hidupsd_last_outage_duration_seconds",
          "Duration of the last outage (apcupsd TONBATT of the last transfer).",
          *h.lastOutageSeconds);
  if (h.lastOutageStart)
    gauge(e, "hidupsd_last_outage_timestamp_seconds",
          "Start of the last outage since the Unix epoch (apcupsd XONBATT).",
          unixSeconds(*h.lastOutageStart));
  if (h.since)
    gauge(e, "hidupsd_history_start_timestamp_seconds",
          "When the history (and its counters) began, since the Unix epoch.",
          unixSeconds(*h.since));
  if (h.healthRatio)
    gauge(e, "hidupsd_battery_health_ratio",
          "Battery health, 0..1 (runtime against its baseline, age, tests; see hidupsd(8)).",
          *h.healthRatio);
  gauge(e, "hidupsd_battery_replace_recommended",
        "1 when the battery is due (health below health_warn_below or older than battery_life).",
        h.replaceBattery ? 1 : 0);
}

void renderHistory(Exposition& e, const HistoryMetrics& h) {
  gauge(e, "hidupsd_history_ok", "1 while the history database is written, else 0.", h.ok ? 1 : 0);
  counter(e, "hidupsd_history_dropped_total",
          "History rows lost to a full queue or a disk that kept failing.",
          static_cast<double>(h.dropped));
  counter(e, "hidupsd_history_write_errors_total", "Failed writes to the history database.",
          static_cast<double>(h.writeErrors));
  if (h.loaded) renderStatistics(e, h);
}

std::string infoLabels(const core::Snapshot& snapshot) {
  std::string labels;
  std::set<std::string> used{"ups"};
  for (const auto& [name, value] : snapshot.variables) {
    if (!isInfoVariable(name)) continue;
    auto label = labelName(name);
    if (!used.insert(label).second) continue; // "device.a-b" after "device.a_b"
    labels += (labels.empty() ? "" : ",") + Exposition::label(label, value);
  }
  return labels;
}

void renderInfo(Exposition& e, const std::vector<MetricsUps>& upses) {
  bool first = true;
  for (const auto& u : upses) {
    const auto labels = infoLabels(u.snapshot);
    if (labels.empty()) continue;
    if (std::exchange(first, false))
      e.family("hidupsd_ups_info", "gauge",
               "Always 1; the labels are the UPS's identity strings (NUT names, dots as _).");
    e.setUps(u.name);
    e.sample("hidupsd_ups_info", 1, labels);
  }
}

void renderFlags(Exposition& e, const MetricsUps& u) {
  e.setUps(u.name);
  const auto flags = u.snapshot.statusFlags();
  auto has = [&](std::string_view f) {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
  };
  for (auto flag : kStatusFlags)
    e.sample("hidupsd_ups_status", has(flag) ? 1 : 0, Exposition::label("flag", flag));
  std::set<std::string> others;
  for (const auto& f : flags)
    if (std::find(kStatusFlags.begin(), kStatusFlags.end(), f) == kStatusFlags.end())
      others.insert(f);
  for (const auto& flag : others)
    e.sample("hidupsd_ups_status", 1, Exposition::label("flag", flag));
}

void renderStatus(Exposition& e, const std::vector<MetricsUps>& upses) {
  if (upses.empty()) return;
  e.family("hidupsd_ups_status", "gauge", "1 when ups.status has the flag, else 0 (NUT flags).");
  for (const auto& u : upses)
    renderFlags(e, u);
}

void renderVariables(Exposition& e, const std::vector<MetricsUps>& upses) {
  for (const auto& m : kVariableMetrics) {
    bool first = true;
    for (const auto& u : upses) {
      const auto value = u.snapshot.get(std::string(m.variable));
      const auto number = value ? parseNutNumber(*value) : std::nullopt;
      if (!number) continue;
      if (std::exchange(first, false)) e.family(m.metric, "gauge", m.help);
      e.setUps(u.name);
      e.sample(m.metric, *number / m.divisor);
    }
  }
}

void renderOtherVariables(Exposition& e, const std::vector<MetricsUps>& upses) {
  bool first = true;
  for (const auto& u : upses) {
    e.setUps(u.name);
    for (const auto& [name, value] : u.snapshot.variables) {
      if (!isOtherNumeric(name, value)) continue;
      if (std::exchange(first, false))
        e.family("hidupsd_ups_variable", "gauge",
                 "Numeric NUT variables without a metric of their own, in NUT's unit.");
      e.sample("hidupsd_ups_variable", *parseNutNumber(value), Exposition::label("variable", name));
    }
  }
}

/// The length of the valid UTF-8 sequence at the start of `s`, or 0
/// (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8SequenceLength(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned lead = b(0);
  if (lead < 0x80) return 1;
  const std::size_t n = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (n == 0 || lead > 0xf4 || s.size() < n) return 0;
  std::uint32_t cp = lead & (0x7fu >> n);
  for (std::size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3fu);
  }
  constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

} // namespace

std::string escapeLabelValue(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto n = utf8SequenceLength(text);
    if (n == 0) {
      out += "\xef\xbf\xbd"; // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
      continue;
    }
    const char c = text.front();
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += text.substr(0, n);
    text.remove_prefix(n);
  }
  return out;
}

std::string formatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::optional<double> parseNutNumber(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const auto start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const auto signEnd = i;
  auto mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  // from_chars takes no leading '+'; the grammar above is stricter than its own.
  const auto* first = text.data() + (signEnd > 0 && text[0] == '+' ? 1 : 0);
  double v = 0;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), v);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  return v;
}

std::string renderMetrics(const MetricsData& data) {
  Exposition e(data.upsName);
  renderProcess(e, data);
  renderEvents(e, data);
  renderNotifications(e, data);
  if (data.history) renderHistory(e, *data.history);
  renderInfo(e, upsesOf(data));
  const auto fresh = freshOf(data);
  renderStatus(e, fresh);
  renderVariables(e, fresh);
  renderOtherVariables(e, fresh);
  return e.take();
}

} // namespace hidupsd::serve
