// SPDX-License-Identifier: GPL-2.0-or-later
// HttpReceiver: a Discord-compatible webhook receiver on 127.0.0.1 that answers well or badly.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hidupsd::test {

/// Records every POST to /api/webhooks/... and answers as `Mode` says:
/// - Ok: 204, as Discord does with ?wait=false;
/// - Hang: holds the request until `hangFor` has passed or the receiver ends;
/// - TooManyRequests: 429 with Discord's body {"retry_after": 0.2, ...};
/// - ServerError: 500.
/// Thread rules: the accessors from any thread. The destructor releases
/// hanging requests, then stops the server.
class HttpReceiver {
public:
  enum class Mode : std::uint8_t { Ok, Hang, TooManyRequests, ServerError };

  explicit HttpReceiver(Mode mode = Mode::Ok,
                        std::chrono::milliseconds hangFor = std::chrono::seconds(3));
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  /// The webhook URL, with a token that must never appear in logs.
  std::string url() const;
  std::vector<std::string> bodies() const;
  std::vector<std::string> targets() const;
  /// When each request arrived (steady_clock, i.e. CLOCK_MONOTONIC, in seconds).
  std::vector<double> times() const;

private:
  void handle(const httplib::Request& req, httplib::Response& res);

  Mode mode_;
  std::chrono::milliseconds hangFor_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable release_;
  bool released_ = false;            // guarded
  std::vector<std::string> bodies_;  // guarded
  std::vector<std::string> targets_; // guarded
  std::vector<double> times_;        // guarded
};

/// CLOCK_MONOTONIC now, in seconds: the clock of fake_pve.py's calls.log.
double monotonicSeconds();

} // namespace hidupsd::test
