// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for the dispatcher: order, retries and backoff, overflow, stop, with fake sinks.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "notify/dispatcher.hpp"
#include "tests/support/log_capture.hpp"

using namespace hidupsd::notify;
using namespace std::chrono_literals;
using hidupsd::core::EventKind;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

/// A sink that answers from a script (the last answer repeats) and records
/// what it was given and when.
class FakeSink final : public Sink {
public:
  struct Call {
    EventKind kind;
    std::string text;
    Clock::time_point at;
  };

  FakeSink(std::string name, std::vector<Delivery> script, int retries = 3)
      : name_(std::move(name)), script_(std::move(script)), retries_(retries) {}

  std::string name() const override { return name_; }
  bool wants(EventKind kind) const noexcept override { return ignored_ != kind; }
  int retries() const noexcept override { return retries_; }
  milliseconds timeout() const noexcept override { return 1000ms; }
  Delivery deliver(const Notification& n) noexcept override {
    if (hold_ > 0ms) std::this_thread::sleep_for(hold_);
    std::lock_guard lock(mutex_);
    calls_.push_back({n.event.kind, n.progress.key, Clock::now()});
    const std::size_t i = std::min(calls_.size() - 1, script_.size() - 1);
    return script_[i];
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  void ignore(EventKind kind) { ignored_ = kind; }
  void hold(milliseconds d) { hold_ = d; }

private:
  std::string name_;
  std::vector<Delivery> script_;
  int retries_;
  std::optional<EventKind> ignored_;
  milliseconds hold_{0};
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

const Delivery kOk{};
const Delivery kRetry{Delivery::Result::Retry, 0ms, "HTTP 500"};
const Delivery kFailed{Delivery::Result::Failed, 0ms, "HTTP 404"};

Notification note(EventKind kind, std::string text = "") {
  Notification n;
  n.event.kind = kind;
  if (!text.empty()) n.progress = hidupsd::core::Phrase(std::move(text));
  return n;
}

DispatcherOptions fast(std::size_t capacity = 64) {
  DispatcherOptions o;
  o.capacity = capacity;
  o.backoffInitial = 20ms;
  o.backoffMax = 80ms;
  return o;
}

struct Built {
  std::vector<FakeSink*> sinks;
  hidupsd::test::LogCapture capture; // outlives the dispatcher's thread
  std::unique_ptr<Dispatcher> dispatcher;

  explicit Built(std::vector<std::unique_ptr<FakeSink>> owned, DispatcherOptions o = fast()) {
    std::vector<std::unique_ptr<Sink>> list;
    for (auto& s : owned) {
      sinks.push_back(s.get());
      list.push_back(std::move(s));
    }
    dispatcher = std::make_unique<Dispatcher>(std::move(list), o);
  }
  std::string log() { return capture.joined(); }
};

std::vector<std::unique_ptr<FakeSink>> sinks(std::vector<std::vector<Delivery>> scripts,
                                             int retries = 3) {
  std::vector<std::unique_ptr<FakeSink>> out;
  for (std::size_t i = 0; i < scripts.size(); ++i)
    out.push_back(
        std::make_unique<FakeSink>("fake #" + std::to_string(i + 1), scripts[i], retries));
  return out;
}

long gapMs(const FakeSink::Call& a, const FakeSink::Call& b) {
  return static_cast<long>(std::chrono::duration_cast<milliseconds>(b.at - a.at).count());
}

} // namespace

TEST_CASE("every sink gets every wanted notification, in order") {
  Built b(sinks({{kOk}, {kOk}}));
  b.sinks[1]->ignore(EventKind::Online);
  for (auto kind : {EventKind::OnBattery, EventKind::Online, EventKind::LowBattery})
    CHECK(b.dispatcher->enqueue(note(kind)));
  REQUIRE(b.dispatcher->waitIdle(2s));
  auto first = b.sinks[0]->calls();
  REQUIRE(first.size() == 3);
  CHECK(first[0].kind == EventKind::OnBattery);
  CHECK(first[1].kind == EventKind::Online);
  CHECK(first[2].kind == EventKind::LowBattery);
  auto second = b.sinks[1]->calls();
  REQUIRE(second.size() == 2);
  CHECK(second[1].kind == EventKind::LowBattery);
  CHECK(b.dispatcher->stats().delivered == 5);
  CHECK(b.log().find("fake #1: onbatt delivered") != std::string::npos);
}

TEST_CASE("Retry backs off exponentially, then succeeds") {
  Built b(sinks({{kRetry, kRetry, kRetry, kOk}}));
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  REQUIRE(b.dispatcher->waitIdle(3s));
  auto calls = b.sinks[0]->calls();
  REQUIRE(calls.size() == 4);
  CHECK(gapMs(calls[0], calls[1]) >= 20);
  CHECK(gapMs(calls[1], calls[2]) >= 40);
  CHECK(gapMs(calls[2], calls[3]) >= 80);
  auto s = b.dispatcher->stats();
  CHECK(s.retried == 3);
  CHECK(s.delivered == 1);
  CHECK(s.failed == 0);
  CHECK(b.log().find("fake #1: HTTP 500, retry in 20 ms") != std::string::npos);
  CHECK(b.log().find("retry in 80 ms") != std::string::npos);
}

TEST_CASE("backoff is capped and retries are limited") {
  Built b(sinks({{kRetry}}, 4));
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  REQUIRE(b.dispatcher->waitIdle(3s));
  auto calls = b.sinks[0]->calls();
  REQUIRE(calls.size() == 5);             // the first attempt and 4 retries
  CHECK(gapMs(calls[3], calls[4]) < 160); // 80 ms cap, not 160
  auto s = b.dispatcher->stats();
  CHECK(s.retried == 4);
  CHECK(s.failed == 1);
  CHECK(b.log().find("fake #1: gave up on onbatt after 5 attempts: HTTP 500") != std::string::npos);
}

TEST_CASE("retryAfter is honoured when longer than the backoff") {
  Built b(sinks({{Delivery{Delivery::Result::Retry, 200ms, "HTTP 429"}, kOk}}));
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  REQUIRE(b.dispatcher->waitIdle(3s));
  auto calls = b.sinks[0]->calls();
  REQUIRE(calls.size() == 2);
  CHECK(gapMs(calls[0], calls[1]) >= 200);
  CHECK(b.log().find("fake #1: HTTP 429, retry in 200 ms") != std::string::npos);
}

TEST_CASE("Failed is not retried") {
  Built b(sinks({{kFailed}, {kOk}}));
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  REQUIRE(b.dispatcher->waitIdle(2s));
  CHECK(b.sinks[0]->calls().size() == 1);
  CHECK(b.sinks[1]->calls().size() == 1);
  auto s = b.dispatcher->stats();
  CHECK(s.failed == 1);
  CHECK(s.retried == 0);
  CHECK(s.delivered == 1);
  CHECK(b.log().find("fake #1: onbatt failed: HTTP 404") != std::string::npos);
}

TEST_CASE("a sink in backoff does not hold the others back, and keeps its own order") {
  Built b(sinks({{Delivery{Delivery::Result::Retry, 300ms, "HTTP 429"}, kOk}, {kOk}}));
  const auto start = Clock::now();
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  b.dispatcher->enqueue(note(EventKind::Online));
  REQUIRE(b.dispatcher->waitIdle(3s));
  auto fast = b.sinks[1]->calls();
  REQUIRE(fast.size() == 2);
  CHECK(fast[1].at - start < 200ms);
  auto slow = b.sinks[0]->calls();
  REQUIRE(slow.size() == 3);
  CHECK(slow[1].kind == EventKind::OnBattery);
  CHECK(slow[2].kind == EventKind::Online);
}

TEST_CASE("a full queue drops the oldest non-critical notification") {
  auto owned = sinks({{kOk}});
  owned[0]->hold(100ms); // the first delivery keeps the thread busy while we fill
  Built b(std::move(owned), fast(3));
  CHECK(b.dispatcher->enqueue(note(EventKind::OnBattery, "1")));
  std::this_thread::sleep_for(20ms); // "1" is in flight, still queued
  CHECK(b.dispatcher->enqueue(note(EventKind::Shutdown, "2")));
  CHECK(b.dispatcher->enqueue(note(EventKind::Online, "3")));
  CHECK(b.dispatcher->enqueue(note(EventKind::CommBad, "4"))); // drops "1" (in flight)
  CHECK(b.dispatcher->enqueue(note(EventKind::CommOk, "5")));  // drops "3"
  REQUIRE(b.dispatcher->waitIdle(3s));
  std::vector<std::string> texts;
  for (auto& c : b.sinks[0]->calls())
    texts.push_back(c.text);
  CHECK(texts == std::vector<std::string>{"1", "2", "4", "5"});
  CHECK(b.dispatcher->stats().dropped == 2);
  CHECK(b.log().find("queue full: dropped online") != std::string::npos);
}

TEST_CASE("critical notifications are never dropped") {
  auto owned = sinks({{kOk}});
  owned[0]->hold(100ms);
  Built b(std::move(owned), fast(2));
  CHECK(b.dispatcher->enqueue(note(EventKind::LowBattery, "1")));
  std::this_thread::sleep_for(20ms);
  CHECK(b.dispatcher->enqueue(note(EventKind::Shutdown, "2")));
  CHECK_FALSE(b.dispatcher->enqueue(note(EventKind::OnBattery, "3"))); // all critical: new one goes
  CHECK(b.dispatcher->enqueue(note(EventKind::Fsd, "4")));             // grows by one
  REQUIRE(b.dispatcher->waitIdle(3s));
  std::vector<std::string> texts;
  for (auto& c : b.sinks[0]->calls())
    texts.push_back(c.text);
  CHECK(texts == std::vector<std::string>{"1", "2", "4"});
  CHECK(b.dispatcher->stats().dropped == 1);
}

TEST_CASE("stop with grace ends in bounded time even if a sink always says Retry") {
  DispatcherOptions o = fast();
  o.backoffInitial = 5s; // a wait that stop() must cut short
  o.backoffMax = 60s;
  Built b(sinks({{kRetry}, {kOk}}, 1000), o);
  b.dispatcher->enqueue(note(EventKind::Shutdown));
  std::this_thread::sleep_for(50ms);
  const auto start = Clock::now();
  b.dispatcher->stop(300ms);
  const auto took = Clock::now() - start;
  CHECK(took < 1500ms);
  CHECK(b.sinks[0]->calls().size() == 2); // retried once at stop(), the next wait is too long
  CHECK(b.sinks[1]->calls().size() == 1);
  auto s = b.dispatcher->stats();
  CHECK(s.dropped == 1);
  CHECK(s.delivered == 1);
  CHECK_FALSE(b.dispatcher->enqueue(note(EventKind::Online)));
  b.dispatcher->stop(); // idempotent
}

TEST_CASE("stop delivers what is pending within the grace, and returns early when done") {
  auto owned = sinks({{kOk}});
  owned[0]->hold(30ms);
  Built b(std::move(owned));
  for (int i = 0; i < 5; ++i)
    b.dispatcher->enqueue(note(EventKind::OnBattery, std::to_string(i)));
  const auto start = Clock::now();
  b.dispatcher->stop(3s);
  CHECK(Clock::now() - start < 1s);
  CHECK(b.sinks[0]->calls().size() == 5);
  CHECK(b.dispatcher->stats().dropped == 0);
}

TEST_CASE("a notification no sink wants is not queued") {
  Built b(sinks({{kOk}}));
  b.sinks[0]->ignore(EventKind::CommOk);
  CHECK(b.dispatcher->enqueue(note(EventKind::CommOk)));
  CHECK(b.dispatcher->waitIdle(100ms));
  CHECK(b.sinks[0]->calls().empty());
}

TEST_CASE("destroying a busy dispatcher does not hang") {
  const auto start = Clock::now();
  {
    Built b(sinks({{kRetry}}, 1000));
    b.dispatcher->enqueue(note(EventKind::OnBattery));
    std::this_thread::sleep_for(30ms);
  }
  CHECK(Clock::now() - start < 1s);
}

TEST_CASE("stop ends at the grace when short retries keep coming") {
  Built b(sinks({{kRetry}}, 1000));
  b.dispatcher->enqueue(note(EventKind::OnBattery));
  std::this_thread::sleep_for(30ms);
  const auto start = Clock::now();
  b.dispatcher->stop(300ms);
  const auto took = Clock::now() - start;
  CHECK(took >= 150ms); // ends when the next retry (80 ms away at most) falls after the grace
  CHECK(took < 1s);
  CHECK(b.dispatcher->stats().dropped == 1);
  CHECK(b.log().find("stopping: 1 notification(s) not delivered") != std::string::npos);
}
