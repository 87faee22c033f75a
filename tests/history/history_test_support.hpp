// SPDX-License-Identifier: GPL-2.0-or-later
// What the history's tests share: a temporary directory, snapshots, readings at given times.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/event.hpp"
#include "core/snapshot.hpp"

namespace hidupsd::test {

/// A fresh directory, removed with its content.
class HistoryDir {
public:
  HistoryDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hidupsd-history-XXXXXX");
    path_ = ::mkdtemp(pattern.data());
  }
  ~HistoryDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  HistoryDir(const HistoryDir&) = delete;
  HistoryDir& operator=(const HistoryDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline core::Clock::time_point steadyAt(double s) {
  return core::Clock::time_point{} +
         std::chrono::duration_cast<core::Clock::duration>(core::Seconds(s));
}

/// A snapshot with ups.status `status`, battery.charge, ups.load and `more`.
inline core::Snapshot upsAt(double s, const std::string& status, double charge = 100,
                            std::map<std::string, std::string> more = {}) {
  more["ups.status"] = status;
  more["battery.charge"] = std::to_string(charge);
  if (!more.count("ups.load")) more["ups.load"] = "40";
  return core::Snapshot{std::move(more), steadyAt(s)};
}

inline core::Event eventAt(double s, core::EventKind kind,
                           std::optional<core::TestInfo> test = {}) {
  core::Event e;
  e.kind = kind;
  e.time = steadyAt(s);
  e.test = std::move(test);
  return e;
}

} // namespace hidupsd::test
