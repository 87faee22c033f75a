// SPDX-License-Identifier: GPL-2.0-or-later
// HttpReceiver: cpp-httplib on 127.0.0.1:0, one handler for every webhook path.
#include "tests/support/http_receiver.hpp"

namespace hidupsd::test {

double monotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

HttpReceiver::HttpReceiver(Mode mode, std::chrono::milliseconds hangFor)
    : mode_(mode), hangFor_(hangFor) {
  server_.Post(R"(/api/webhooks/.*)",
               [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

HttpReceiver::~HttpReceiver() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  release_.notify_all();
  server_.stop();
  thread_.join();
}

void HttpReceiver::handle(const httplib::Request& req, httplib::Response& res) {
  std::unique_lock lock(mutex_);
  bodies_.push_back(req.body);
  targets_.push_back(req.target);
  times_.push_back(monotonicSeconds());
  switch (mode_) {
  case Mode::Ok: res.status = 204; break;
  case Mode::Hang:
    release_.wait_for(lock, hangFor_, [this] { return released_; });
    res.status = 204;
    break;
  case Mode::TooManyRequests:
    res.status = 429;
    res.set_content(R"({"message": "You are being rate limited.", "retry_after": 0.2, )"
                    R"("global": false})",
                    "application/json");
    break;
  case Mode::ServerError:
    res.status = 500;
    res.set_content("internal error", "text/plain");
    break;
  }
}

std::string HttpReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/api/webhooks/1/secret-token";
}

std::vector<std::string> HttpReceiver::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}

std::vector<std::string> HttpReceiver::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

std::vector<double> HttpReceiver::times() const {
  std::lock_guard lock(mutex_);
  return times_;
}

} // namespace hidupsd::test
