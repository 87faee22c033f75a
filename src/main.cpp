// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd: the command line.
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hidupsd_config.hpp"
#include "src/core/clock.hpp"
#include "src/probe.hpp"
#include "src/simulated_device.hpp"

namespace {

using namespace hidupsd;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage = R"(usage:
  hidupsd --probe [--json] [--replay FILE | --simulate]
                      identify the UPS, dump every descriptor field with its report
                      ID, type, bit offset, size and value, then the NUT variables
  hidupsd --version | --help

options:
  --replay FILE       use a replay file (see DESIGN.md) instead of a USB device
  --simulate          use the built-in simulated Eaton Ellipse PRO
  --json              --probe prints one JSON object {device, variables, paths}
)";

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Options {
  enum class Mode { None, Probe, Version, Help } mode = Mode::None;
  bool json = false;
  bool simulate = false;
  std::optional<std::string> replay;
};

std::string takeValue(const std::vector<std::string>& args, std::size_t& i) {
  if (i + 1 >= args.size()) throw UsageError(args[i] + " needs a value");
  return args[++i];
}

void setMode(Options& o, Options::Mode m) {
  if (o.mode != Options::Mode::None && o.mode != m) throw UsageError("choose one action");
  o.mode = m;
}

Options parseOptions(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--probe") setMode(o, Options::Mode::Probe);
    else if (a == "--version") setMode(o, Options::Mode::Version);
    else if (a == "--help" || a == "-h") setMode(o, Options::Mode::Help);
    else if (a == "--json") o.json = true;
    else if (a == "--simulate") o.simulate = true;
    else if (a == "--replay") o.replay = takeValue(args, i);
    else throw UsageError("unknown option '" + a + "'");
  }
  if (o.replay && o.simulate) throw UsageError("--replay and --simulate exclude each other");
  if (o.mode == Options::Mode::None) throw UsageError("no action given");
  return o;
}

std::unique_ptr<hid::Device> openDevice(const Options& o, core::Clock& clock) {
  if (o.simulate) return makeSimulatedEllipsePro(clock);
  if (o.replay) return std::make_unique<hid::ReplayDevice>(hid::loadReplay(*o.replay), clock);
  throw UsageError("USB device access is not built yet: use --replay FILE or --simulate");
}

int runProbe(const Options& o) {
  core::SteadyClock clock;
  auto device = openDevice(o, clock);
  const Probe probe(*device);
  std::cout << (o.json ? probe.json() : probe.text());
  return kExitOk;
}

int run(const Options& o) {
  switch (o.mode) {
  case Options::Mode::Probe: return runProbe(o);
  case Options::Mode::Version: std::cout << "hidupsd " << HIDUPSD_VERSION << "\n"; return kExitOk;
  case Options::Mode::Help: std::cout << kUsage; return kExitOk;
  case Options::Mode::None: break;
  }
  return kExitUsage;
}

} // namespace

int main(int argc, char** argv) {
  try {
    return run(parseOptions(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const UsageError& e) {
    std::cerr << "hidupsd: " << e.what() << "\n" << kUsage;
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd: " << e.what() << "\n";
    return kExitFailure;
  }
}
