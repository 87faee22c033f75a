// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd: the command line.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/event.hpp"
#include "hid/hidapi_device.hpp"
#include "hid/hidraw_sysfs.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/usb_discovery.hpp"
#include "hid/usb_opener.hpp"
#include "hidupsd_config.hpp"
#include "notify/curl_global.hpp"
#include "proxmox/bounded_runner.hpp"
#include "src/client_commands.hpp"
#include "src/daemon.hpp"
#include "src/history_cli.hpp"
#include "src/import_nut.hpp"
#include "src/kill_power.hpp"
#include "src/listener.hpp"
#include "src/migration_guard.hpp"
#include "src/nut_reader.hpp"
#include "src/preflight.hpp"
#include "src/probe.hpp"
#include "src/servers.hpp"
#include "src/status_command.hpp"
#include "src/test_event.hpp"
#include "ups/simulated_device.hpp"

namespace {

using namespace hidupsd;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage = R"(usage:
  hidupsd [-c FILE]   run the monitor (default config /etc/hidupsd/hidupsd.toml)
  hidupsd --simulate [--speed N] [-c FILE]
                      run the monitor on the built-in simulated Eaton Ellipse PRO
                      through a scripted outage (simulation forced on), then exit
  hidupsd --test-event EVENT [--really] [-c FILE] [--simulate | --replay FILE]
                      run the pipeline for one event now (onbatt, online, lowbatt,
                      shutdown, commbad, commok, nocomm, replbatt, overload, fsd);
                      destructive steps only with simulation = false AND --really
  hidupsd --probe [--json] [--replay FILE | --simulate | --device VID:PID[:SERIAL]]
                [--backend auto|hidraw|libusb]
                      identify the UPS, dump every descriptor field with its report
                      ID, type, bit offset, size and value, then the NUT variables
  hidupsd --probe [--json] --nut UPS@HOST[:PORT]
                      what a NUT server (upsd, another hidupsd) says of one UPS: its
                      variables and instant commands, as upsc and upscmd -l show them
  hidupsd --kill-power [--if-flagged] [-c FILE] [--replay FILE | --simulate]
                      (for the systemd-shutdown hook) ask the UPS to cut its output
                      after ups_off_delay and to restore it ups_on_delay after the
                      request once mains are back (NUT's shutdown.return); with
                      --if-flagged only when [shutdown] kill_power_flag exists
  hidupsd --status [--json] [-c FILE]
                      the running daemon's state: UPS, time on battery, shutdown
                      progress, readiness, last events, notifications (its control
                      socket); else the UPS variables through [serve.nut] or the UPS
  hidupsd --command NAME [--value N] [-c FILE] [--replay FILE | --simulate]
                      run an instant command (beeper.disable, test.battery.start.quick,
                      shutdown.return, ...): through the running daemon when
                      [serve.nut] is set, else on the UPS itself
  hidupsd --history [--since DURATION] [--json] [-c FILE]
                      the outages (start, duration, how each ended, lowest charge and
                      runtime, reason), battery tests, statistics and battery health
                      from [history] file; works while the daemon runs. DURATION: 90d,
                      12h, 30m, 2w, or seconds
  hidupsd --battery-replaced [--date YYYY-MM-DD] [-c FILE]
                      record a new battery (default today): its age and its runtime
                      baseline start again
  hidupsd --list      list the USB HID UPSes attached
  hidupsd --check-config [-c FILE]
                      validate the config: errors as FILE:LINE:COL: message, or
                      "FILE: OK" and the effective config, secrets redacted
  hidupsd --import-nut [DIR]
                      print a hidupsd.toml made from NUT's files in DIR (default
                      /etc/nut), simulation on; the lines not carried over are
                      listed at its end with the reason
  hidupsd --version | --help

options:
  --device VID:PID[:SERIAL]
                      the USB UPS to use, ids in hex (default: the first UPS found,
                      an Eaton 0463:ffff first)
  --backend auto|hidraw|libusb
                      how --probe reads the USB UPS (default auto: hidraw, usbhid
                      left bound, when the UPS has a hidraw node)
  --replay FILE       use a replay file (see DESIGN.md) instead of a USB device
  --simulate          use the built-in simulated Eaton Ellipse PRO
  --json              --probe: one JSON object {device, variables, paths};
                      --status: the daemon's state as JSON;
                      --history: one object {outages, tests, statistics, health}
  --speed N           with --simulate: time runs N times faster
  -c, --config FILE   the config file (default /etc/hidupsd/hidupsd.toml)
)";

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Options {
  enum class Mode {
    None,
    Probe,
    List,
    Version,
    Help,
    CheckConfig,
    TestEvent,
    KillPower,
    Status,
    Command,
    ImportNut,
    History,
    BatteryReplaced
  } mode = Mode::None;
  bool json = false;
  bool really = false;
  bool ifFlagged = false;
  std::string command;              ///< --command NAME
  std::optional<std::string> value; ///< --value N
  double speed = 1;
  core::EventKind event = core::EventKind::OnBattery;
  bool simulate = false;
  std::optional<std::string> replay;
  std::optional<hid::DeviceMatch> device;
  std::optional<lib::NutAddress> nut;  ///< --nut UPS@HOST[:PORT]
  std::optional<hid::Backend> backend; ///< --backend
  std::optional<std::string> config;   ///< -c FILE
  std::string nutDir = kDefaultNutDir; ///< --import-nut [DIR]
  std::optional<std::string> since;    ///< --since DURATION
  std::optional<std::string> date;     ///< --date YYYY-MM-DD
};

hid::Backend parseBackendOption(const std::string& text) {
  if (const auto b = hid::parseBackend(text)) return *b;
  throw UsageError("--backend: '" + text + "' is not auto, hidraw or libusb");
}

lib::NutAddress parseNutOption(const std::string& spec) {
  try {
    return lib::parseNutAddress(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--nut: ") + e.what());
  }
}

hid::DeviceMatch parseDevice(const std::string& spec) {
  try {
    return hid::parseDeviceMatch(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--device: ") + e.what());
  }
}

std::string takeValue(const std::vector<std::string>& args, std::size_t& i) {
  if (i + 1 >= args.size()) throw UsageError(args[i] + " needs a value");
  return args[++i];
}

double parseSpeed(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= 0.1 && v <= 1000))
    throw UsageError("--speed: '" + text + "' is not a number from 0.1 to 1000");
  return v;
}

core::EventKind parseEvent(const std::string& name) {
  if (auto k = core::eventKind(name)) return *k;
  std::string known;
  for (auto n : core::kEventNames)
    known += (known.empty() ? "" : ", ") + std::string(n);
  throw UsageError("--test-event: unknown event '" + name + "'; events: " + known);
}

void setMode(Options& o, Options::Mode m) {
  if (o.mode != Options::Mode::None && o.mode != m) throw UsageError("choose one action");
  o.mode = m;
}

/// One command-line word: an action (a Mode), an option, or both (--command NAME).
struct Flag {
  std::string_view name;
  std::string_view alias;                            ///< another spelling ("-h", "-c"), "" if none
  Options::Mode mode;                                ///< the action it selects; None for an option
  bool takesValue;                                   ///< the next argument is its value
  void (*set)(Options& o, const std::string& value); ///< stores it; null for a bare action
  /// The next argument is its value when there is one that is not an option (--import-nut DIR).
  bool optionalValue = false;
};

using Mode = Options::Mode;

const Flag kFlags[] = {
    {"--probe", "", Mode::Probe, false, nullptr},
    {"--list", "", Mode::List, false, nullptr},
    {"--version", "", Mode::Version, false, nullptr},
    {"--help", "-h", Mode::Help, false, nullptr},
    {"--check-config", "", Mode::CheckConfig, false, nullptr},
    {"--kill-power", "", Mode::KillPower, false, nullptr},
    {"--status", "", Mode::Status, false, nullptr},
    {"--command", "", Mode::Command, true, [](Options& o, const std::string& v) { o.command = v; }},
    {"--test-event", "", Mode::TestEvent, true,
     [](Options& o, const std::string& v) { o.event = parseEvent(v); }},
    {"--history", "", Mode::History, false, nullptr},
    {"--battery-replaced", "", Mode::BatteryReplaced, false, nullptr},
    {"--since", "", Mode::None, true, [](Options& o, const std::string& v) { o.since = v; }},
    {"--date", "", Mode::None, true, [](Options& o, const std::string& v) { o.date = v; }},
    {"--value", "", Mode::None, true, [](Options& o, const std::string& v) { o.value = v; }},
    {"--config", "-c", Mode::None, true, [](Options& o, const std::string& v) { o.config = v; }},
    {"--json", "", Mode::None, false, [](Options& o, const std::string&) { o.json = true; }},
    {"--really", "", Mode::None, false, [](Options& o, const std::string&) { o.really = true; }},
    {"--if-flagged", "", Mode::None, false,
     [](Options& o, const std::string&) { o.ifFlagged = true; }},
    {"--speed", "", Mode::None, true,
     [](Options& o, const std::string& v) { o.speed = parseSpeed(v); }},
    {"--simulate", "", Mode::None, false,
     [](Options& o, const std::string&) { o.simulate = true; }},
    {"--replay", "", Mode::None, true, [](Options& o, const std::string& v) { o.replay = v; }},
    {"--device", "", Mode::None, true,
     [](Options& o, const std::string& v) { o.device = parseDevice(v); }},
    {"--import-nut", "", Mode::ImportNut, false,
     [](Options& o, const std::string& v) {
       if (!v.empty()) o.nutDir = v;
     },
     true},
    {"--nut", "", Mode::None, true,
     [](Options& o, const std::string& v) { o.nut = parseNutOption(v); }},
    {"--backend", "", Mode::None, true,
     [](Options& o, const std::string& v) { o.backend = parseBackendOption(v); }},
};

const Flag& findFlag(const std::string& word) {
  for (const Flag& f : kFlags)
    if (word == f.name || (!f.alias.empty() && word == f.alias)) return f;
  throw UsageError("unknown option '" + word + "'");
}

/// The options that only make sense together.
void checkCombinations(const Options& o) {
  if (int(o.replay.has_value()) + int(o.simulate) + int(o.device.has_value()) > 1)
    throw UsageError("--replay, --simulate and --device exclude each other");
  if (o.device && o.mode != Mode::Probe) throw UsageError("--device goes with --probe");
  if (o.nut && (o.mode != Mode::Probe || o.replay || o.simulate || o.device || o.backend))
    throw UsageError("--nut goes with --probe alone (no --replay, --simulate, --device)");
  if (o.backend && (o.mode != Mode::Probe || o.replay || o.simulate))
    throw UsageError("--backend goes with --probe of a USB UPS");
  if (o.speed != 1 && !o.simulate) throw UsageError("--speed goes with --simulate");
  if (o.really && o.mode != Mode::TestEvent) throw UsageError("--really goes with --test-event");
  if (o.value && o.mode != Mode::Command) throw UsageError("--value goes with --command");
  if (o.json && o.mode != Mode::Probe && o.mode != Mode::Status && o.mode != Mode::History)
    throw UsageError("--json goes with --probe, --status or --history");
  if (o.ifFlagged && o.mode != Mode::KillPower)
    throw UsageError("--if-flagged goes with --kill-power");
  if (o.since && o.mode != Mode::History) throw UsageError("--since goes with --history");
  if (o.date && o.mode != Mode::BatteryReplaced)
    throw UsageError("--date goes with --battery-replaced");
  if (o.since) {
    try {
      parseDuration(*o.since);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--since: ") + e.what());
    }
  }
}

Options parseOptions(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Flag& flag = findFlag(args[i]);
    if (flag.mode != Mode::None) setMode(o, flag.mode);
    const bool optional =
        flag.optionalValue && i + 1 < args.size() && !args[i + 1].starts_with('-');
    if (flag.set != nullptr)
      flag.set(o, flag.takesValue || optional ? takeValue(args, i) : std::string());
  }
  checkCombinations(o);
  return o;
}

/// hidapi's library state and the HID devices it found; outlives every HidapiDevice.
struct UsbSession {
  hid::HidapiInit hidapi;
  std::vector<hid::HidDeviceEntry> found = hid::enumerateHid(hidapi);
};

std::unique_ptr<UsbSession> openUsb(const Options& o) {
  try {
    return std::make_unique<UsbSession>();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "\n" + hid::noDeviceMessage(o.device, {}));
  }
}

/// The UPSes found, one a line ("" when none): their hidraw nodes from sysfs
/// (no permission needed to look), else what hidapi-libusb enumerates.
std::string upsList(hid::Backend backend) {
  std::string out;
  if (backend != hid::Backend::Libusb)
    for (const auto& e : hid::enumerateHidraw())
      if (hid::looksLikeUps(e.hid)) out += "  " + hid::describe(e.hid) + " (" + e.node + ")\n";
  if (!out.empty() || backend == hid::Backend::Hidraw) return out;
  try {
    UsbSession usb;
    for (const auto& e : hid::upsesAmong(usb.found))
      out += "  " + hid::describe(e) + "\n";
  } catch (const std::runtime_error&) {
    // hidapi could not start (no usbfs here): nothing listed from it.
  }
  return out;
}

std::unique_ptr<hid::Device> openDevice(const Options& o, core::Clock& clock,
                                        hid::UsbUpsOpener* usb) {
  if (o.simulate) return makeSimulatedEllipsePro(clock);
  if (o.replay) return std::make_unique<hid::ReplayDevice>(hid::loadReplay(*o.replay), clock);
  auto device = usb->open();
  std::cerr << "Backend: " << hid::nameOf(usb->lastChoice().backend) << " ("
            << usb->lastChoice().why << ")\n";
  return device;
}

int runList(const Options& o) {
  const std::string list = upsList(hid::Backend::Auto);
  if (list.empty()) {
    const auto usb = openUsb(o);
    throw std::runtime_error(hid::noDeviceMessage(std::nullopt, usb->found));
  }
  std::cout << "USB HID UPSes:\n" << list;
  return kExitOk;
}

int runProbe(const Options& o) {
  if (o.nut) {
    std::cout << remoteProbe(*o.nut, std::chrono::seconds(5), o.json);
    return kExitOk;
  }
  core::SteadyClock clock;
  std::unique_ptr<hid::UsbUpsOpener> usb;
  if (!o.simulate && !o.replay) {
    proxmox::ProcessRunner processes(std::chrono::seconds(1));
    if (const auto advice = nutAdvice(activeNutUnits(processes)); !advice.empty())
      std::cerr << "hidupsd: warning: " << advice << "\n\n";
    const std::string list = upsList(o.backend.value_or(hid::Backend::Auto));
    // --json keeps stdout one JSON object.
    if (!list.empty()) (o.json ? std::cerr : std::cout) << "USB HID UPSes:\n" << list << "\n";
    usb = std::make_unique<hid::UsbUpsOpener>(o.backend.value_or(hid::Backend::Auto), o.device);
  }
  auto device = openDevice(o, clock, usb.get());
  const Probe probe(*device);
  std::cout << (o.json ? probe.json() : probe.text());
  return kExitOk;
}

/// Runs `body`; a ConfigError becomes one FILE:LINE:COL line per problem, exit 1.
int runChecked(const std::function<int()>& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    for (const auto& entry : e.entries())
      std::cerr << formatEntry(entry) << "\n";
    return kExitFailure;
  }
}

/// Every error as FILE:LINE:COL: message on stderr (exit 1); then the preflight (would the
/// shutdown work?): its errors as "FILE: error: …" (exit 1), else "FILE: OK", the warnings as
/// "FILE: warning: …" on stderr and the effective config, secrets redacted, on stdout.
int runCheckConfig(const Options& o) {
  const std::string path = o.config.value_or(std::string(kDefaultConfigPath));
  return runChecked([&] {
    const Config config = loadConfig(path);
    proxmox::ProcessRunner processes;
    proxmox::BoundedRunner runner(processes, std::chrono::seconds(15));
    auto report = preflight(config, runner);
    for (auto& p : checkNutTls(config))
      report.problems.push_back(std::move(p));
    if (!report.ready()) {
      for (const auto& p : report.problems)
        std::cerr << path << ": " << (p.error ? "error: " : "warning: ") << p.text << "\n";
      return kExitFailure;
    }
    std::cout << path << ": OK\n" << std::flush;
    for (const auto& p : report.problems)
      std::cerr << path << ": warning: " << p.text << "\n";
    if (const auto w = secretsExposureWarning(path, config); !w.empty())
      std::cerr << path << ": warning: " << w << "\n";
    std::cout << redacted(config);
    return kExitOk;
  });
}

/// The config file a run reads: -c FILE, else /etc/hidupsd/hidupsd.toml;
/// with --simulate only the one given (none: the defaults).
std::optional<std::filesystem::path> configPathFor(const Options& o) {
  if (!o.config && o.simulate) return std::nullopt;
  return o.config.value_or(std::string(kDefaultConfigPath));
}

/// The monitor itself.
DaemonOptions daemonOptions(const Options& o) {
  DaemonOptions d;
  d.simulate = o.simulate;
  d.speed = o.speed;
  d.configPath = configPathFor(o);
  if (o.replay)
    throw UsageError("--replay goes with --probe or --test-event; use replay = in [device]");
  return d;
}

int runTestEventMode(const Options& o) {
  TestEventOptions t;
  t.event = o.event;
  t.really = o.really;
  t.simulate = o.simulate;
  if (o.replay) t.replay = *o.replay;
  t.configPath = configPathFor(o);
  return runTestEvent(t);
}

int runKillPowerMode(const Options& o) {
  KillPowerOptions k;
  k.configPath = configPathFor(o);
  k.replay = o.replay;
  k.simulate = o.simulate;
  k.ifFlagged = o.ifFlagged;
  return runKillPower(k);
}

int runCommandMode(const Options& o) {
  CommandOptions c;
  c.configPath = o.config.value_or(std::string(kDefaultConfigPath));
  c.name = o.command;
  c.value = o.value.value_or("");
  c.replay = o.replay;
  c.simulate = o.simulate;
  return runCommand(c);
}

int run(const Options& o) {
  switch (o.mode) {
  case Options::Mode::Status:
    return runChecked([&] {
      return runStatus({o.config.value_or(std::string(kDefaultConfigPath)), o.json});
    });
  case Options::Mode::Command: return runChecked([&] { return runCommandMode(o); });
  case Options::Mode::History:
    return runChecked([&] {
      return runHistory({o.config.value_or(std::string(kDefaultConfigPath)), o.since, o.json});
    });
  case Options::Mode::BatteryReplaced:
    return runChecked([&] {
      return runBatteryReplaced({o.config.value_or(std::string(kDefaultConfigPath)), o.date});
    });
  case Options::Mode::KillPower: return runKillPowerMode(o);
  case Options::Mode::TestEvent: {
    const notify::CurlGlobal curl; // the notifications of the event
    return runChecked([&] { return runTestEventMode(o); });
  }
  case Options::Mode::Probe: return runProbe(o);
  case Options::Mode::List: return runList(o);
  case Options::Mode::CheckConfig: return runCheckConfig(o);
  case Options::Mode::ImportNut: return runImportNut(o.nutDir, std::cout, std::cerr);
  case Options::Mode::Version: std::cout << "hidupsd " << HIDUPSD_VERSION << "\n"; return kExitOk;
  case Options::Mode::Help: std::cout << kUsage; return kExitOk;
  case Options::Mode::None: {
    const DaemonOptions d = daemonOptions(o);
    const notify::CurlGlobal curl; // the notifications
    return runChecked([&] { return runDaemon(d); });
  }
  }
  return kExitUsage;
}

} // namespace

int main(int argc, char** argv) {
  // The daemon's own listener process (src/listener.hpp), not a command for people: the
  // daemon starts it with its channel on descriptor 3.
  if (argc == 2 && std::string_view(argv[1]) == "--listener") {
    hidupsd::ListenerOptions listener;
    const int status = hidupsd::runListener(listener);
    // Its servers are stopped; nothing else to tear down. (LeakSanitizer's exit check would
    // need ptrace, which the listener's syscall filter forbids.)
    std::fflush(stderr);
    ::_exit(status);
  }
  try {
    return run(parseOptions(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const UsageError& e) {
    std::cerr << "hidupsd: " << e.what() << "\n(hidupsd --help lists the commands and options)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd: " << e.what() << "\n";
    return kExitFailure;
  }
}
