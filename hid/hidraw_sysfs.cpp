// SPDX-License-Identifier: GPL-2.0-or-later
// Hidraw discovery: walks /sys/class/hidraw and reads the USB attributes above each node.
#include "hid/hidraw_sysfs.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <system_error>

#include "hid/report_descriptor.hpp"

namespace hidupsd::hid {

namespace fs = std::filesystem;

namespace {

constexpr std::uint16_t kBusUsb = 0x0003; // linux/input.h BUS_USB
constexpr std::size_t kMaxAttribute = 4096;
constexpr std::size_t kMaxDescriptor = 65536;

/// A sysfs attribute, at most `limit` bytes; nullopt when unreadable.
std::optional<std::string> readFile(const fs::path& path, std::size_t limit = kMaxAttribute) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  if (in.bad()) return std::nullopt;
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

/// A one-line attribute without its newline ("" when absent: a device without that string).
std::string attribute(const fs::path& dir, const char* name) {
  std::string text = readFile(dir / name).value_or("");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
    text.pop_back();
  return text;
}

template <typename T> std::optional<T> number(std::string_view text, int base) noexcept {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// "hidraw12" → 12, for sorting; -1 for other names.
long nodeNumber(std::string_view name) noexcept {
  if (!name.starts_with("hidraw")) return -1;
  return number<long>(name.substr(6), 10).value_or(-1);
}

/// The first application collection's page and usage (0, 0 when unparsable).
void learnUsage(HidrawEntry& e) {
  const auto bytes = readFile(e.hidDir / "report_descriptor", kMaxDescriptor);
  if (!bytes) return;
  try {
    const auto d = ReportDescriptor::parse(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
    if (d.applications().empty()) return;
    e.hid.usagePage = static_cast<std::uint16_t>(d.applications().front() >> 16);
    e.hid.usage = static_cast<std::uint16_t>(d.applications().front() & 0xffff);
  } catch (const DescriptorError&) {
    // Left 0: looksLikeUps() then goes by the vendor table.
  }
}

/// Fills the USB side from the interface and device directories above `hidDir`.
bool readUsb(HidrawEntry& e) {
  const fs::path interface = e.hidDir.parent_path();
  const fs::path usb = interface.parent_path();
  const auto vid = number<std::uint16_t>(attribute(usb, "idVendor"), 16);
  const auto pid = number<std::uint16_t>(attribute(usb, "idProduct"), 16);
  const auto bus = number<std::uint8_t>(attribute(usb, "busnum"), 10);
  const auto dev = number<std::uint8_t>(attribute(usb, "devnum"), 10);
  if (!vid || !pid || !bus || !dev) return false;
  e.busNumber = *bus;
  e.deviceNumber = *dev;
  DeviceInfo& info = e.hid.info;
  info.vendorId = *vid;
  info.productId = *pid;
  info.releaseNumber = number<std::uint16_t>(attribute(usb, "bcdDevice"), 16).value_or(0);
  info.manufacturer = attribute(usb, "manufacturer");
  info.product = attribute(usb, "product");
  info.serial = attribute(usb, "serial");
  info.path = usb.filename().string();
  e.hid.interfaceNumber = number<int>(attribute(interface, "bInterfaceNumber"), 16).value_or(-1);
  return true;
}

std::optional<HidrawEntry> entryFor(const fs::directory_entry& node, const fs::path& devRoot) {
  std::error_code ec;
  HidrawEntry e;
  e.name = node.path().filename().string();
  e.node = (devRoot / e.name).string();
  e.hidDir = fs::canonical(node.path() / "device", ec);
  if (ec) return std::nullopt;
  const auto id = parseHidId(readFile(e.hidDir / "uevent").value_or(""));
  if (!id || id->bus != kBusUsb) return std::nullopt;
  if (!readUsb(e)) return std::nullopt;
  learnUsage(e);
  return e;
}

} // namespace

std::optional<HidId> parseHidId(std::string_view uevent) noexcept {
  constexpr std::string_view kKey = "HID_ID=";
  std::size_t at = 0;
  while (at < uevent.size()) {
    const auto end = std::min(uevent.find('\n', at), uevent.size());
    const auto line = uevent.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(kKey)) continue;
    const auto fields = line.substr(kKey.size()); // BBBB:VVVVVVVV:PPPPPPPP
    const auto c1 = fields.find(':');
    if (c1 == std::string_view::npos) return std::nullopt;
    const auto c2 = fields.find(':', c1 + 1);
    if (c2 == std::string_view::npos) return std::nullopt;
    const auto bus = number<std::uint32_t>(fields.substr(0, c1), 16);
    const auto vid = number<std::uint32_t>(fields.substr(c1 + 1, c2 - c1 - 1), 16);
    const auto pid = number<std::uint32_t>(fields.substr(c2 + 1), 16);
    if (!bus || !vid || !pid || *bus > 0xffff || *vid > 0xffff || *pid > 0xffff)
      return std::nullopt;
    return HidId{static_cast<std::uint16_t>(*bus), static_cast<std::uint16_t>(*vid),
                 static_cast<std::uint16_t>(*pid)};
  }
  return std::nullopt;
}

std::vector<HidrawEntry> enumerateHidraw(const fs::path& sysRoot, const fs::path& devRoot) {
  std::vector<HidrawEntry> out;
  std::error_code ec;
  for (fs::directory_iterator it(sysRoot / "class" / "hidraw", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (nodeNumber(it->path().filename().string()) < 0) continue;
    if (auto e = entryFor(*it, devRoot)) out.push_back(std::move(*e));
  }
  std::sort(out.begin(), out.end(), [](const HidrawEntry& a, const HidrawEntry& b) {
    return nodeNumber(a.name) < nodeNumber(b.name);
  });
  return out;
}

std::vector<HidDeviceEntry> hidEntriesOf(const std::vector<HidrawEntry>& entries) {
  std::vector<HidDeviceEntry> out;
  out.reserve(entries.size());
  std::transform(entries.begin(), entries.end(), std::back_inserter(out),
                 [](const HidrawEntry& e) { return e.hid; });
  return out;
}

} // namespace hidupsd::hid
