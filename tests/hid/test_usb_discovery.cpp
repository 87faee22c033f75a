// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for USB discovery: UPS vendors, device matching, the /proc holder scan, messages, the CLI.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "hid/device.hpp"
#include "hid/hidapi_device.hpp"
#include "hid/usb_discovery.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd::hid;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

HidDeviceEntry entry(std::uint16_t vid, std::uint16_t pid, std::string serial = "",
                     std::string path = "1-4", std::uint16_t page = 0) {
  HidDeviceEntry e;
  e.info.vendorId = vid;
  e.info.productId = pid;
  e.info.serial = std::move(serial);
  e.info.path = path;
  e.hidapiPath = path + ":1.0";
  e.usagePage = page;
  return e;
}

/// A scratch directory removed at scope exit.
struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hidupsd-usb-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path / "700" / "fd", fs::perms::owner_all, ec);
    fs::remove_all(path, ec);
  }
  fs::path path;
};

void writeFile(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

void linkFd(const fs::path& process, int fd, const std::string& target) {
  fs::create_directories(process / "fd");
  fs::create_symlink(target, process / "fd" / std::to_string(fd));
}

} // namespace

// --- discovery ---

TEST_CASE("usb: UPS vendor table") {
  const auto vendors = upsVendors();
  CHECK(vendors.size() >= 13);
  for (std::size_t i = 1; i < vendors.size(); ++i)
    CHECK(vendors[i - 1].id < vendors[i].id);
  for (const int id : {0x0463, 0x051d, 0x0764, 0x050d, 0x09ae, 0x06da, 0x10af, 0x0665, 0x0d9f,
                       0x2b2d, 0x047c, 0x0592, 0x04b3}) {
    CAPTURE(id);
    CHECK(upsVendor(static_cast<std::uint16_t>(id)) != nullptr);
  }
  CHECK(std::string(upsVendor(0x0463)->name) == "Eaton/MGE");
  CHECK(upsVendor(0x046d) == nullptr); // Logitech
  CHECK(upsVendor(0x03f0) == nullptr); // HP: keyboards and mice too
  CHECK(isUpsUsagePage(0x84));
  CHECK(isUpsUsagePage(0x85));
  CHECK_FALSE(isUpsUsagePage(0x01));
}

TEST_CASE("usb: which HID devices look like UPSes") {
  CHECK(looksLikeUps(entry(0x0463, 0xffff)));                        // vendor, page unknown
  CHECK_FALSE(looksLikeUps(entry(0x046d, 0xc52b)));                  // a mouse receiver
  CHECK(looksLikeUps(entry(0x1234, 0x0001, "", "1-1", 0x84)));       // unknown maker, UPS page
  CHECK_FALSE(looksLikeUps(entry(0x0463, 0x0001, "", "1-1", 0x01))); // page known: not a UPS
  const auto upses = upsesAmong({entry(0x046d, 1), entry(0x051d, 2), entry(0x0463, 0xffff)});
  REQUIRE(upses.size() == 2);
  CHECK(upses[0].info.vendorId == 0x051d);
}

TEST_CASE("usb: device matching by ids, serial and bus path") {
  const DeviceMatch eaton;
  CHECK(matches(eaton, entry(0x0463, 0xffff, "G355")));
  CHECK_FALSE(matches(eaton, entry(0x0463, 0x0001)));
  CHECK_FALSE(matches(eaton, entry(0x051d, 0xffff)));
  DeviceMatch serial{0x0463, 0xffff, "G355", ""};
  CHECK(matches(serial, entry(0x0463, 0xffff, "G355")));
  CHECK_FALSE(matches(serial, entry(0x0463, 0xffff, "G356")));
  DeviceMatch path{0x0463, 0xffff, "", "1-4.2"};
  CHECK(matches(path, entry(0x0463, 0xffff, "", "1-4.2")));
  CHECK_FALSE(matches(path, entry(0x0463, 0xffff, "", "1-4")));
}

TEST_CASE("usb: --device VID:PID[:SERIAL]") {
  const auto m = parseDeviceMatch("0463:FFFF");
  CHECK(m.vendorId == 0x0463);
  CHECK(m.productId == 0xffff);
  CHECK(m.serial.empty());
  const auto s = parseDeviceMatch("51d:2:AS1234:5");
  CHECK(s.vendorId == 0x051d);
  CHECK(s.productId == 0x0002);
  CHECK(s.serial == "AS1234:5");
  CHECK(describe(s) == "051d:0002 serial AS1234:5");
  for (const char* bad : {"0463", "0463:", ":ffff", "04634:ffff", "0463:fffg", "x:1",
                          "0463:ffff:", "-1:2", "0x463:ffff"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parseDeviceMatch(bad), std::invalid_argument);
  }
}

TEST_CASE("usb: choosing the device, and the no-device message") {
  const std::vector<HidDeviceEntry> all = {entry(0x046d, 1, "", "1-1"), entry(0x051d, 2, "", "1-2"),
                                           entry(0x0463, 0xffff, "G355", "1-4.2")};
  CHECK(chooseDevice(all, std::nullopt).info.path == "1-4.2"); // Eaton first
  CHECK(chooseDevice({all[0], all[1]}, std::nullopt).info.path == "1-2");
  CHECK(chooseDevice(all, DeviceMatch{0x046d, 1, "", ""}).info.path == "1-1"); // named: any HID
  try {
    chooseDevice({all[0]}, std::nullopt);
    FAIL("no error");
  } catch (const UsbOpenError& e) {
    const std::string m = e.what();
    CHECK(m.find("no USB HID UPS found") != std::string::npos);
    CHECK(m.find("0463:ffff") != std::string::npos);
    CHECK(m.find("046d:0001 at 1-1") != std::string::npos); // what was seen
    CHECK(m.find("lsusb") != std::string::npos);
    CHECK(m.find("udev/60-hidupsd.rules") != std::string::npos);
  }
  const auto m = noDeviceMessage(DeviceMatch{0x0463, 0xffff, "X1", ""}, {});
  CHECK(m.find("no USB device 0463:ffff serial X1 found") == 0);
  CHECK(m.find("USB HID devices seen: none") != std::string::npos);
}

TEST_CASE("usb: one line per device") {
  auto e = entry(0x0463, 0xffff, "G355", "1-4.2");
  e.info.manufacturer = "EATON";
  e.info.product = "Ellipse PRO";
  CHECK(describe(e) == "0463:ffff at 1-4.2: EATON, Ellipse PRO, serial G355 (Eaton/MGE)");
  CHECK(describe(entry(0x046d, 1, "", "")) == "046d:0001 at ?: (strings unreadable)");
}

TEST_CASE("usb: bus paths and device nodes") {
  const std::uint8_t ports[] = {4, 2};
  CHECK(formatBusPath(1, ports) == "1-4.2");
  CHECK(formatBusPath(3, std::span<const std::uint8_t>()) == "3");
  CHECK(busPathOf("1-4.2:1.0") == "1-4.2");
  CHECK(busPathOf("2-1") == "2-1");
  CHECK(usbNodePath(1, 5) == "/dev/bus/usb/001/005");
  CHECK(usbNodePath(12, 127) == "/dev/bus/usb/012/127");
}

// --- who holds the device ---

TEST_CASE("usb: /proc holder scan on a fake tree") {
  TempDir tmp;
  const fs::path proc = tmp.path;
  const std::string node = "/dev/bus/usb/001/005";
  writeFile(proc / "100" / "comm", "usbhid-ups\n");
  linkFd(proc / "100", 0, "/dev/null");
  linkFd(proc / "100", 5, node);
  writeFile(proc / "200" / "comm", "bash\n");
  linkFd(proc / "200", 1, "/dev/pts/0");
  writeFile(proc / "300" / "comm", "hidupsd\n"); // ourselves
  linkFd(proc / "300", 4, node);
  linkFd(proc / "400", 3, node); // no comm: name unknown
  writeFile(proc / "500" / "fd", "not a directory");
  writeFile(proc / "600" / "fd" / "7", "not a link");
  linkFd(proc / "self", 9, node); // not a pid
  linkFd(proc / "12abc", 9, node);
  linkFd(proc / "700", 2, node);
  fs::permissions(proc / "700" / "fd", fs::perms::none); // unreadable unless root
  writeFile(proc / "uptime", "1 2\n");

  auto holders = findHolders(proc, node, 300);
  if (::geteuid() == 0) { // root reads mode-000 directories
    REQUIRE(holders.size() == 3);
    CHECK(holders.back() == Holder{700, "?"});
    holders.pop_back();
  }
  CHECK(holders == std::vector<Holder>{{100, "usbhid-ups"}, {400, "?"}});
  CHECK(findHolders(proc, "/dev/bus/usb/001/006", 300).empty());
  CHECK(findHolders(proc / "missing", node, 300).empty());
}

TEST_CASE("usb: open-failure messages a user can act on") {
  const std::string node = "/dev/bus/usb/001/005";
  const auto perm = permissionMessage(node, "0463:ffff at 1-4");
  CHECK(perm.find("permission denied opening /dev/bus/usb/001/005 (0463:ffff at 1-4)") == 0);
  CHECK(perm.find("udev/60-hidupsd.rules") != std::string::npos);
  CHECK(perm.find("root") != std::string::npos);

  const auto nut = busyMessage(node, "0463:ffff at 1-4", {{1234, "usbhid-ups"}});
  CHECK(nut.find("usbhid-ups (pid 1234)") != std::string::npos);
  CHECK(nut.find("systemctl disable --now nut.target nut-driver.target") != std::string::npos);
  CHECK(nut.find("nut-monitor.service") != std::string::npos);
  const auto self = busyMessage(node, "x", {{77, "hidupsd"}});
  CHECK(self.find("systemctl stop hidupsd") != std::string::npos);
  const auto other = busyMessage(node, "x", {{55, "python3"}});
  CHECK(other.find("python3 (pid 55)") != std::string::npos);
  const auto unseen = busyMessage(node, "x", {});
  CHECK(unseen.find("run as root") != std::string::npos);

  const auto kernel = kernelDriverMessage("0463:ffff at 1-4", 0, "Resource busy");
  CHECK(kernel.find("interface 0") != std::string::npos);
  CHECK(kernel.find("Resource busy") != std::string::npos);
}

// --- the command line, on this machine ---

TEST_CASE("usb: hidupsd --probe without a UPS says what to do") {
  const auto bin = hidupsd::test::hidupsdBinary().string();
  if (hidupsd::test::runProcess({bin, "--list"}).status == 0) {
    MESSAGE("a USB HID UPS is attached here: the no-device case cannot be checked (skipped)");
    return;
  }
  const auto r = hidupsd::test::runProcess({bin, "--probe"});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("0463:ffff") != std::string::npos);
  CHECK(r.err.find("udev/60-hidupsd.rules") != std::string::npos);
  CHECK(r.err.find("lsusb") != std::string::npos);
  const auto named = hidupsd::test::runProcess({bin, "--probe", "--device", "051d:0002:AB12"});
  CHECK(named.status == 1);
  CHECK(named.err.find("no USB device 051d:0002 serial AB12 found") != std::string::npos);
}

TEST_CASE("usb: --device errors are usage errors") {
  const auto bin = hidupsd::test::hidupsdBinary().string();
  for (const char* bad : {"0463", "0463:zz", "12345:1"}) {
    CAPTURE(bad);
    const auto r = hidupsd::test::runProcess({bin, "--probe", "--device", bad});
    CHECK(r.status == 2);
    CHECK(r.err.find("--device") != std::string::npos);
  }
  CHECK(hidupsd::test::runProcess({bin, "--probe", "--device"}).status == 2);
  CHECK(hidupsd::test::runProcess({bin, "--probe", "--simulate", "--device", "0463:ffff"}).status ==
        2);
}

TEST_CASE("usb: a real UPS (HIDUPSD_TEST_USB=1 with one attached)") {
  if (std::getenv("HIDUPSD_TEST_USB") == nullptr) {
    MESSAGE("needs a USB HID UPS: set HIDUPSD_TEST_USB=1 to run (skipped)");
    return;
  }
  const HidapiInit init;
  const auto all = enumerateHid(init);
  const auto& chosen = chooseDevice(all, std::nullopt);
  HidapiDevice device(init, chosen);
  CHECK(device.info().vendorId == chosen.info.vendorId);
  CHECK(device.info().path == chosen.info.path);
  CHECK(device.reportDescriptor().size() > 0);
  (void)device.readInput(100ms); // must return within its timeout, report or not
}
