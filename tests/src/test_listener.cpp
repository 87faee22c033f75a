// SPDX-License-Identifier: GPL-2.0-or-later
// The root side of privilege separation: each request of the listener checked again against
// the configuration (RootRequests), and the supervisor's kill-and-restart of a listener that
// hangs, lies or says nothing.
#include <doctest/doctest.h>
#include <signal.h>

#include <optional>
#include <string>

#include "lib/password.hpp"
#include "src/listener.hpp"
#include "src/listener_requests.hpp"
#include "src/listener_supervisor.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/support/log_capture.hpp"

namespace {

namespace ch = hidupsd::serve::channel;
using hidupsd::Config;
using hidupsd::NutRight;
using hidupsd::RootRequests;
using hidupsd::serve::CommandStatus;
using hidupsd::test::FakeUpsBackend;

/// A dashboard backend that counts its actions.
struct FakeDashboard : hidupsd::serve::DashboardBackend {
  int acts = 0;
  std::string status() override { return "{}"; }
  std::string history(hidupsd::serve::HistoryRange) override { return R"({"api": 1})"; }
  std::string plan() override { return R"({"plan": []})"; }
  hidupsd::serve::ChartData chart(std::string_view metric, hidupsd::serve::HistoryRange) override {
    hidupsd::serve::ChartData c;
    c.title = std::string(metric);
    return c;
  }
  hidupsd::serve::ActionOutcome act(hidupsd::serve::DashboardAction, const std::string&,
                                    const std::string&) override {
    ++acts;
    return {true, "done"};
  }
};

Config configWithUsers() {
  Config c;
  c.nut.emplace();
  c.nut->users.push_back({"admin", "adminpw", {NutRight::Instcmd, NutRight::Set}, {}});
  c.nut->users.push_back({"upsmon", "monpw", {NutRight::Primary}, {}});
  c.nut->users.push_back({"viewer", "viewpw", {}, {}});
  c.metrics.emplace();
  c.metrics->actionToken = "0123456789abcdef0123";
  return c;
}

ch::Request nutRequest(ch::Request::Kind kind, std::string user, std::string password) {
  ch::Request q;
  q.kind = kind;
  q.user = std::move(user);
  q.password = std::move(password);
  q.peer = "admin@192.0.2.7";
  q.name = "beeper.disable";
  return q;
}

} // namespace

TEST_CASE("RootRequests: a NUT write runs only for a user whose password and right the root "
          "side checks itself") {
  hidupsd::test::LogCapture log;
  FakeUpsBackend ups;
  FakeDashboard dashboard;
  RootRequests requests(configWithUsers(), ups, &dashboard);
  using Kind = ch::Request::Kind;

  const auto ok = requests.handle(nutRequest(Kind::InstantCommand, "admin", "adminpw"));
  CHECK(ok.ok);
  CHECK(ok.status == CommandStatus::Ok);
  CHECK(ups.instantCalls().size() == 1);

  // What a hijacked listener might claim: another password, a user without the right, no
  // user at all. None reaches the UPS; each is logged with the client.
  for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
           {"admin", "guess"}, {"viewer", "viewpw"}, {"", ""}, {"nobody", "x"}}) {
    CAPTURE(user);
    const auto refused = requests.handle(nutRequest(Kind::InstantCommand, user, password));
    CHECK_FALSE(refused.ok);
    CHECK(refused.status == CommandStatus::Failed);
    CHECK(requests.handle(nutRequest(Kind::SetVariable, user, password)).ok == false);
    CHECK(requests.handle(nutRequest(Kind::ForcedShutdown, user, password)).ok == false);
  }
  CHECK(ups.instantCalls().size() == 1);
  CHECK(ups.setCalls().empty());
  CHECK(ups.fsdCalls().empty());
  CHECK(log.contains("refused INSTCMD from admin@192.0.2.7 (user \"admin\"): wrong password"));

  // The set right is admin's; FSD is the primary's.
  auto set = nutRequest(Kind::SetVariable, "admin", "adminpw");
  set.name = "ups.id";
  set.value = "rack 2";
  CHECK(requests.handle(set).ok);
  CHECK(ups.setCalls() == std::vector<std::pair<std::string, std::string>>{{"ups.id", "rack 2"}});
  CHECK_FALSE(requests.handle(nutRequest(Kind::ForcedShutdown, "admin", "adminpw")).ok);
  CHECK(requests.handle(nutRequest(Kind::ForcedShutdown, "upsmon", "monpw")).ok);
  CHECK(ups.fsdCalls() == std::vector<std::string>{"admin@192.0.2.7"});

  // The user and the address go into the root side's log and event log: no forged line.
  auto forged = nutRequest(Kind::ForcedShutdown, "upsmon\n<0>daemon: FORGED", "monpw");
  forged.peer = "x\n2026-12-07 12:00:00 mains back" + std::string(300, 'y');
  CHECK_FALSE(requests.handle(forged).ok); // no such user, once cleaned
  const auto text = log.joined();
  CHECK(text.find("\n<0>daemon: FORGED") == std::string::npos);
  CHECK(text.find("x?2026-12-07 12:00:00 mains back") != std::string::npos);
  CHECK(text.find(std::string(200, 'y')) == std::string::npos);
}

TEST_CASE("RootRequests: the listener holds no password: the NUT session's and the gate's checks "
          "are made here, wrong passwords at most 4 a second") {
  hidupsd::test::LogCapture log;
  FakeUpsBackend ups;
  FakeDashboard dashboard;
  RootRequests requests(configWithUsers(), ups, &dashboard);
  const auto authorize = [&](const std::string& user, const std::string& password,
                             hidupsd::serve::NutAction action, const char* given = "11") {
    ch::Request q;
    q.kind = ch::Request::Kind::Authorize;
    q.user = user;
    q.password = password;
    q.name = std::to_string(static_cast<int>(action));
    q.value = given;
    return requests.handle(q);
  };
  using hidupsd::serve::NutAction;
  CHECK(authorize("upsmon", "monpw", NutAction::Login).ok);
  CHECK(authorize("upsmon", "monpw", NutAction::Fsd).ok);
  const auto noRight = authorize("admin", "adminpw", NutAction::Fsd);
  CHECK_FALSE(noRight.ok);
  CHECK(noRight.text == std::to_string(static_cast<int>(hidupsd::serve::NutDenial::NoRight)));
  CHECK(authorize("upsmon", "monpw", NutAction::Login, "10").text ==
        std::to_string(static_cast<int>(hidupsd::serve::NutDenial::NoCredentials)));
  // Guessing: four wrong passwords, then even the right one is refused for the second.
  for (int i = 0; i < 4; ++i)
    CHECK(authorize("upsmon", "guess" + std::to_string(i), NutAction::Login).text ==
          std::to_string(static_cast<int>(hidupsd::serve::NutDenial::WrongPassword)));
  CHECK_FALSE(authorize("upsmon", "monpw", NutAction::Login).ok);

  ch::Request c;
  c.kind = ch::Request::Kind::Credential;
  c.credential = "0123456789abcdef0123";
  CHECK(requests.handle(c).ok);
  c.credential = "nope";
  CHECK_FALSE(requests.handle(c).ok);
}

TEST_CASE("RootRequests: a dashboard action needs the credential again, at most 4 checks a "
          "second") {
  hidupsd::test::LogCapture log;
  FakeUpsBackend ups;
  FakeDashboard dashboard;
  RootRequests requests(configWithUsers(), ups, &dashboard);
  ch::Request q;
  q.kind = ch::Request::Kind::Action;
  q.peer = "192.0.2.9";
  q.credential = "0123456789abcdef0123";
  CHECK(requests.handle(q).ok);
  CHECK(dashboard.acts == 1);
  q.credential = "wrong";
  const auto refused = requests.handle(q);
  CHECK_FALSE(refused.ok);
  CHECK(refused.text == "wrong credential");
  CHECK(log.contains("refused the action test-notification from 192.0.2.9: wrong credential"));
  // Two checks so far this second: two more, then refusals without a check.
  CHECK_FALSE(requests.handle(q).ok);
  CHECK_FALSE(requests.handle(q).ok);
  q.credential = "0123456789abcdef0123";
  const auto throttled = requests.handle(q);
  CHECK_FALSE(throttled.ok);
  CHECK(throttled.text == "too many actions: wait a second");
  CHECK(dashboard.acts == 1);

  SUBCASE("actions off in the config: refused whatever the credential") {
    Config c = configWithUsers();
    c.metrics->actionToken.clear();
    RootRequests off(c, ups, &dashboard);
    CHECK(off.handle(q).text == "actions are off");
  }
  SUBCASE("read-only requests; an unknown chart is refused") {
    ch::Request chart;
    chart.kind = ch::Request::Kind::Chart;
    chart.name = "charge";
    const auto r = requests.handle(chart);
    CHECK(r.ok);
    CHECK(r.chart.title == "charge");
    chart.name = "../../etc/shadow";
    CHECK_FALSE(requests.handle(chart).ok);
    ch::Request plan;
    plan.kind = ch::Request::Kind::Plan;
    CHECK(requests.handle(plan).text == R"({"plan": []})");
    // Reads cost the root side a file or the planner: at most 10 a second.
    int refusedReads = 0;
    for (int i = 0; i < 12; ++i)
      refusedReads += requests.handle(plan).ok ? 0 : 1;
    CHECK(refusedReads >= 2);
  }
}

TEST_CASE("the listener's setup: what it serves, from the daemon's config, without a password or "
          "a token") {
  Config c = configWithUsers();
  c.nut->listen = {"::1", 3494};
  c.nut->allow = {hidupsd::lib::parseIpNetwork("192.168.1.0/24")};
  c.nut->certificate = "/etc/hidupsd/nut.crt";
  c.nut->key = "/etc/hidupsd/nut.key";
  c.nut->keyPem = "-----BEGIN PRIVATE KEY-----";
  c.device.name = "left";
  c.metrics->actionPasswordHash = "$y$j9T$salt$hash";
  c.metrics->allow = {hidupsd::lib::parseIpNetwork("::1")};
  const auto setup = hidupsd::listenerSetup(c);
  // Through the channel, as the listener gets it.
  const auto got = std::get<ch::Setup>(ch::decode(ch::encode(setup)));
  CHECK(got.upsName == "left"); // a named UPS goes by its name
  CHECK(got.actionKind == "token or password");
  const auto bytes = ch::encode(setup);
  for (const std::string secret :
       {"adminpw", "monpw", "viewpw", "0123456789abcdef0123", "$y$j9T$salt$hash"})
    CHECK_MESSAGE(bytes.find(secret) == std::string::npos, secret); // never sent
  const Config back = hidupsd::configFromSetup(got);
  REQUIRE(back.nut);
  CHECK(back.nut->listen == c.nut->listen);
  CHECK(back.nut->allow == c.nut->allow);
  CHECK(back.nut->keyPem == c.nut->keyPem); // STARTTLS needs it
  REQUIRE(back.nut->users.size() == 3);
  CHECK(back.nut->users[0].name == "admin");
  CHECK(back.nut->users[0].rights == c.nut->users[0].rights);
  CHECK(back.nut->users[1].rights == std::vector<NutRight>{NutRight::Primary});
  CHECK(back.nut->users[0].password.empty());
  REQUIRE(back.metrics);
  CHECK(back.metrics->allow == c.metrics->allow);
  CHECK(back.metrics->actionToken.empty());
  CHECK(back.metrics->actionPasswordHash.empty());
  CHECK(back.notify.empty());
}

namespace {

hidupsd::ListenerTimings quick() {
  hidupsd::ListenerTimings t;
  t.helloTimeout = std::chrono::seconds(1);
  t.pingPeriod = std::chrono::seconds(1);
  t.pongTimeout = std::chrono::seconds(1);
  t.firstBackoff = std::chrono::seconds(1);
  t.maxBackoff = std::chrono::seconds(1);
  return t;
}

ch::Setup noSetup() { return {}; }
ch::State emptyState() { return {}; }
ch::Reply noReply(const ch::Request&) { return {}; }

/// A fake listener: a shell that writes `bytes` (printf escapes) to its channel, then sleeps.
std::vector<std::string> writesThenSleeps(const std::string& bytes) {
  return {"/bin/sh", "sh", "-c", "printf '" + bytes + "' >&3; exec sleep 30"};
}

/// Hello (pid 1, uid 1, no ports), framed: 14 bytes.
const std::string kHello =
    "\\016\\000\\000\\000\\001\\020\\001\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\\000";

} // namespace

TEST_CASE("ListenerSupervisor: a listener that never says Hello, lies, or stops answering is "
          "killed and started again") {
  struct Case {
    const char* name;
    std::vector<std::string> argv;
    const char* why;
  };
  for (const auto& c : {
           Case{
               "silent", {"/bin/sleep", "sleep", "30"}, "not serving 1 s after its start (killed)"},
           Case{"malformed", writesThenSleeps("\\002\\000\\000\\000\\007\\020"),
                "it sent a malformed message: channel message, byte 0: version 7"},
           Case{"a daemon's message", writesThenSleeps("\\002\\000\\000\\000\\001\\001"),
                "it sent a malformed message: channel message, byte 1: a message only the "
                "daemon sends"},
           Case{"deaf", writesThenSleeps(kHello), "no answer to a ping for 1 s (killed)"},
           Case{"exits", {"/bin/true", "true"}, "its channel closed"},
       }) {
    CAPTURE(std::string(c.name));
    hidupsd::test::LogCapture log;
    hidupsd::ListenerSupervisor supervisor(c.argv, noSetup, emptyState, noReply, quick());
    supervisor.start();
    const pid_t first = [&] {
      hidupsd::test::eventually([&] { return supervisor.pid() != 0; });
      return supervisor.pid();
    }();
    CHECK(first != 0);
    CHECK(hidupsd::test::eventually([&] { return supervisor.starts() >= 2; },
                                    std::chrono::seconds(10)));
    CHECK_MESSAGE(log.contains(c.why), c.name << ": " << log.joined());
    CHECK(log.contains("the servers start again in 1 s"));
    supervisor.stop();
    CHECK(supervisor.pid() == 0);
    CHECK(::kill(first, 0) != 0); // reaped, not left behind
  }
}
