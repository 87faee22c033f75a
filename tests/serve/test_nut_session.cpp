// SPDX-License-Identifier: GPL-2.0-or-later
// NutSession: every request and error path, with upsd 2.8's exact reply lines.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "serve/nut_session.hpp"
#include "tests/serve/test_nut_support.hpp"

using namespace hidupsd::serve;
using hidupsd::test::FakeUpsBackend;

namespace {

struct Fixture {
  FakeUpsBackend backend;
  NutLoginRegistry logins;
  NutServiceOptions options{"ups", "Eaton 5SC \"rack\"", "0.1.0", hidupsd::test::testUsers()};
  hidupsd::test::LogCapture logs;

  std::unique_ptr<NutSession> session(const std::string& peer = "127.0.0.1") {
    return std::make_unique<NutSession>(options, backend, logins, peer);
  }
};

std::string ask(NutSession& s, const std::string& line) { return s.handleLine(line).text; }

/// USERNAME + PASSWORD, both answered OK.
void identify(NutSession& s, const std::string& user, const std::string& password) {
  REQUIRE(ask(s, "USERNAME " + user) == "OK\n");
  REQUIRE(ask(s, "PASSWORD " + password) == "OK\n");
}

} // namespace

TEST_CASE_FIXTURE(Fixture, "simple requests answer as upsd") {
  auto s = session();
  CHECK(ask(*s, "VER") == "hidupsd 0.1.0 - NUT network protocol 1.3 (upsd-compatible)\n");
  CHECK(ask(*s, "NETVER") == "1.3\n");
  CHECK(ask(*s, "protver") == "1.3\n"); // commands are case-insensitive
  CHECK(ask(*s, "HELP") ==
        "Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n");
  CHECK(ask(*s, "STARTTLS") == "ERR FEATURE-NOT-CONFIGURED\n");
  CHECK(ask(*s, "VER extra") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "HELP me") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "BOGUS") == "ERR UNKNOWN-COMMAND\n");
  CHECK(ask(*s, "") == "ERR UNKNOWN-COMMAND\n");
  CHECK(ask(*s, "# only a comment") == "ERR UNKNOWN-COMMAND\n");
  CHECK(ask(*s, "ATTACH ups") == "ERR UNKNOWN-COMMAND\n"); // NUT 2.8.1+, not 2.8.0
}

TEST_CASE_FIXTURE(Fixture, "GET VAR, TYPE, DESC, CMDDESC, UPSDESC, NUMLOGINS") {
  auto s = session();
  CHECK(ask(*s, "GET VAR ups ups.status") == "VAR ups ups.status \"OL\"\n");
  CHECK(ask(*s, "GET VAR UPS UPS.Status") == "VAR UPS UPS.Status \"OL\"\n"); // echoes spelling
  CHECK(ask(*s, "GET VAR ups ups.id") == "VAR ups ups.id \"rack \\\"A\\\" \\#1 \\\\ main\"\n");
  CHECK(ask(*s, "GET VAR ups no.such") == "ERR VAR-NOT-SUPPORTED\n");
  CHECK(ask(*s, "GET VAR other ups.status") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "GET VAR anything server.version") == "VAR anything server.version \"0.1.0\"\n");
  CHECK(ask(*s, "GET VAR ups server.info") ==
        "VAR ups server.info \"hidupsd 0.1.0 - NUT network protocol 1.3\"\n");
  CHECK(ask(*s, "GET VAR ups server.nothing") == "ERR VAR-NOT-SUPPORTED\n");
  CHECK(ask(*s, "GET VAR ups") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "GET") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "GET NOTHING ups x") == "ERR INVALID-ARGUMENT\n");

  CHECK(ask(*s, "GET TYPE ups ups.status") == "TYPE ups ups.status NUMBER\n"); // upsd 2.8.0
  CHECK(ask(*s, "GET TYPE ups ups.delay.shutdown") == "TYPE ups ups.delay.shutdown RW STRING:10\n");
  CHECK(ask(*s, "GET TYPE ups input.sensitivity") == "TYPE ups input.sensitivity RW ENUM NUMBER\n");
  CHECK(ask(*s, "GET TYPE ups battery.charge.low") ==
        "TYPE ups battery.charge.low RW RANGE NUMBER\n");
  CHECK(ask(*s, "GET TYPE ups input.transfer.low") == "TYPE ups input.transfer.low RW NUMBER\n");
  CHECK(ask(*s, "GET TYPE ups no.such") == "ERR VAR-NOT-SUPPORTED\n");

  CHECK(ask(*s, "GET DESC ups battery.charge") ==
        "DESC ups battery.charge \"Battery charge (percent of full)\"\n");
  CHECK(ask(*s, "GET DESC ups no.such") == "DESC ups no.such \"Description unavailable\"\n");
  CHECK(ask(*s, "GET CMDDESC ups beeper.disable") ==
        "CMDDESC ups beeper.disable \"Disable the UPS beeper\"\n");
  CHECK(ask(*s, "GET CMDDESC ups x.y") == "CMDDESC ups x.y \"Description unavailable\"\n");
  CHECK(ask(*s, "GET UPSDESC ups") == "UPSDESC ups \"Eaton 5SC \\\"rack\\\"\"\n");
  CHECK(ask(*s, "GET UPSDESC nope") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "GET NUMLOGINS ups") == "NUMLOGINS ups 0\n");
  options.description.clear();
  CHECK(ask(*s, "GET UPSDESC ups") == "UPSDESC ups \"Unavailable\"\n");
}

TEST_CASE_FIXTURE(Fixture, "LIST UPS, VAR, RW, CMD, ENUM, RANGE, CLIENT") {
  auto s = session();
  CHECK(ask(*s, "LIST UPS") ==
        "BEGIN LIST UPS\nUPS ups \"Eaton 5SC \\\"rack\\\"\"\nEND LIST UPS\n");
  backend.setVariables({{"battery.charge", "97"}, {"ups.status", "OB DISCHRG"}});
  CHECK(ask(*s, "LIST VAR ups") == "BEGIN LIST VAR ups\n"
                                   "VAR ups battery.charge \"97\"\n"
                                   "VAR ups ups.status \"OB DISCHRG\"\n"
                                   "END LIST VAR ups\n");
  backend.setVariables(
      {{"battery.charge.low", "20"}, {"ups.delay.shutdown", "20"}, {"ups.mfr", "EATON"}});
  CHECK(ask(*s, "LIST RW ups") == "BEGIN LIST RW ups\n"
                                  "RW ups battery.charge.low \"20\"\n"
                                  "RW ups ups.delay.shutdown \"20\"\n"
                                  "END LIST RW ups\n");
  CHECK(ask(*s, "LIST CMD ups") == "BEGIN LIST CMD ups\nCMD ups beeper.disable\n"
                                   "CMD ups beeper.enable\nCMD ups load.off\n"
                                   "CMD ups shutdown.return\nCMD ups test.battery.start.quick\n"
                                   "END LIST CMD ups\n");
  backend.set("input.sensitivity", "normal");
  CHECK(ask(*s, "LIST ENUM ups input.sensitivity") ==
        "BEGIN LIST ENUM ups input.sensitivity\nENUM ups input.sensitivity \"normal\"\n"
        "ENUM ups input.sensitivity \"high\"\nENUM ups input.sensitivity \"low\"\n"
        "END LIST ENUM ups input.sensitivity\n");
  CHECK(ask(*s, "LIST RANGE ups battery.charge.low") ==
        "BEGIN LIST RANGE ups battery.charge.low\n"
        "RANGE ups battery.charge.low \"10\" \"40\"\nRANGE ups battery.charge.low \"50\" \"60\"\n"
        "END LIST RANGE ups battery.charge.low\n");
  CHECK(ask(*s, "LIST ENUM ups ups.mfr") ==
        "BEGIN LIST ENUM ups ups.mfr\nEND LIST ENUM ups ups.mfr\n");
  CHECK(ask(*s, "LIST RANGE ups no.such") == "ERR VAR-NOT-SUPPORTED\n");
  CHECK(ask(*s, "LIST CLIENT ups") == "BEGIN LIST CLIENT ups\nEND LIST CLIENT ups\n");
  CHECK(ask(*s, "LIST VAR nope") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "LIST CLIENT nope") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "LIST") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "LIST VAR") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "LIST ENUM ups") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "LIST NOTHING ups x") == "ERR INVALID-ARGUMENT\n");
}

TEST_CASE_FIXTURE(Fixture, "an unread or stale UPS answers DRIVER-NOT-CONNECTED or DATA-STALE") {
  auto s = session();
  backend.setAvailability(false, false);
  for (const char* line : {"GET VAR ups ups.status", "LIST VAR ups", "LIST CMD ups",
                           "GET NUMLOGINS ups", "GET TYPE ups ups.status"}) {
    CAPTURE(line);
    CHECK(ask(*s, line) == "ERR DRIVER-NOT-CONNECTED\n");
  }
  backend.setAvailability(true, true);
  for (const char* line : {"GET VAR ups ups.status", "LIST RW ups", "GET DESC ups ups.status",
                           "GET CMDDESC ups load.off", "LIST ENUM ups input.sensitivity"}) {
    CAPTURE(line);
    CHECK(ask(*s, line) == "ERR DATA-STALE\n");
  }
  // upsd does not check these against the driver.
  CHECK(ask(*s, "LIST UPS").starts_with("BEGIN LIST UPS\n"));
  CHECK(ask(*s, "GET UPSDESC ups").starts_with("UPSDESC ups"));
  CHECK(ask(*s, "GET VAR ups server.version") == "VAR ups server.version \"0.1.0\"\n");
  identify(*s, "monsec", "secpass");
  CHECK(ask(*s, "LOGIN ups") == "OK\n");
  CHECK(ask(*s, "INSTCMD ups load.off") == "ERR DATA-STALE\n");
  CHECK(ask(*s, "SET VAR ups ups.id x") == "ERR DATA-STALE\n");
  CHECK(backend.instantCalls().empty());
}

TEST_CASE_FIXTURE(Fixture, "USERNAME, PASSWORD, LOGIN, LOGOUT") {
  auto s = session("192.0.2.7");
  CHECK(ask(*s, "LOGIN ups") == "ERR USERNAME-REQUIRED\n");
  CHECK(ask(*s, "USERNAME") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "USERNAME a b") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "USERNAME monsec") == "OK\n");
  CHECK(ask(*s, "USERNAME again") == "ERR ALREADY-SET-USERNAME\n");
  CHECK(ask(*s, "LOGIN ups") == "ERR PASSWORD-REQUIRED\n");
  CHECK(ask(*s, "PASSWORD secpass") == "OK\n");
  CHECK(ask(*s, "PASSWORD again") == "ERR ALREADY-SET-PASSWORD\n");
  CHECK(ask(*s, "LOGIN") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "LOGIN other") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "LOGIN UPS") == "OK\n");
  CHECK(s->loggedIn());
  CHECK(ask(*s, "LOGIN ups") == "ERR ALREADY-LOGGED-IN\n");
  CHECK(logins.count() == 1);
  CHECK(ask(*s, "GET NUMLOGINS ups") == "NUMLOGINS ups 1\n");
  CHECK(ask(*s, "LIST CLIENT ups") ==
        "BEGIN LIST CLIENT ups\nCLIENT ups 192.0.2.7\nEND LIST CLIENT ups\n");
  CHECK(logs.contains("User monsec@192.0.2.7 logged into UPS [ups]"));
  CHECK(ask(*s, "LOGOUT now") == "ERR INVALID-ARGUMENT\n");
  const auto bye = s->handleLine("LOGOUT");
  CHECK(bye.text == "OK Goodbye\n");
  CHECK(bye.close);
  s.reset(); // the connection closes: the login ends
  CHECK(logins.count() == 0);
}

TEST_CASE_FIXTURE(Fixture, "LOGIN needs a known user, the right password and the login right") {
  auto wrong = session();
  identify(*wrong, "monsec", "nope");
  CHECK(ask(*wrong, "LOGIN ups") == "ERR ACCESS-DENIED\n");
  CHECK(logs.contains("monsec@127.0.0.1 denied LOGIN: wrong password"));
  auto unknown = session();
  identify(*unknown, "ghost", "x");
  CHECK(ask(*unknown, "LOGIN ups") == "ERR ACCESS-DENIED\n");
  auto admin = session();
  identify(*admin, "admin", "adminpass");
  CHECK(ask(*admin, "LOGIN ups") == "ERR ACCESS-DENIED\n");
  CHECK(logins.count() == 0);
  for (const auto& line : logs.lines())
    CHECK(line.find("nope") == std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "PRIMARY, MASTER and FSD need the primary or fsd right") {
  auto sec = session();
  CHECK(ask(*sec, "PRIMARY ups") == "ERR USERNAME-REQUIRED\n");
  identify(*sec, "monsec", "secpass");
  CHECK(ask(*sec, "PRIMARY ups") == "ERR ACCESS-DENIED\n");
  CHECK(ask(*sec, "MASTER ups") == "ERR ACCESS-DENIED\n");
  CHECK(ask(*sec, "FSD ups") == "ERR ACCESS-DENIED\n");
  CHECK(backend.fsdCalls().empty());

  auto pri = session("10.0.0.2");
  identify(*pri, "monpri", "pripass");
  CHECK(ask(*pri, "PRIMARY ups") == "OK PRIMARY-GRANTED\n");
  CHECK(ask(*pri, "MASTER ups") == "OK MASTER-GRANTED\n");
  CHECK(ask(*pri, "PRIMARY nope") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*pri, "PRIMARY") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*pri, "FSD nope") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*pri, "FSD ups extra") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*pri, "FSD ups") == "OK FSD-SET\n");
  CHECK(backend.fsdCalls() == std::vector<std::string>{"monpri@10.0.0.2"});
  CHECK(ask(*pri, "GET VAR ups ups.status") == "VAR ups ups.status \"FSD OL\"\n");
  CHECK(logs.contains("Client monpri@10.0.0.2 set FSD on UPS [ups]"));

  auto admin = session();
  identify(*admin, "admin", "adminpass"); // actions = FSD without being a primary
  CHECK(ask(*admin, "FSD ups") == "OK FSD-SET\n");
}

TEST_CASE_FIXTURE(Fixture, "INSTCMD checks the UPS, the command, then the right") {
  auto s = session();
  CHECK(ask(*s, "INSTCMD ups beeper.disable") == "ERR USERNAME-REQUIRED\n");
  identify(*s, "monsec", "secpass");
  CHECK(ask(*s, "INSTCMD ups") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*s, "INSTCMD nope beeper.disable") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*s, "INSTCMD ups no.such") == "ERR CMD-NOT-SUPPORTED\n");
  CHECK(ask(*s, "INSTCMD ups beeper.disable") == "ERR ACCESS-DENIED\n");
  CHECK(backend.instantCalls().empty());

  auto admin = session();
  identify(*admin, "admin", "adminpass");
  CHECK(ask(*admin, "INSTCMD ups BEEPER.DISABLE") == "OK\n");
  CHECK(ask(*admin, "INSTCMD ups load.off 30") == "OK\n");
  CHECK(ask(*admin, "INSTCMD ups load.off 30 extra") == "OK\n"); // upsd drops the value
  using Calls = std::vector<std::pair<std::string, std::string>>;
  CHECK(backend.instantCalls() ==
        Calls{{"beeper.disable", ""}, {"load.off", "30"}, {"load.off", ""}});
  CHECK(logs.contains("Instant command: admin@127.0.0.1 did load.off with value 30 on ups"));

  backend.answerWith(CommandStatus::Failed);
  CHECK(ask(*admin, "INSTCMD ups load.off") == "ERR INSTCMD-FAILED\n");
  backend.answerWith(CommandStatus::InvalidArgument);
  CHECK(ask(*admin, "INSTCMD ups load.off x") == "ERR INVALID-ARGUMENT\n");
  backend.answerWith(CommandStatus::NotSupported);
  CHECK(ask(*admin, "INSTCMD ups load.off") == "ERR CMD-NOT-SUPPORTED\n");
}

TEST_CASE_FIXTURE(Fixture, "SET VAR checks right, variable, writability and the new value") {
  auto s = session();
  identify(*s, "monsec", "secpass");
  CHECK(ask(*s, "SET VAR ups ups.id x") == "ERR ACCESS-DENIED\n");
  auto a = session();
  identify(*a, "admin", "adminpass");
  CHECK(ask(*a, "SET VAR ups ups.id") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*a, "SET") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*a, "SET NOTHING x") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*a, "SET VAR nope ups.id x") == "ERR UNKNOWN-UPS\n");
  CHECK(ask(*a, "SET VAR ups no.such x") == "ERR VAR-NOT-SUPPORTED\n");
  CHECK(ask(*a, "SET VAR ups ups.mfr x") == "ERR READONLY\n");
  CHECK(ask(*a, "SET VAR ups ups.delay.shutdown 12345678901") == "ERR TOO-LONG\n");
  CHECK(ask(*a, "SET VAR ups input.sensitivity medium") == "ERR INVALID-VALUE\n");
  CHECK(ask(*a, "SET VAR ups battery.charge.low 45") == "ERR INVALID-VALUE\n");
  CHECK(ask(*a, "SET VAR ups battery.charge.low 5") == "ERR INVALID-VALUE\n");
  CHECK(backend.setCalls().empty());

  CHECK(ask(*a, "SET VAR ups battery.charge.low 55") == "OK\n");
  CHECK(ask(*a, "SET VAR ups input.sensitivity high") == "OK\n");
  CHECK(ask(*a, R"(SET VAR ups ups.id "rack \"B\"")") == "OK\n");
  CHECK(ask(*a, "GET VAR ups ups.id") == "VAR ups ups.id \"rack \\\"B\\\"\"\n");
  using Calls = std::vector<std::pair<std::string, std::string>>;
  CHECK(backend.setCalls() == Calls{{"battery.charge.low", "55"},
                                    {"input.sensitivity", "high"},
                                    {"ups.id", "rack \"B\""}});
  backend.answerWith(CommandStatus::Failed);
  CHECK(ask(*a, "SET VAR ups input.transfer.low 180") == "ERR SET-FAILED\n");
  backend.answerWith(CommandStatus::InvalidArgument);
  CHECK(ask(*a, "SET VAR ups input.transfer.low 1") == "ERR INVALID-VALUE\n");
}

TEST_CASE_FIXTURE(Fixture, "tracking: OK TRACKING <id>, then GET TRACKING <id>") {
  auto a = session();
  identify(*a, "admin", "adminpass");
  CHECK(ask(*a, "GET TRACKING") == "OFF\n");
  CHECK(ask(*a, "GET TRACKING some-id") == "ERR FEATURE-NOT-CONFIGURED\n");
  CHECK(ask(*a, "SET TRACKING maybe") == "ERR INVALID-ARGUMENT\n");
  CHECK(ask(*a, "SET TRACKING ON") == "OK\n");
  CHECK(ask(*a, "GET TRACKING") == "ON\n");
  const auto reply = ask(*a, "INSTCMD ups beeper.enable");
  REQUIRE(reply.starts_with("OK TRACKING "));
  const auto id = reply.substr(12, reply.size() - 13);
  CHECK(id.size() == 36);
  CHECK(ask(*a, "GET TRACKING " + id) == "SUCCESS\n");
  backend.answerWith(CommandStatus::Failed);
  const auto failed = ask(*a, "SET VAR ups input.transfer.low 180");
  REQUIRE(failed.starts_with("OK TRACKING "));
  CHECK(ask(*a, "GET TRACKING " + failed.substr(12, failed.size() - 13)) == "ERR FAILED\n");
  CHECK(ask(*a, "GET TRACKING 00000000-0000-4000-8000-000000000000") == "ERR UNKNOWN\n");
}

TEST_CASE_FIXTURE(Fixture, "a throwing backend is an error reply, not a crash") {
  struct Throwing : FakeUpsBackend {
    UpsState state() const override { throw std::runtime_error("device gone"); }
  } throwing;
  NutSession s(options, throwing, logins, "127.0.0.1");
  CHECK(ask(s, "GET VAR ups ups.status") == "ERR DRIVER-NOT-CONNECTED\n");
  CHECK(logs.contains("device gone"));
}

TEST_CASE_FIXTURE(Fixture, "STARTTLS with a certificate: OK once, then ALREADY-SSL-MODE") {
  options.tls = true;
  auto s = session();
  const auto first = s->handleLine("STARTTLS");
  CHECK(first.text == "OK STARTTLS\n");
  CHECK(first.startTls);
  CHECK(s->tls());
  const auto second = s->handleLine("starttls now"); // arguments ignored, as upsd
  CHECK(second.text == "ERR ALREADY-SSL-MODE\n");
  CHECK_FALSE(second.startTls);
  // After LOGIN, as upsd: allowed.
  auto late = session();
  identify(*late, "monsec", "secpass");
  REQUIRE(ask(*late, "LOGIN ups") == "OK\n");
  CHECK(late->handleLine("STARTTLS").startTls);
}

TEST_CASE_FIXTURE(Fixture,
                  "require_tls: only VER, NETVER, PROTVER, HELP, STARTTLS, LOGOUT in clear") {
  options.tls = true;
  options.requireTls = true;
  auto s = session();
  CHECK(ask(*s, "VER").starts_with("hidupsd"));
  CHECK(ask(*s, "NETVER") == "1.3\n");
  CHECK(ask(*s, "PROTVER") == "1.3\n");
  CHECK(ask(*s, "HELP").starts_with("Commands:"));
  for (const char* line : {"USERNAME monsec", "PASSWORD secpass", "LOGIN ups",
                           "GET VAR ups ups.status", "LIST UPS", "LIST VAR ups", "SET VAR ups x 1",
                           "INSTCMD ups load.off", "FSD ups", "PRIMARY ups", "MASTER ups"}) {
    const auto r = s->handleLine(line);
    CHECK_MESSAGE(r.text == "ERR ACCESS-DENIED\n", line);
    CHECK(r.tlsRequired);
    CHECK_FALSE(r.authFailed); // no password was looked at
  }
  CHECK(ask(*s, "BOGUS") == "ERR UNKNOWN-COMMAND\n");
  REQUIRE(ask(*s, "STARTTLS") == "OK STARTTLS\n");
  identify(*s, "monsec", "secpass"); // the password was not kept from before
  CHECK(ask(*s, "LOGIN ups") == "OK\n");
  CHECK(ask(*s, "GET VAR ups ups.status") == "VAR ups ups.status \"OL\"\n");
  CHECK(ask(*s, "LOGOUT") == "OK Goodbye\n");
  auto leaving = session();
  CHECK(ask(*leaving, "LOGOUT") == "OK Goodbye\n");
  // A client on this host is spared: its bytes never cross a network.
  NutSession local(options, backend, logins, "127.0.0.1", true);
  identify(local, "monsec", "secpass");
  CHECK(ask(local, "LOGIN ups") == "OK\n");
}

namespace {

/// Several UPSes: "ups" (the fixture's) and "right", served by one server.
class TwoUpses final : public FakeUpsBackend {
public:
  FakeUpsBackend right;
  std::vector<std::string> otherNames() const override { return {"right"}; }
  UpsBackend* other(const std::string& name) override {
    return name == "right" || name == "RIGHT" ? &right : nullptr;
  }
};

} // namespace

TEST_CASE("several UPSes: LIST UPS lists each, every request goes to the UPS it names") {
  TwoUpses backend;
  NutLoginRegistry logins;
  NutServiceOptions options{"left", "hidupsd", "0.1.0", hidupsd::test::testUsers()};
  hidupsd::test::LogCapture logs;
  NutSession s(options, backend, logins, "127.0.0.1");
  CHECK(ask(s, "LIST UPS") ==
        "BEGIN LIST UPS\nUPS left \"hidupsd\"\nUPS right \"hidupsd\"\nEND LIST UPS\n");
  backend.right.set("ups.status", "OB LB");
  CHECK(ask(s, "GET VAR left ups.status") == "VAR left ups.status \"OL\"\n");
  CHECK(ask(s, "GET VAR RIGHT ups.status") == "VAR RIGHT ups.status \"OB LB\"\n");
  CHECK(ask(s, "LIST VAR nope") == "ERR UNKNOWN-UPS\n");
  backend.right.setAvailability(true, true);
  CHECK(ask(s, "GET VAR right ups.status") == "ERR DATA-STALE\n");
  backend.right.setAvailability(true, false);
  identify(s, "admin", "adminpass");
  CHECK(ask(s, "INSTCMD right beeper.disable") == "OK\n");
  CHECK(backend.right.instantCalls().size() == 1);
  CHECK(backend.instantCalls().empty());
  CHECK(ask(s, "SET VAR right ups.id \"B\"") == "OK\n");
  CHECK(backend.right.setCalls().size() == 1);
  CHECK(ask(s, "FSD right") == "OK FSD-SET\n");
  CHECK(backend.right.fsdCalls().size() == 1);
  CHECK(backend.fsdCalls().empty());
  CHECK(logs.contains("set FSD on UPS [right]"));
  NutSession secondary(options, backend, logins, "10.0.0.3");
  identify(secondary, "monsec", "secpass");
  CHECK(ask(secondary, "LOGIN right") == "OK\n");
  CHECK(logs.contains("logged into UPS [right]"));
}
