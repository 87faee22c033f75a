// SPDX-License-Identifier: GPL-2.0-or-later
// USB discovery: the UPS vendor table, device matching, the /proc holder scan, and open-failure
// advice.
#include "hid/usb_discovery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <system_error>

namespace hidupsd::hid {

namespace {

namespace fs = std::filesystem;

// Makers of USB HID Power Device UPSes, from NUT's usbhid-ups subdrivers
// (drivers/*-hid.c, hid/usb_ids.cpp). Left out on purpose: HP (03f0), ST
// Micro (0483), Microchip (04d8) and Arduino (2341, 2a03), whose ids are on
// keyboards, mice and boards too; name such a UPS with --device.
constexpr std::array kUpsVendors = {
    UpsVendor{0x0463, "Eaton/MGE"},
    UpsVendor{0x047c, "Dell (MGE family)"},
    UpsVendor{0x04b3, "IBM (MGE family)"},
    UpsVendor{0x050d, "Belkin"},
    UpsVendor{0x051d, "APC"},
    UpsVendor{0x0592, "Powerware (MGE family)"},
    UpsVendor{0x05dd, "Delta"},
    UpsVendor{0x0665, "Cypress (various)"},
    UpsVendor{0x06da, "Phoenixtec/Liebert"},
    UpsVendor{0x075d, "iDowell"},
    UpsVendor{0x0764, "CyberPower"},
    UpsVendor{0x09ae, "Tripp Lite"},
    UpsVendor{0x09d6, "KSTAR (MGE family)"},
    UpsVendor{0x0d9f, "Powercom"},
    UpsVendor{0x10af, "Liebert"},
    UpsVendor{0x1cb0, "Legrand"},
    UpsVendor{0x2b2d, "AEG (MGE family)"},
    UpsVendor{0x2e51, "Ever"},
    UpsVendor{0x2e66, "Salicru"},
    UpsVendor{0x3746, "EcoFlow"},
    UpsVendor{0x4234, "Powervar"},
};
static_assert(std::is_sorted(kUpsVendors.begin(), kUpsVendors.end(),
                             [](const UpsVendor& a, const UpsVendor& b) { return a.id < b.id; }));

constexpr std::uint16_t kPowerDevicePage = 0x84;   // HID PDC 1.0 §4
constexpr std::uint16_t kBatterySystemPage = 0x85; // HID PDC 1.0 §4
constexpr std::string_view kUdevRule = "udev/60-hidupsd.rules";

std::uint16_t parseHex16(std::string_view text, std::string_view what) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 16);
  if (text.empty() || text.size() > 4 || ec != std::errc() || ptr != end)
    throw std::invalid_argument(fmt::format("{} '{}' is not 1 to 4 hex digits", what, text));
  return static_cast<std::uint16_t>(value);
}

std::string joinStrings(const DeviceInfo& info) {
  std::string out;
  for (const auto* s : {&info.manufacturer, &info.product}) {
    if (s->empty()) continue;
    out += (out.empty() ? "" : ", ") + *s;
  }
  if (!info.serial.empty()) out += (out.empty() ? "serial " : ", serial ") + info.serial;
  return out.empty() ? "(strings unreadable)" : out;
}

std::string seenList(const std::vector<HidDeviceEntry>& all) {
  if (all.empty()) return "  USB HID devices seen: none\n";
  std::string out = "  USB HID devices seen:\n";
  for (const auto& e : all)
    out += "    " + describe(e) + "\n";
  return out;
}

std::string readComm(const fs::path& dir) {
  std::ifstream in(dir / "comm");
  std::string name;
  if (!in || !std::getline(in, name) || name.empty()) return "?";
  return name;
}

std::optional<int> pidOf(const fs::path& entry) {
  const std::string name = entry.filename().string();
  int pid = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (name.empty() || ec != std::errc() || ptr != name.data() + name.size() || pid <= 0)
    return std::nullopt;
  return pid;
}

bool holdsNode(const fs::path& processDir, const std::string& node) {
  std::error_code ec;
  fs::directory_iterator fds(processDir / "fd", ec);
  for (; !ec && fds != fs::directory_iterator(); fds.increment(ec)) {
    std::error_code linkError;
    const auto target = fs::read_symlink(fds->path(), linkError);
    if (!linkError && target == node) return true;
  }
  return false;
}

std::string holderAdvice(const Holder& h) {
  if (h.name == "usbhid-ups" || h.name.starts_with("nut"))
    // Debian 12's nut.target (enabled by nut-client) brings the driver, upsd and
    // upsmon back at boot: disable it with the rest.
    return "NUT is still running: stop and disable it with `systemctl disable --now nut.target "
           "nut-driver.target nut-driver-enumerator.path nut-driver-enumerator.service "
           "nut-server.service nut-monitor.service`";
  if (h.name == "hidupsd")
    return "the hidupsd service holds the UPS: `systemctl stop hidupsd` first (or ask it: "
           "upsc ups@localhost)";
  return fmt::format("stop that process (kill {}) or its service first", h.pid);
}

} // namespace

std::span<const UpsVendor> upsVendors() noexcept { return kUpsVendors; }

const UpsVendor* upsVendor(std::uint16_t vendorId) noexcept {
  const auto it = std::lower_bound(kUpsVendors.begin(), kUpsVendors.end(), vendorId,
                                   [](const UpsVendor& v, std::uint16_t id) { return v.id < id; });
  return it != kUpsVendors.end() && it->id == vendorId ? &*it : nullptr;
}

bool isUpsUsagePage(std::uint16_t page) noexcept {
  return page == kPowerDevicePage || page == kBatterySystemPage;
}

bool looksLikeUps(const HidDeviceEntry& entry) noexcept {
  if (entry.usagePage != 0) return isUpsUsagePage(entry.usagePage);
  return upsVendor(entry.info.vendorId) != nullptr;
}

std::vector<HidDeviceEntry> upsesAmong(const std::vector<HidDeviceEntry>& all) {
  std::vector<HidDeviceEntry> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), looksLikeUps);
  return out;
}

bool matches(const DeviceMatch& match, const HidDeviceEntry& entry) noexcept {
  const DeviceInfo& info = entry.info;
  return info.vendorId == match.vendorId && info.productId == match.productId &&
         (match.serial.empty() || info.serial == match.serial) &&
         (match.busPath.empty() || info.path == match.busPath);
}

DeviceMatch parseDeviceMatch(std::string_view spec) {
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument(fmt::format("device '{}' is not VID:PID[:SERIAL]", spec));
  DeviceMatch m;
  m.vendorId = parseHex16(spec.substr(0, colon), "vendor ID");
  const auto rest = spec.substr(colon + 1);
  const auto second = rest.find(':');
  m.productId = parseHex16(rest.substr(0, second), "product ID");
  if (second != std::string_view::npos) {
    m.serial = std::string(rest.substr(second + 1));
    if (m.serial.empty()) throw std::invalid_argument("empty serial after VID:PID:");
  }
  return m;
}

std::string describe(const DeviceMatch& match) {
  std::string out = fmt::format("{:04x}:{:04x}", match.vendorId, match.productId);
  if (!match.serial.empty()) out += " serial " + match.serial;
  if (!match.busPath.empty()) out += " at " + match.busPath;
  return out;
}

std::string describe(const HidDeviceEntry& entry) {
  const DeviceInfo& info = entry.info;
  const UpsVendor* vendor = upsVendor(info.vendorId);
  return fmt::format("{:04x}:{:04x} at {}: {}{}", info.vendorId, info.productId,
                     info.path.empty() ? "?" : info.path, joinStrings(info),
                     vendor ? fmt::format(" ({})", vendor->name) : std::string());
}

const HidDeviceEntry& chooseDevice(const std::vector<HidDeviceEntry>& all,
                                   const std::optional<DeviceMatch>& wanted) {
  const auto is = [](const DeviceMatch& m) {
    return [&m](const auto& e) { return matches(m, e); };
  };
  if (wanted) {
    const auto it = std::find_if(all.begin(), all.end(), is(*wanted));
    if (it != all.end()) return *it;
  } else {
    const DeviceMatch eaton;
    auto it = std::find_if(all.begin(), all.end(), is(eaton));
    if (it == all.end()) it = std::find_if(all.begin(), all.end(), looksLikeUps);
    if (it != all.end()) return *it;
  }
  throw UsbOpenError(noDeviceMessage(wanted, all));
}

std::string noDeviceMessage(const std::optional<DeviceMatch>& wanted,
                            const std::vector<HidDeviceEntry>& all) {
  const std::string sought =
      wanted ? "no USB device " + describe(*wanted) + " found"
             : "no USB HID UPS found (looked for an Eaton 0463:ffff, then any HID device with a "
               "UPS usage page or a UPS maker's vendor ID)";
  return fmt::format(
      "{}\n{}"
      "  - is the UPS's USB cable plugged into this host? `lsusb` lists what the kernel sees "
      "(an Eaton shows as ID 0463:ffff)\n"
      "  - if lsusb lists it but hidupsd does not, hidupsd may not read it: install the udev "
      "rule {} (the package puts it in /usr/lib/udev/rules.d/), run `udevadm control --reload "
      "&& udevadm trigger`, replug, or run as root{}",
      sought, seenList(all), kUdevRule,
      // Only when one was asked for: with none found, a list of the UPSes is empty too.
      wanted ? "\n  - another UPS: --device VID:PID[:SERIAL] (`hidupsd --list` shows the UPSes "
               "found)"
             : "");
}

std::string formatBusPath(std::uint8_t bus, std::span<const std::uint8_t> ports) {
  std::string out = std::to_string(bus);
  for (std::size_t i = 0; i < ports.size(); ++i)
    out += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
  return out;
}

std::string busPathOf(std::string_view hidapiPath) {
  return std::string(hidapiPath.substr(0, hidapiPath.find(':')));
}

std::string usbNodePath(std::uint8_t bus, std::uint8_t address) {
  return fmt::format("/dev/bus/usb/{:03}/{:03}", bus, address);
}

std::vector<Holder> findHolders(const fs::path& procRoot, const std::string& node, int excludePid) {
  std::vector<Holder> out;
  std::error_code ec;
  fs::directory_iterator it(procRoot, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto pid = pidOf(it->path());
    if (!pid || *pid == excludePid || !holdsNode(it->path(), node)) continue;
    out.push_back({*pid, readComm(it->path())});
  }
  std::sort(out.begin(), out.end(), [](const Holder& a, const Holder& b) { return a.pid < b.pid; });
  return out;
}

std::string permissionMessage(const std::string& node, std::string_view what) {
  return fmt::format(
      "permission denied opening {} ({})\n"
      "  - install the udev rule {} (the package puts it in /usr/lib/udev/rules.d/), run "
      "`udevadm control --reload && udevadm trigger` (or replug the UPS), and add yourself to "
      "group hidupsd (`adduser $USER hidupsd`, then log in again)\n"
      "  - or run as root (the daemon does)",
      node, what, kUdevRule);
}

std::string busyMessage(const std::string& node, std::string_view what,
                        const std::vector<Holder>& holders) {
  if (holders.empty())
    return fmt::format("{} ({}) is in use by another program, not visible from here: run as root "
                       "to see which, e.g. `sudo fuser -v {}`",
                       node, what, node);
  std::string out = fmt::format("{} ({}) is in use by:", node, what);
  for (const auto& h : holders)
    out += fmt::format("\n  {} (pid {}): {}", h.name, h.pid, holderAdvice(h));
  return out;
}

std::string kernelDriverMessage(std::string_view what, int interface, std::string_view why) {
  return fmt::format("the kernel driver (usbhid) holds interface {} of {} and could not be "
                     "detached: {}\n"
                     "  - another program may be using its /dev/hidraw node; or run as root",
                     interface, what, why);
}

} // namespace hidupsd::hid
