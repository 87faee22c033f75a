// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --history and --battery-replaced.
#include "src/history_cli.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "config/config.hpp"
#include "history/health.hpp"
#include "history/reader.hpp"
#include "history/schema.hpp"
#include "src/daemon_status.hpp"
#include "src/history_json.hpp"
#include "src/history_service.hpp"
#include "src/status_text.hpp"

namespace hidupsd {

namespace {

constexpr std::size_t kRows = 1000; ///< the most outages, tests the command lists

double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Config configAt(const std::filesystem::path& path) {
  return std::filesystem::exists(path) ? loadConfig(path) : Config{};
}

std::string orDash(double v, std::string_view unit) {
  return history::present(v) ? fmt::format("{:g}{}", std::round(v * 10) / 10, unit) : "-";
}

std::string seconds(double s) {
  if (s < 120) return fmt::format("{:.1f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

void printOutages(const std::vector<history::TransferRow>& rows) {
  std::cout << fmt::format("Outages ({}):\n", rows.size());
  if (rows.empty()) return;
  std::cout << fmt::format("  {:<19}  {:>9}  {:<11}  {:>6}  {:>8}  {:>6}  {}\n", "start",
                           "duration", "ended by", "charge", "runtime", "load", "reason");
  for (const auto& r : rows)
    std::cout << fmt::format("  {:<19}  {:>9}  {:<11}  {:>6}  {:>8}  {:>6}  {}{}\n",
                             localText(r.start), seconds(r.duration), r.endedBy,
                             orDash(r.minCharge, " %"), orDash(r.minRuntime, " s"),
                             orDash(r.meanLoad, " %"), r.reason, r.blip ? " (blip)" : "");
}

void printTests(const std::vector<history::TestRow>& rows) {
  std::cout << fmt::format("\nBattery tests ({}):\n", rows.size());
  for (const auto& r : rows)
    std::cout << fmt::format("  {:<19}  {:>9}  {:<7}  by {:<8}  {}\n", localText(r.start),
                             seconds(r.duration), r.kind, r.startedBy, r.result);
}

/// "1200 s → 1850 s": a value before and after a shedding step.
std::string beforeAfter(double before, double after, std::string_view unit) {
  return fmt::format("{} → {}", orDash(before, unit), orDash(after, unit));
}

/// Shown only when there is some: most hosts have no [[shed]] tiers.
void printSheds(const std::vector<history::ShedRow>& rows) {
  if (rows.empty()) return;
  std::cout << fmt::format("\nLoad shedding ({}):\n", rows.size());
  std::cout << fmt::format("  {:<19}  {:<9}  {:<10}  {:>5}  {:<17}  {:<13}  {}\n", "time", "action",
                           "tier", "done", "runtime", "load", "guests");
  for (const auto& r : rows)
    std::cout << fmt::format(
        "  {:<19}  {:<9}  {:<10}  {:>5}  {:<17}  {:<13}  {}{}{}\n", localText(r.time), r.action,
        r.tier.empty() ? "-" : r.tier, fmt::format("{}/{}", r.done, r.total),
        beforeAfter(r.runtimeBefore, r.runtimeAfter, " s"),
        beforeAfter(r.loadBefore, r.loadAfter, " %"), r.guests.empty() ? "none" : r.guests,
        r.why.empty() ? "" : " (" + r.why + ")", r.simulation ? " [simulation]" : "");
}

void printStatistics(const history::Statistics& s) {
  std::cout << fmt::format("\nStatistics (since {}):\n",
                           s.since ? localText(*s.since) : std::string("the start"));
  std::cout << fmt::format("  transfers to battery  {} ({} blip{})\n", s.transfers, s.blips,
                           s.blips == 1 ? "" : "s");
  std::cout << fmt::format("  time on battery       {} in total{}\n", seconds(s.onBatterySeconds),
                           s.last ? ", last " + seconds(s.last->duration) : "");
  if (s.last)
    std::cout << fmt::format("  last transfer         {}: {}\n", localText(s.last->start),
                             s.last->reason);
  if (s.onBatterySince)
    std::cout << fmt::format("  on battery since      {}\n", localText(*s.onBatterySince));
  std::cout << fmt::format("  battery tests         {} ({} failed)\n", s.tests, s.testsFailed);
}

void printHealth(const history::Health& h) {
  std::cout << "\nBattery health: "
            << (h.score ? fmt::format("{} / 100", *h.score) : std::string("not known yet"))
            << (h.replace ? " — replace the battery" : "") << "\n";
  for (const auto& reason : h.reasons)
    std::cout << "  - " << reason << "\n";
}

int historyOf(const Config& config, const HistoryOptions& o) {
  const double since = o.since ? wallNow() - parseDuration(*o.since) : 0;
  history::Reader reader(config.history.file);
  const auto outages = reader.outages(since, kRows);
  const auto tests = reader.tests(since, kRows);
  const auto sheds = reader.sheds(since, kRows);
  const auto statistics = reader.statistics();
  const auto health = reader.health(healthOptions(config.history), wallNow());
  if (o.json) {
    nlohmann::json out{{"file", config.history.file.string()},
                       {"since", o.since ? nlohmann::json(since) : nlohmann::json(nullptr)},
                       {"outages", nlohmann::json::array()},
                       {"tests", nlohmann::json::array()},
                       {"sheds", nlohmann::json::array()},
                       {"statistics", toJson(statistics)},
                       {"health", toJson(health)}};
    for (const auto& r : outages)
      out["outages"].push_back(toJson(r));
    for (const auto& r : tests)
      out["tests"].push_back(toJson(r));
    for (const auto& r : sheds)
      out["sheds"].push_back(toJson(r));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  printOutages(outages);
  printTests(tests);
  printSheds(sheds);
  printStatistics(statistics);
  printHealth(health);
  return 0;
}

std::string today() {
  const auto t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

} // namespace

double parseDuration(std::string_view text) {
  static constexpr std::pair<char, double> kUnits[] = {
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
  double unit = 1;
  std::string_view number = text;
  for (const auto& [suffix, factor] : kUnits)
    if (!text.empty() && text.back() == suffix) {
      unit = factor;
      number.remove_suffix(1);
    }
  double v = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || v < 0)
    throw std::invalid_argument(fmt::format(
        "'{}' is not a duration (a number with s, m, h, d or w: \"90d\", \"12h\")", text));
  return v * unit;
}

void printHistoryStatus(const Config& config, std::ostream& out) {
  const auto& file = config.history.file;
  if (file.empty()) {
    out << historyLines(std::nullopt);
    return;
  }
  try {
    // The summary the daemon would keep, read from the file: one rendering for both.
    history::Reader reader(file);
    history::Summary summary;
    summary.store.enabled = true;
    summary.store.writable = true; // not known here; no "NOT WRITTEN" without a daemon
    summary.store.loaded = true;
    summary.statistics = reader.statistics();
    summary.health = reader.health(healthOptions(config.history), wallNow());
    if (const auto tests = reader.tests(0, 1); !tests.empty()) summary.lastTest = tests.front();
    out << historyLines(historyView(summary));
  } catch (const std::exception& e) {
    out << "History: cannot read " << file.string() << ": " << e.what() << "\n";
  }
}

int runHistory(const HistoryOptions& o) {
  const Config config = configAt(o.configPath);
  const auto& file = config.history.file;
  if (file.empty()) {
    std::cerr << "hidupsd --history: the history is off in " << o.configPath.string()
              << " ([history] file = \"\")\n";
    return 1;
  }
  try {
    return historyOf(config, o);
  } catch (const history::SqliteError& e) {
    if (e.fault() == history::Fault::ReadOnly && !std::filesystem::exists(file))
      std::cerr << "hidupsd --history: no history yet in " << file.string()
                << " (the daemon creates it when it runs with [history] file set)\n";
    else
      std::cerr << "hidupsd --history: " << file.string() << ": " << history::nameOf(e.fault())
                << ": " << e.what() << "\n";
  }
  return 1;
}

int runBatteryReplaced(const BatteryReplacedOptions& o) {
  const Config config = configAt(o.configPath);
  const auto& file = config.history.file;
  if (file.empty()) {
    std::cerr << "hidupsd --battery-replaced: the history is off in " << o.configPath.string()
              << " ([history] file = \"\")\n";
    return 1;
  }
  const std::string date = o.date.value_or(today());
  if (!history::parseBatteryDate(date) || date.size() != 10 || date[4] != '-') {
    std::cerr << "hidupsd --battery-replaced: --date '" << date << "' is not YYYY-MM-DD\n";
    return 2;
  }
  try {
    history::Database db(file, history::Database::Mode::ReadWriteCreate);
    db.setBusyTimeout(5000); // the daemon's writes are short
    history::migrate(db);
    history::Statement s = db.prepare("INSERT OR REPLACE INTO batteries (installed, source, "
                                      "recorded) VALUES (?1, 'command', ?2)");
    s.bind(1, date).bind(2, wallNow()).run();
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --battery-replaced: " << file.string() << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << "battery installed on " << date << " recorded in " << file.string()
            << " (a running daemon takes it into account within a minute)\n";
  return 0;
}

} // namespace hidupsd
