// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd-bench: reaction time, shutdown time, history size; one JSON object per line on stdout.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/history_size.hpp"
#include "bench/probe_paths.hpp"
#include "bench/reaction.hpp"
#include "bench/shutdown_time.hpp"
#include "bench/stats.hpp"

namespace {

using namespace hidupsd::bench;
using Options = std::map<std::string, std::string>;

constexpr const char* kUsage =
    "usage: hidupsd-bench reaction --fixture FILE [--iterations N] [--polling] [--poll-ms MS]\n"
    "                              [--event-log FILE] [--only onbatt|lowbatt] [--seed N]\n"
    "       hidupsd-bench shutdown --fake-dir DIR --work-dir DIR [--log FILE]\n"
    "                              [--no-plan] [--no-pmxcfs] [--stopall]\n"
    "       hidupsd-bench states --fixture FILE   (the reports `reaction` injects)\n"
    "       hidupsd-bench probe --fixture FILE [--iterations N]   (in-process, per path)\n"
    "       hidupsd-bench history --file FILE [--days N] [--keep-years N]\n";

/// "--key value" pairs; the flags (--polling, --stopall, --no-…) alone mean "1".
Options parseOptions(int argc, char** argv) {
  Options out;
  for (int i = 2; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument: " + key);
    key.erase(0, 2);
    const bool flag = key == "polling" || key.rfind("no-", 0) == 0 || key == "stopall";
    out[key] = flag ? "1" : (i + 1 < argc ? argv[++i] : "");
  }
  return out;
}

std::string need(const Options& o, const std::string& key) {
  auto it = o.find(key);
  if (it == o.end() || it->second.empty()) throw std::invalid_argument("missing --" + key);
  return it->second;
}

std::string get(const Options& o, const std::string& key, const std::string& fallback) {
  auto it = o.find(key);
  return it == o.end() ? fallback : it->second;
}

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void print(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

ReactionOptions reactionOptions(const Options& o) {
  ReactionOptions r;
  const auto fixture = need(o, "fixture");
  const auto text = readText(fixture);
  r.script = hidupsd::hid::parseReplay(text, fixture);
  r.states = upsStates(text, fixture);
  r.iterations = std::stoul(get(o, "iterations", "1000"));
  r.polling = o.count("polling") != 0;
  r.pollInterval = std::chrono::milliseconds(std::stol(get(o, "poll-ms", "2000")));
  r.eventLog = get(o, "event-log", "");
  r.seed = o.count("seed") != 0 ? static_cast<unsigned>(std::stoul(need(o, "seed")))
                                : std::random_device{}();
  return r;
}

int runReaction(const Options& o) {
  const auto r = reactionOptions(o);
  const std::string mode = r.polling ? "polling" : "input";
  const auto extra =
      fmt::format("\"mode\": \"{}\", \"poll_ms\": {}, \"seed\": {}, \"event_log\": {}", mode,
                  r.pollInterval.count(), r.seed, r.eventLog.empty() ? "false" : "true");
  const auto only = get(o, "only", "");
  if (only != "lowbatt") print(summaryJson("onbatt", summarize(measureOnBattery(r)), extra));
  if (only != "onbatt") {
    const auto lb = measureLowBattery(r);
    print(summaryJson("lowbatt", summarize(lb.lowbatt), extra));
    print(summaryJson("pipeline", summarize(lb.pipeline), extra));
  }
  return 0;
}

std::string hex(const Report& report) {
  std::string out;
  for (auto byte : report)
    out += fmt::format("{}{:02x}", out.empty() ? "" : " ", byte);
  return out;
}

void printState(const char* name, const StateReports& state) {
  for (const auto& report : state.inputs)
    print(fmt::format("{} input {}", name, hex(report)));
  for (const auto& [id, report] : state.features)
    print(fmt::format("{} feature {}", name, hex(report)));
}

/// The reports the reaction benchmark injects, for reading.
int runStates(const Options& o) {
  const auto r = reactionOptions(o);
  printState("online", r.states.online);
  printState("onbattery", r.states.onBattery);
  printState("lowbattery", r.states.lowBattery);
  return 0;
}

int runShutdown(const Options& o) {
  ShutdownOptions options;
  options.fakeDir = need(o, "fake-dir");
  options.workDir = need(o, "work-dir");
  options.planAhead = o.count("no-plan") == 0;
  options.pmxcfs = o.count("no-pmxcfs") == 0;
  options.stopAll = o.count("stopall") != 0;
  const auto run = measureShutdown(options);
  if (const auto log = get(o, "log", ""); !log.empty()) {
    std::ofstream out(log);
    for (const auto& line : run.lines)
      out << line << '\n';
  }
  print(fmt::format("{{\"name\": \"shutdown\", \"unit\": \"s\", \"seconds\": {:.3f}, "
                    "\"low_battery\": {:.6f}, \"first_request\": {:.3f}, "
                    "\"host_request\": {:.3f}}}",
                    run.seconds, run.lowBattery, run.firstRequest, run.hostRequest));
  return 0;
}

std::string pointJson(const HistorySizePoint& p) {
  return fmt::format("{{\"day\": {}, \"bytes\": {}, \"rows\": {}, \"rows_10s\": {}, "
                     "\"rows_5min\": {}, \"rows_1h\": {}}}",
                     p.day, p.fileBytes, p.sampleRows, p.rows10s, p.rows5min, p.rows1h);
}

/// The database after `--days` (365) of samples: the file and its rows over time.
int runHistory(const Options& o) {
  const int days = std::stoi(get(o, "days", "365"));
  const int keepYears = std::stoi(get(o, "keep-years", "5"));
  if (days < 1 || keepYears < 1) throw std::invalid_argument("--days and --keep-years: >= 1");
  const auto run = measureHistorySize(need(o, "file"), days, keepYears);
  std::string points;
  for (const auto& p : run.points)
    points += (points.empty() ? "" : ", ") + pointJson(p);
  print(fmt::format("{{\"name\": \"history\", \"days\": {}, \"keep_years\": {}, "
                    "\"max_sample_rows\": {}, \"max_sample_rows_seen\": {}, "
                    "\"max_file_bytes\": {}, \"seconds\": {:.1f}, \"points\": [{}]}}",
                    days, run.keepYears, run.maxSampleRows, run.maxSampleRowsSeen, run.maxFileBytes,
                    run.seconds, points));
  return 0;
}

/// One summary line per device code path, in milliseconds per probe.
int runProbe(const Options& o) {
  const auto fixture = need(o, "fixture");
  const auto script = hidupsd::hid::parseReplay(readText(fixture), fixture);
  const auto iterations = std::stoul(get(o, "iterations", "200"));
  for (const auto path : {ProbePath::Replay, ProbePath::Hidraw}) {
    auto s = summarize(measureProbe(script, path, iterations));
    const auto extra =
        fmt::format("\"fixture\": \"{}\", \"path\": \"{}\"",
                    std::filesystem::path(fixture).filename().string(), nameOf(path));
    print(summaryJson("probe", s, extra));
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "reaction") return runReaction(parseOptions(argc, argv));
    if (command == "shutdown") return runShutdown(parseOptions(argc, argv));
    if (command == "states") return runStates(parseOptions(argc, argv));
    if (command == "probe") return runProbe(parseOptions(argc, argv));
    if (command == "history") return runHistory(parseOptions(argc, argv));
    std::fputs(kUsage, stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hidupsd-bench: %s\n", e.what());
    return 1;
  }
}
