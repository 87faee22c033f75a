// SPDX-License-Identifier: GPL-2.0-or-later
// HidrawNode: the only file that includes linux/hidraw.h; hidraw(4) ioctls, poll and read.
#include "hid/hidraw_node.hpp"

#include <fcntl.h>
#include <linux/hidraw.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

namespace hidupsd::hid {

namespace {

[[noreturn]] void throwErrno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

/// An ioctl that EINTR does not fail.
template <typename Arg> int retryIoctl(int fd, unsigned long request, Arg arg) {
  int r = 0;
  do {
    r = ::ioctl(fd, request, arg);
  } while (r < 0 && errno == EINTR);
  return r;
}

int clampMs(std::chrono::milliseconds t) {
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(t.count(), 0, INT_MAX));
}

} // namespace

HidrawNode::HidrawNode(const std::string& path)
    : node_(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK)) {
  if (!node_.valid()) throwErrno("open");
}

HidrawInfo HidrawNode::info() {
  hidraw_devinfo raw{};
  if (retryIoctl(node_.get(), HIDIOCGRAWINFO, &raw) < 0) throwErrno("HIDIOCGRAWINFO");
  return {raw.bustype, static_cast<std::uint16_t>(raw.vendor),
          static_cast<std::uint16_t>(raw.product)};
}

std::vector<std::uint8_t> HidrawNode::reportDescriptor() {
  int size = 0;
  if (retryIoctl(node_.get(), HIDIOCGRDESCSIZE, &size) < 0) throwErrno("HIDIOCGRDESCSIZE");
  hidraw_report_descriptor desc{};
  desc.size = static_cast<__u32>(std::clamp(size, 0, HID_MAX_DESCRIPTOR_SIZE));
  if (retryIoctl(node_.get(), HIDIOCGRDESC, &desc) < 0) throwErrno("HIDIOCGRDESC");
  return {desc.value, desc.value + desc.size};
}

std::vector<std::uint8_t> HidrawNode::getFeature(std::uint8_t id, std::size_t length) {
  std::vector<std::uint8_t> buffer(std::max<std::size_t>(length, 1));
  buffer[0] = id;
  const int n = retryIoctl(node_.get(), HIDIOCGFEATURE(buffer.size()), buffer.data());
  if (n < 0) throwErrno("HIDIOCGFEATURE");
  buffer.resize(std::min(buffer.size(), static_cast<std::size_t>(n)));
  return buffer;
}

void HidrawNode::setFeature(std::span<const std::uint8_t> report) {
  std::vector<std::uint8_t> buffer(report.begin(), report.end());
  if (retryIoctl(node_.get(), HIDIOCSFEATURE(buffer.size()), buffer.data()) < 0)
    throwErrno("HIDIOCSFEATURE");
}

std::optional<std::vector<std::uint8_t>> HidrawNode::readInput(std::chrono::milliseconds timeout,
                                                               std::size_t maxLength) {
  pollfd p{node_.get(), POLLIN, 0};
  const int ready = ::poll(&p, 1, clampMs(timeout));
  if (ready < 0 && errno == EINTR) return std::nullopt; // the caller's loop tries again
  if (ready < 0) throwErrno("poll");
  if (ready == 0) return std::nullopt;
  // An unplugged device: hidraw wakes readers with POLLHUP/POLLERR, read() gives ENODEV.
  std::vector<std::uint8_t> buffer(std::max<std::size_t>(maxLength, 1));
  const ssize_t n = ::read(node_.get(), buffer.data(), buffer.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return std::nullopt;
  if (n < 0) throwErrno("read");
  if (n == 0) throw std::system_error(ENODEV, std::generic_category(), "read");
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

} // namespace hidupsd::hid
