// SPDX-License-Identifier: GPL-2.0-or-later
// The hidraw backend against a real kernel hidraw node that /dev/uhid creates from a fixture.
// Exits 77 (skipped) where the kernel has no uhid (CONFIG_UHID unset) or /dev/uhid is not ours.
#include <fcntl.h>
#include <linux/uhid.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "hid/hidraw_device.hpp"
#include "hid/hidraw_node.hpp"
#include "hid/replay_file.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

namespace {

constexpr int kSkip = 77;
constexpr const char* kFixture = "eaton-3s-700";
int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}

/// The kernel side of the fake UPS: answers GET_REPORT / SET_REPORT from the
/// fixture's feature reports on its own thread until stopped.
class UhidUps {
public:
  UhidUps(int fd, const hid::ReplayScript& script) : fd_(fd) {
    for (const auto& r : script.features)
      features_[r.front()] = r;
  }
  ~UhidUps() { stop(); }

  void create(const hid::ReplayScript& script, const std::string& uniq) {
    uhid_event ev{};
    ev.type = UHID_CREATE2;
    std::snprintf(reinterpret_cast<char*>(ev.u.create2.name), sizeof ev.u.create2.name,
                  "hidupsd test UPS");
    std::snprintf(reinterpret_cast<char*>(ev.u.create2.uniq), sizeof ev.u.create2.uniq, "%s",
                  uniq.c_str());
    ev.u.create2.rd_size = static_cast<__u16>(script.descriptor.size());
    ev.u.create2.bus = 0x03; // BUS_USB
    ev.u.create2.vendor = script.device.vendorId;
    ev.u.create2.product = script.device.productId;
    std::memcpy(ev.u.create2.rd_data, script.descriptor.data(), script.descriptor.size());
    write(ev);
    thread_ = std::thread([this] { serve(); });
  }

  void input(const std::vector<std::uint8_t>& report) {
    uhid_event ev{};
    ev.type = UHID_INPUT2;
    ev.u.input2.size = static_cast<__u16>(report.size());
    std::memcpy(ev.u.input2.data, report.data(), report.size());
    write(ev);
  }

  void destroy() {
    uhid_event ev{};
    ev.type = UHID_DESTROY;
    write(ev);
  }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  std::vector<std::vector<std::uint8_t>> sets() const { return sets_; }

private:
  void write(const uhid_event& ev) const {
    if (::write(fd_, &ev, sizeof ev) != static_cast<ssize_t>(sizeof ev))
      throw std::runtime_error(std::string("uhid write: ") + std::strerror(errno));
  }

  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      uhid_event ev{};
      if (::read(fd_, &ev, sizeof ev) <= 0) continue;
      if (ev.type == UHID_GET_REPORT) answerGet(ev.u.get_report);
      if (ev.type == UHID_SET_REPORT) answerSet(ev.u.set_report);
    }
  }

  void answerGet(const uhid_get_report_req& req) {
    uhid_event reply{};
    reply.type = UHID_GET_REPORT_REPLY;
    reply.u.get_report_reply.id = req.id;
    const auto it = features_.find(req.rnum);
    if (req.rtype != UHID_FEATURE_REPORT || it == features_.end()) {
      reply.u.get_report_reply.err = EPIPE; // a STALL, as a device refusing the ID
    } else {
      reply.u.get_report_reply.size = static_cast<__u16>(it->second.size());
      std::memcpy(reply.u.get_report_reply.data, it->second.data(), it->second.size());
    }
    write(reply);
  }

  void answerSet(const uhid_set_report_req& req) {
    sets_.emplace_back(req.data, req.data + req.size);
    uhid_event reply{};
    reply.type = UHID_SET_REPORT_REPLY;
    reply.u.set_report_reply.id = req.id;
    write(reply);
  }

  int fd_;
  std::map<std::uint8_t, std::vector<std::uint8_t>> features_;
  std::vector<std::vector<std::uint8_t>> sets_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// /dev/hidrawN of the HID device whose uevent carries HID_UNIQ=`uniq`.
std::string findNode(const std::string& uniq) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/sys/class/hidraw", ec)) {
      std::ifstream in(e.path() / "device" / "uevent");
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find("HID_UNIQ=" + uniq + "\n") != std::string::npos)
        return "/dev/" + e.path().filename().string();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {};
}

int skip(const std::string& why) {
  std::cout << "SKIP: " << why
            << " — the hidraw backend is tested through its ioctl interface and a fake sysfs "
               "tree (test_hid) only\n";
  return kSkip;
}

int run(int uhid) {
  const auto script = hid::loadReplay(t::fixturesDir() / (std::string(kFixture) + ".replay"));
  UhidUps ups(uhid, script);
  const std::string uniq = "hidupsd-" + std::to_string(::getpid());
  ups.create(script, uniq);
  const std::string node = findNode(uniq);
  if (node.empty()) return skip("the uhid device got no hidraw node (CONFIG_HIDRAW?)");
  check(true, "hidraw node " + node);

  hid::HidrawEntry entry;
  entry.hid.info = script.device;
  entry.hid.info.path = "uhid";
  entry.node = node;
  hid::HidrawDevice device(entry, std::make_unique<hid::HidrawNode>(node), nullptr);
  check(device.reportDescriptor() == script.descriptor,
        "HIDIOCGRDESC gives the fixture's descriptor");
  for (const auto& r : script.features)
    check(device.getFeatureReport(r.front()) == r,
          "HIDIOCGFEATURE " + std::to_string(r.front()) + " gives the fixture's bytes");
  device.setFeatureReport(script.features.front());
  if (!script.inputs.empty()) {
    ups.input(script.inputs.front());
    const auto in = device.readInput(std::chrono::milliseconds(2000));
    check(in && *in == script.inputs.front(), "read() gives the input report sent");
  }
  ups.stop();
  check(!ups.sets().empty() && ups.sets().front() == script.features.front(),
        "HIDIOCSFEATURE reached the device");
  ups.destroy();
  try {
    device.getFeatureReport(script.features.front().front());
    check(false, "a destroyed device answers");
  } catch (const hid::DeviceError& e) {
    check(e.kind() == hid::DeviceError::Kind::Disconnected, std::string("gone: ") + e.what());
  }
  return failures == 0 ? 0 : 1;
}

} // namespace

int main() {
  if (!fs::exists("/dev/uhid"))
    return skip("/dev/uhid is missing (this kernel has no CONFIG_UHID)");
  const int fd = ::open("/dev/uhid", O_RDWR | O_CLOEXEC);
  if (fd < 0) return skip(std::string("cannot open /dev/uhid: ") + std::strerror(errno));
  int status = 1;
  try {
    status = run(fd);
  } catch (const std::exception& e) {
    std::cout << "FAIL " << e.what() << "\n";
  }
  ::close(fd);
  return status;
}
