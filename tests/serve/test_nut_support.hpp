// SPDX-License-Identifier: GPL-2.0-or-later
// A fake UpsBackend for the NUT server tests: a settable state, recorded commands.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "serve/nut_protocol.hpp"
#include "serve/ups_backend.hpp"
#include "tests/support/log_capture.hpp"

namespace hidupsd::test {

/// Thread-safe: the server thread calls it while the test thread sets it up and checks it.
class FakeUpsBackend : public serve::UpsBackend {
public:
  FakeUpsBackend() {
    state_.everRead = true;
    state_.snapshot.variables = {
        {"battery.charge", "100"},     {"battery.runtime", "1860"},
        {"device.mfr", "EATON"},       {"input.sensitivity", "normal"},
        {"input.transfer.low", "184"}, {"ups.delay.shutdown", "20"},
        {"ups.mfr", "EATON"},          {"ups.model", "5SC 750i"},
        {"ups.status", "OL"},          {"ups.id", "rack \"A\" #1 \\ main"},
        {"battery.charge.low", "20"},
    };
    commands_ = {"beeper.disable", "beeper.enable", "load.off", "shutdown.return",
                 "test.battery.start.quick"};
    using Kind = serve::RwVariable::Kind;
    writable_ = {
        {"battery.charge.low", Kind::Range, 0, {}, {{10, 40}, {50, 60}}},
        {"input.sensitivity", Kind::Enum, 0, {"normal", "high", "low"}, {}},
        {"input.transfer.low", Kind::Number, 0, {}, {}},
        {"ups.delay.shutdown", Kind::String, 10, {}, {}},
        {"ups.id", Kind::String, 32, {}, {}},
    };
  }

  serve::UpsState state() const override {
    std::lock_guard lock(mutex_);
    return state_;
  }
  std::vector<std::string> commands() const override {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<serve::RwVariable> writable() const override {
    std::lock_guard lock(mutex_);
    return writable_;
  }
  serve::CommandStatus instantCommand(const std::string& name, const std::string& value,
                                      const serve::Requester&) override {
    std::lock_guard lock(mutex_);
    instantCalls_.emplace_back(name, value);
    return answer_;
  }
  serve::CommandStatus setVariable(const std::string& name, const std::string& value,
                                   const serve::Requester&) override {
    std::lock_guard lock(mutex_);
    setCalls_.emplace_back(name, value);
    if (answer_ == serve::CommandStatus::Ok) state_.snapshot.variables[name] = value;
    return answer_;
  }
  void forcedShutdown(const serve::Requester& by) override {
    std::lock_guard lock(mutex_);
    fsdCalls_.push_back(by.who);
    state_.snapshot.variables["ups.status"] = "FSD " + state_.snapshot.variables["ups.status"];
  }

  void set(const std::string& name, const std::string& value) {
    std::lock_guard lock(mutex_);
    state_.snapshot.variables[name] = value;
  }
  void setVariables(std::map<std::string, std::string> variables) {
    std::lock_guard lock(mutex_);
    state_.snapshot.variables = std::move(variables);
  }
  void setAvailability(bool everRead, bool stale) {
    std::lock_guard lock(mutex_);
    state_.everRead = everRead;
    state_.stale = stale;
  }
  void answerWith(serve::CommandStatus status) {
    std::lock_guard lock(mutex_);
    answer_ = status;
  }
  std::vector<std::pair<std::string, std::string>> instantCalls() const {
    std::lock_guard lock(mutex_);
    return instantCalls_;
  }
  std::vector<std::pair<std::string, std::string>> setCalls() const {
    std::lock_guard lock(mutex_);
    return setCalls_;
  }
  std::vector<std::string> fsdCalls() const {
    std::lock_guard lock(mutex_);
    return fsdCalls_;
  }

private:
  mutable std::mutex mutex_;
  serve::UpsState state_;
  std::vector<std::string> commands_;
  std::vector<serve::RwVariable> writable_;
  serve::CommandStatus answer_ = serve::CommandStatus::Ok;
  std::vector<std::pair<std::string, std::string>> instantCalls_;
  std::vector<std::pair<std::string, std::string>> setCalls_;
  std::vector<std::string> fsdCalls_;
};

/// The users the tests log in as.
inline std::vector<serve::NutUserEntry> testUsers() {
  return {
      {"monsec", "secpass", true, false, false, false, false},
      {"monpri", "pripass", false, true, false, false, false},
      {"admin", "adminpass", false, false, true, true, true},
      {"viewer", "viewpass", false, false, false, false, false},
  };
}

/// Polls `condition` every 10 ms until true or `timeout`.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

} // namespace hidupsd::test
