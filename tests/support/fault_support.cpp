// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the fault matrix: configs, the watched event log, calls.log times.
#include "tests/support/fault_support.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/http_receiver.hpp"

namespace hidupsd::test::faults {

using namespace daemon;

std::string vmsBehaving(std::initializer_list<std::string> shutdowns) {
  nlohmann::json guests = nlohmann::json::array();
  int id = 100;
  for (const auto& how : shutdowns) {
    guests.push_back({{"type", "vm"},
                      {"id", id},
                      {"name", "vm" + std::to_string(id)},
                      {"status", "running"},
                      {"shutdown", how}});
    ++id;
  }
  return nlohmann::json{{"node", "pve1"}, {"guests", guests}}.dump();
}

std::string faultConfig(const TempDir& dir, const FakePve& pve, const fs::path& replay,
                        const ScenarioOptions& o) {
  return "[device]\nreplay = \"" + replay.string() + "\"\npoll_interval = 1\n" +
         "[policy]\non_battery_delay = 0\nonline_delay = 0\nsimulation = false\n" +
         "comms_lost_timeout = " + std::to_string(o.commsLostTimeout) + "\n" +
         "[shutdown]\nguest_timeout = 2\ndeadline = 10\ndeadline_margin = 0\n" +
         "host_command = [\"" + pve.poweroff() + "\"]\nkill_power_flag = \"" +
         (dir / "killpower").string() + "\"\n" + "[proxmox]\nnode = \"pve1\"\nqm = \"" + pve.qm() +
         "\"\npct = \"" + pve.pct() + "\"\npvesh = \"" + pve.pvesh() + "\"\npmxcfs = \"" +
         pve.pmxcfs().string() + "\"\n[comeback]\nstate_file = \"" + (dir / "comeback").string() +
         "\"\n[log]\n" + logFileSection(o.logFile.empty() ? dir / "events.log" : o.logFile) +
         o.extraConfig;
}

std::string EventLogWatch::read() {
  seen_.push_back(readIfAny(path_));
  return seen_.back();
}

bool EventLogWatch::waitFor(std::string_view needle, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!contains(read(), needle)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPollStep);
  }
  return true;
}

// The log is append-only: whatever was read before must still open the file.
std::string EventLogWatch::lostLines() {
  const std::string now = readIfAny(path_);
  for (const auto& before : seen_)
    if (now.compare(0, before.size(), before) != 0)
      return "read earlier:\n" + before + "\nnow:\n" + now;
  return "";
}

PipelineCalls pipelineCalls(const FakePve& pve) {
  PipelineCalls out;
  if (!fs::exists(pve.dir() / "calls.log")) return out;
  const auto lists = pve.started("qm list");
  const auto offs = pve.started("poweroff");
  if (!lists.empty()) out.firstList = lists.front().time;
  if (!offs.empty()) out.powerOff = offs.front().time;
  out.powerOffs = offs.size();
  return out;
}

std::optional<double> waitPowerOff(const FakePve& pve, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (auto t = pipelineCalls(pve).powerOff) return t;
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
}

namespace {

std::optional<double> number(const std::string& text, const std::regex& re) {
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  return std::stod(m[1].str());
}

} // namespace

std::optional<double> pipelineSeconds(const std::string& log) {
  static const std::regex re(R"(shutdown pipeline finished after ([0-9.]+) s)");
  return number(log, re);
}

std::optional<double> guestDeadline(const std::string& log) {
  static const std::regex re(R"(guest deadline: ([0-9]+) s)");
  return number(log, re);
}

std::size_t linesWith(const std::string& text, std::string_view needle) {
  std::istringstream lines(text);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);)
    n += contains(line, needle) ? 1 : 0;
  return n;
}

Scenario::Scenario(const std::string& guestsJson, const ScenarioOptions& options)
    : pve(guestsJson), replay(writeReplay(dir / "ups.replay", options.timeline)),
      config(dir / "hidupsd.toml"), log(dir / "events.log") {
  writeFile(config, faultConfig(dir, pve, replay, options));
}

void Scenario::start(std::vector<std::string> wrapper) {
  spawned = monotonicSeconds();
  daemon.emplace(dir, std::vector<std::string>{"-c", config.string()}, std::move(wrapper));
}

double checkPowerOffWithin(Scenario& s, double lowBattery, double bound) {
  const auto powerOff = waitPowerOff(s.pve);
  REQUIRE_MESSAGE(powerOff.has_value(), "no host command; log:\n" << s.log.read());
  REQUIRE_MESSAGE(s.log.waitFor("shutdown pipeline finished"), s.log.read());
  const double latency = *powerOff - s.atReplay(lowBattery);
  MESSAGE("low battery -> host command: " << latency << " s (bound " << bound << " s)");
  CHECK(latency > 0);
  CHECK(latency <= bound);
  CHECK(pipelineCalls(s.pve).powerOffs == 1);
  const std::string text = s.log.read();
  CHECK(guestDeadline(text) == kDeadline);
  const auto took = pipelineSeconds(text);
  REQUIRE_MESSAGE(took.has_value(), text);
  MESSAGE("pipeline: " << *took << " s (deadline " << kDeadline << " s)");
  CHECK(*took <= kDeadline + kDeadlineSlack);
  return latency;
}

double requireAliveThenStop(HidupsdProcess& daemon) {
  REQUIRE_MESSAGE(daemon.running(), "the daemon died: " << daemon.err());
  const double t0 = monotonicSeconds();
  daemon.signal(SIGTERM);
  const auto code = daemon.waitExit();
  REQUIRE_MESSAGE(code.has_value(), "hung after SIGTERM: " << daemon.err());
  CHECK_MESSAGE(*code == 0, daemon.err());
  CHECK(contains(daemon.err(), "daemon: stopped"));
  return monotonicSeconds() - t0;
}

} // namespace hidupsd::test::faults
