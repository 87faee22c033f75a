// SPDX-License-Identifier: GPL-2.0-or-later
// The privilege-separation channel's encoding: every message round-trips; malformed bytes are
// refused with the byte offset, never read past the end.
#include <doctest/doctest.h>

#include <string>

#include "serve/channel.hpp"

namespace {

namespace ch = hidupsd::serve::channel;
using hidupsd::serve::CommandStatus;
using hidupsd::serve::DashboardAction;
using hidupsd::serve::HistoryRange;
using hidupsd::serve::RwVariable;

ch::State sampleState() {
  ch::State s;
  s.ups.state.snapshot.variables = {{"battery.charge", "97"}, {"ups.status", "OB DISCHRG"}};
  s.ups.state.everRead = true;
  s.ups.commands = {"beeper.disable", "test.battery.start.quick"};
  s.others.push_back({"right", {{{{{"ups.status", "OL"}}, {}}, true, true}, {}, {}}});
  s.ups.writable = {{"battery.charge.low", RwVariable::Kind::Range, 0, {}, {{10, 40}}},
                    {"input.sensitivity", RwVariable::Kind::Enum, 0, {"normal", "high"}, {}},
                    {"ups.id", RwVariable::Kind::String, 32, {}, {}}};
  s.metrics.upsName = "eaton";
  s.metrics.version = "0.1.0";
  s.metrics.everRead = true;
  s.metrics.commOk = true;
  s.metrics.shutdownReady = false;
  s.metrics.events["onbatt"] = {3, std::chrono::system_clock::time_point(std::chrono::seconds(7))};
  s.metrics.sinks.push_back({"discord #1", 4, 1, std::nullopt,
                             std::chrono::system_clock::time_point(std::chrono::seconds(9)),
                             "HTTP 500", 1});
  hidupsd::serve::HistoryMetrics h;
  h.loaded = true;
  h.outages = 12;
  h.healthRatio = 0.93;
  s.metrics.history = h;
  s.statusJson = R"({"api": 1, "ups": {}})";
  return s;
}

std::string body(const ch::Message& m) { return ch::encode(m); }

} // namespace

TEST_CASE("channel: every message round-trips") {
  SUBCASE("State") {
    const auto s = sampleState();
    const auto back = std::get<ch::State>(ch::decode(body(s)));
    CHECK(back.ups.state.snapshot.variables == s.ups.state.snapshot.variables);
    CHECK(back.ups.state.everRead);
    CHECK_FALSE(back.ups.state.stale);
    CHECK(back.ups.commands == s.ups.commands);
    REQUIRE(back.ups.writable.size() == 3);
    CHECK(back.ups.writable[0].ranges == s.ups.writable[0].ranges);
    CHECK(back.ups.writable[1].enumValues == s.ups.writable[1].enumValues);
    CHECK(back.ups.writable[2].maxLength == 32);
    CHECK(back.ups.writable[2].kind == RwVariable::Kind::String);
    REQUIRE(back.others.size() == 1);
    CHECK(back.others[0].name == "right");
    CHECK(back.others[0].ups.state.snapshot.variables.at("ups.status") == "OL");
    CHECK(back.others[0].ups.state.stale);
    CHECK(back.metrics.upsName == "eaton");
    CHECK(back.metrics.shutdownReady == std::optional<bool>(false));
    CHECK(back.metrics.events.at("onbatt").count == 3);
    CHECK(back.metrics.events.at("onbatt").last == s.metrics.events.at("onbatt").last);
    REQUIRE(back.metrics.sinks.size() == 1);
    CHECK(back.metrics.sinks[0] == s.metrics.sinks[0]);
    REQUIRE(back.metrics.history);
    CHECK(back.metrics.history->outages == 12);
    CHECK(back.metrics.history->healthRatio == doctest::Approx(0.93));
    CHECK_FALSE(back.metrics.history->lastOutageStart);
    CHECK(back.statusJson == s.statusJson);
  }
  SUBCASE("Request and Reply") {
    ch::Request q;
    q.id = 77;
    q.kind = ch::Request::Kind::Action;
    q.ups = "right";
    q.user = "admin";
    q.password = "pw";
    q.peer = "192.0.2.1";
    q.action = DashboardAction::BeeperMute;
    q.range = HistoryRange::Year;
    q.credential = "token";
    const auto qb = std::get<ch::Request>(ch::decode(body(q)));
    CHECK(qb.id == 77);
    CHECK(qb.kind == ch::Request::Kind::Action);
    CHECK(qb.action == DashboardAction::BeeperMute);
    CHECK(qb.range == HistoryRange::Year);
    CHECK(qb.credential == "token");
    CHECK(qb.ups == "right");
    CHECK(qb.password == "pw");

    ch::Reply r;
    r.id = 77;
    r.ok = true;
    r.status = CommandStatus::InvalidArgument;
    r.chart.title = "Battery charge";
    r.chart.low = 0;
    r.chart.series.push_back({"charge", {{1000, 99.5}, {1060, 98}}});
    r.chart.bands.push_back({1000, 1060, "Outage"});
    const auto rb = std::get<ch::Reply>(ch::decode(body(r)));
    CHECK(rb.status == CommandStatus::InvalidArgument);
    CHECK(rb.chart.low == std::optional<double>(0));
    CHECK_FALSE(rb.chart.high);
    REQUIRE(rb.chart.series.size() == 1);
    CHECK(rb.chart.series[0].points[1].value == 98);
    CHECK(rb.chart.bands[0].label == "Outage");
  }
  SUBCASE("the small ones") {
    CHECK(std::get<ch::Ping>(ch::decode(body(ch::Ping{5}))).sequence == 5);
    CHECK(std::get<ch::Pong>(ch::decode(body(ch::Pong{6}))).sequence == 6);
    CHECK(std::get<ch::Logins>(ch::decode(body(ch::Logins{2}))).count == 2);
    const auto h = std::get<ch::Hello>(ch::decode(body(ch::Hello{42, 65534, 3493, 9199})));
    CHECK(h.pid == 42);
    CHECK(h.uid == 65534);
    CHECK(h.nutPort == 3493);
    CHECK(h.httpPort == 9199);
  }
}

TEST_CASE("channel: malformed messages are refused with the byte offset") {
  const auto good = body(sampleState());
  SUBCASE("every truncation") {
    for (std::size_t n = 0; n < good.size(); ++n)
      CHECK_THROWS_AS(ch::decode(std::string_view(good).substr(0, n)), ch::ChannelError);
  }
  SUBCASE("bytes left over") {
    CHECK_THROWS_WITH_AS(ch::decode(good + "x"), doctest::Contains("1 bytes left over"),
                         ch::ChannelError);
  }
  SUBCASE("another version") {
    auto bad = good;
    bad[0] = 2;
    CHECK_THROWS_WITH_AS(ch::decode(bad), "channel message, byte 0: version 2, this is version 1",
                         ch::ChannelError);
  }
  SUBCASE("an unknown type") {
    CHECK_THROWS_WITH_AS(ch::decode(std::string("\x01\x63", 2)),
                         "channel message, byte 1: unknown message type 99", ch::ChannelError);
  }
  SUBCASE("a string longer than the message") {
    // A Request's first string's length (its UPS name) says 4 GB.
    ch::Request q;
    auto bad = body(q);
    const std::size_t userLength = 1 + 1 + 4 + 1; // after version, type, id, kind
    bad[userLength] = bad[userLength + 1] = bad[userLength + 2] = bad[userLength + 3] = '\xff';
    try {
      ch::decode(bad);
      FAIL("decoded");
    } catch (const ch::ChannelError& e) {
      CHECK(e.offset() == userLength);
    }
  }
  SUBCASE("an enum out of range") {
    ch::Request q;
    auto bad = body(q);
    bad[6] = 10; // the kind (1..9)
    CHECK_THROWS_WITH_AS(ch::decode(bad), "channel message, byte 6: a value of 10 out of range",
                         ch::ChannelError);
  }
  SUBCASE("a list count the rest cannot hold") {
    ch::State s;
    auto bad = body(s);
    bad[2] = bad[3] = '\x10'; // variables: 4112 of them, in a few bytes
    CHECK_THROWS_WITH_AS(ch::decode(bad), doctest::Contains("a list of 4112 items"),
                         ch::ChannelError);
  }
}

TEST_CASE("channel: frames are reassembled from any cut, and an oversized one is refused") {
  const auto a = ch::frame(sampleState());
  const auto b = ch::frame(ch::Ping{9});
  const auto stream = a + b;
  for (std::size_t cut : {std::size_t{1}, std::size_t{3}, a.size() - 1, a.size(), a.size() + 5}) {
    CAPTURE(cut);
    ch::FrameReader reader;
    std::string message;
    reader.feed(std::string_view(stream).substr(0, cut));
    std::vector<std::string> got;
    while (reader.next(message))
      got.push_back(message);
    reader.feed(std::string_view(stream).substr(cut));
    while (reader.next(message))
      got.push_back(message);
    REQUIRE(got.size() == 2);
    CHECK(std::holds_alternative<ch::State>(ch::decode(got[0])));
    CHECK(std::get<ch::Ping>(ch::decode(got[1])).sequence == 9);
    CHECK(reader.buffered() == 0);
  }
  ch::FrameReader reader;
  reader.feed(std::string("\x01\x00\x00\x01", 4)); // 16 MiB + 1 announced
  std::string message;
  CHECK_THROWS_WITH_AS(reader.next(message), doctest::Contains("a frame of 16777217 bytes"),
                       ch::ChannelError);
  // Encoding refuses what the other side would refuse.
  ch::State huge;
  huge.statusJson.assign(ch::kMaxString + 1, 'x');
  CHECK_THROWS_AS(ch::encode(huge), ch::ChannelError);
}
