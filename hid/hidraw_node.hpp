// SPDX-License-Identifier: GPL-2.0-or-later
// HidrawNode: the real HidrawIo, one owned descriptor on /dev/hidrawN.
#pragma once

#include <string>

#include "hid/hidraw_io.hpp"
#include "lib/unique_fd.hpp"

namespace hidupsd::hid {

/// An open /dev/hidrawN (O_RDWR, O_CLOEXEC, O_NONBLOCK: reads wait in
/// poll() so that a timeout is ours). Owns the descriptor; move-only.
/// Thread rules and errors: as HidrawIo.
class HidrawNode final : public HidrawIo {
public:
  /// Opens `path`. Throws std::system_error with the errno of open(2)
  /// (EACCES: the udev rule has not granted the node).
  explicit HidrawNode(const std::string& path);

  HidrawInfo info() override;
  std::vector<std::uint8_t> reportDescriptor() override;
  std::vector<std::uint8_t> getFeature(std::uint8_t id, std::size_t length) override;
  void setFeature(std::span<const std::uint8_t> report) override;
  std::optional<std::vector<std::uint8_t>> readInput(std::chrono::milliseconds timeout,
                                                     std::size_t maxLength) override;

private:
  lib::UniqueFd node_;
};

} // namespace hidupsd::hid
