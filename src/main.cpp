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

#include "hid/hidapi_device.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "hid/usb_discovery.hpp"
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
  hidupsd --probe [--json] [--replay FILE | --simulate | --device VID:PID[:SERIAL]]
                      identify the UPS, dump every descriptor field with its report
                      ID, type, bit offset, size and value, then the NUT variables
  hidupsd --list      list the USB HID UPSes attached
  hidupsd --version | --help

options:
  --device VID:PID[:SERIAL]
                      the USB UPS to use, ids in hex (default: the first UPS found,
                      an Eaton 0463:ffff first)
  --replay FILE       use a replay file (see DESIGN.md) instead of a USB device
  --simulate          use the built-in simulated Eaton Ellipse PRO
  --json              --probe prints one JSON object {device, variables, paths}
)";

class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct Options {
  enum class Mode { None, Probe, List, Version, Help } mode = Mode::None;
  bool json = false;
  bool simulate = false;
  std::optional<std::string> replay;
  std::optional<hid::DeviceMatch> device;
};

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

void setMode(Options& o, Options::Mode m) {
  if (o.mode != Options::Mode::None && o.mode != m) throw UsageError("choose one action");
  o.mode = m;
}

Options parseOptions(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--probe") setMode(o, Options::Mode::Probe);
    else if (a == "--list") setMode(o, Options::Mode::List);
    else if (a == "--version") setMode(o, Options::Mode::Version);
    else if (a == "--help" || a == "-h") setMode(o, Options::Mode::Help);
    else if (a == "--json") o.json = true;
    else if (a == "--simulate") o.simulate = true;
    else if (a == "--replay") o.replay = takeValue(args, i);
    else if (a == "--device") o.device = parseDevice(takeValue(args, i));
    else throw UsageError("unknown option '" + a + "'");
  }
  if (int(o.replay.has_value()) + int(o.simulate) + int(o.device.has_value()) > 1)
    throw UsageError("--replay, --simulate and --device exclude each other");
  if (o.mode == Options::Mode::None) throw UsageError("no action given");
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

/// The UPSes found, one a line ("" when none).
std::string upsList(const UsbSession& usb) {
  std::string out;
  for (const auto& e : hid::upsesAmong(usb.found)) out += "  " + hid::describe(e) + "\n";
  return out;
}

std::unique_ptr<hid::Device> openDevice(const Options& o, core::Clock& clock, UsbSession* usb) {
  if (o.simulate) return makeSimulatedEllipsePro(clock);
  if (o.replay) return std::make_unique<hid::ReplayDevice>(hid::loadReplay(*o.replay), clock);
  const auto& entry = hid::chooseDevice(usb->found, o.device);
  return std::make_unique<hid::HidapiDevice>(usb->hidapi, entry);
}

int runList(const Options& o) {
  const auto usb = openUsb(o);
  const std::string list = upsList(*usb);
  if (list.empty()) throw std::runtime_error(hid::noDeviceMessage(std::nullopt, usb->found));
  std::cout << "USB HID UPSes:\n" << list;
  return kExitOk;
}

int runProbe(const Options& o) {
  core::SteadyClock clock;
  std::unique_ptr<UsbSession> usb;
  if (!o.simulate && !o.replay) {
    usb = openUsb(o);
    const std::string list = upsList(*usb);
    // --json keeps stdout one JSON object.
    if (!list.empty()) (o.json ? std::cerr : std::cout) << "USB HID UPSes:\n" << list << "\n";
  }
  auto device = openDevice(o, clock, usb.get());
  const Probe probe(*device);
  std::cout << (o.json ? probe.json() : probe.text());
  return kExitOk;
}

int run(const Options& o) {
  switch (o.mode) {
  case Options::Mode::Probe: return runProbe(o);
  case Options::Mode::List: return runList(o);
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
