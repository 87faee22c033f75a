// SPDX-License-Identifier: GPL-2.0-or-later
// The pure pieces of a device that heals: the refusal schedule and the healing ladder.
#include <doctest/doctest.h>

#include "ups/healing_ladder.hpp"
#include "ups/report_schedule.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
using Step = HealingLadder::Step;
using Kind = ReportSchedule::Change::Kind;
using Failure = ReportSchedule::Failure;

namespace {

const core::Clock::time_point t0{};

std::vector<std::uint8_t> ids(std::initializer_list<int> list) {
  std::vector<std::uint8_t> out;
  for (const int i : list)
    out.push_back(static_cast<std::uint8_t>(i));
  return out;
}

} // namespace

TEST_CASE("a refused report leaves the poll once, is retried with back-off, and comes back once") {
  ReportSchedule s(ids({0x01, 0x09, 0x25}));
  CHECK(s.due(t0) == ids({0x01, 0x09, 0x25}));
  const auto left = s.failed(0x09, Failure::Refused, t0, "no Feature report 0x09");
  REQUIRE(left);
  CHECK(left->kind == Kind::Refused);
  CHECK(left->retryIn == 1min);
  CHECK(left->why == "no Feature report 0x09");
  CHECK(s.refused(0x09));
  CHECK(s.due(t0 + 2s) == ids({0x01, 0x25}));
  CHECK(s.nextRetry() == t0 + 1min);
  CHECK(s.due(t0 + 1min) == ids({0x01, 0x09, 0x25}));
  // Retries that fail are quiet and wait twice as long each time, up to an hour.
  CHECK_FALSE(s.failed(0x09, Failure::Refused, t0 + 1min, "again"));
  CHECK(s.nextRetry() == t0 + 3min);
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(s.failed(0x09, Failure::Refused, t0 + 3min, "again"));
  CHECK(*s.nextRetry() - (t0 + 3min) == 1h);
  const auto back = s.answered(0x09, t0 + 20min);
  REQUIRE(back);
  CHECK(back->kind == Kind::Answers);
  CHECK(back->failures == 12);
  CHECK(back->streak == 20min);
  CHECK_FALSE(s.refused(0x09));
  CHECK_FALSE(s.answered(0x09, t0 + 21min)); // no streak, nothing to say
  CHECK(s.refusedCount() == 0);
}

TEST_CASE("I/O errors count as a refusal only in a row") {
  ReportSchedule s(ids({0x0c}), {2, 10s, 40s});
  CHECK_FALSE(s.failed(0x0c, Failure::Io, t0, "EIO"));
  CHECK_FALSE(s.answered(0x0c, t0 + 2s)); // the row is broken
  CHECK_FALSE(s.failed(0x0c, Failure::Io, t0 + 4s, "EIO"));
  const auto left = s.failed(0x0c, Failure::Io, t0 + 6s, "EIO");
  REQUIRE(left);
  CHECK(left->retryIn == 10s);
  CHECK(s.due(t0 + 8s).empty());
}

TEST_CASE("retryAll puts every refused report back into the next poll") {
  ReportSchedule s(ids({0x09, 0x25}));
  s.failed(0x09, Failure::Refused, t0, "x");
  s.failed(0x25, Failure::Refused, t0, "x");
  CHECK(s.due(t0 + 1s).empty());
  s.retryAll(t0 + 1s);
  CHECK(s.due(t0 + 1s) == ids({0x09, 0x25}));
  CHECK(s.refusedCount() == 2); // until they answer
}

TEST_CASE("the ladder: reopen at T/3, reset at 2T/3, power cycle at T, once each") {
  HealingLadder ladder(15s);
  CHECK_FALSE(ladder.due(t0 + 4s, t0, true));
  CHECK(ladder.nextDue(t0) == t0 + 5s);
  CHECK(ladder.due(t0 + 5s, t0, true) == Step::Reopen);
  CHECK_FALSE(ladder.due(t0 + 6s, t0, true));
  CHECK(ladder.nextDue(t0) == t0 + 10s);
  CHECK(ladder.due(t0 + 10s, t0, true) == Step::Reset);
  CHECK_FALSE(ladder.due(t0 + 12s, t0, true));
  CHECK(ladder.due(t0 + 15s, t0, true) == Step::PowerCycle);
  CHECK_FALSE(ladder.due(t0 + 600s, t0, true));
  CHECK(ladder.nextDue(t0) == core::Clock::time_point::max());
  CHECK(ladder.advice(t0 + 15s, t0, "GET_REPORT timed out") ==
        "no answer for 15 s (last error: GET_REPORT timed out); reopening it at 5 s and "
        "resetting its USB port at 10 s did not help: power-cycle the UPS's USB link: unplug "
        "its USB cable and plug it back in (or switch the UPS off and on when that is safe)");
  CHECK(ladder.answered() == std::vector<Step>{Step::Reopen, Step::Reset, Step::PowerCycle});
  CHECK(ladder.taken().empty());
  // A new silence starts the ladder again.
  CHECK(ladder.due(t0 + 700s, t0 + 690s, true) == Step::Reopen);
}

TEST_CASE("the ladder: no device to reset, or a reset that fails, says so") {
  HealingLadder ladder(15s);
  CHECK(ladder.due(t0 + 5s, t0, false) == Step::Reopen);
  CHECK_FALSE(ladder.due(t0 + 11s, t0, false)); // waits for an open device
  CHECK(ladder.due(t0 + 15s, t0, false) == Step::PowerCycle);
  CHECK(ladder.advice(t0 + 15s, t0, "no UPS").find("no device could be opened") !=
        std::string::npos);
  ladder.answered();
  CHECK(ladder.due(t0 + 5s, t0, true) == Step::Reopen);
  CHECK(ladder.due(t0 + 10s, t0, true) == Step::Reset);
  ladder.resetFailed("LIBUSB_ERROR_IO");
  CHECK(ladder.due(t0 + 15s, t0, true) == Step::PowerCycle);
  CHECK(ladder.advice(t0 + 15s, t0, "timeout").find("USB port reset failed (LIBUSB_ERROR_IO)") !=
        std::string::npos);
}

TEST_CASE("the ladder: the first answer ends it, and says what helped") {
  HealingLadder ladder(15s);
  CHECK(ladder.answered().empty()); // nothing was tried
  CHECK(ladder.due(t0 + 5s, t0, true) == Step::Reopen);
  CHECK(ladder.answered() == std::vector<Step>{Step::Reopen});
  CHECK(ladder.advice(t0 + 3s, t0, "x") == "no answer for 3 s (last error: x)");
}

TEST_CASE("a silence found longer than T at once goes straight to the give-up") {
  HealingLadder ladder(1s);
  CHECK(ladder.due(t0 + 2s, t0, true) == Step::PowerCycle);
  CHECK(ladder.taken() == std::vector<Step>{Step::PowerCycle});
  CHECK(ladder.advice(t0 + 2s, t0, "x") == "no answer for 2 s (last error: x)");
}

TEST_CASE("after the give-up nothing more until an answer, even a device back to reset") {
  HealingLadder ladder(15s);
  CHECK(ladder.due(t0 + 5s, t0, false) == Step::Reopen);
  CHECK(ladder.due(t0 + 15s, t0, false) == Step::PowerCycle);
  CHECK_FALSE(ladder.due(t0 + 40s, t0, true)); // replugged: its first read decides
}
