// SPDX-License-Identifier: GPL-2.0-or-later
// Debian's NUT clients (upsc, upscmd, upsrw, upsmon 2.8.0) against a real NutServer serving
// the Eaton 5SC fixture's values, as `hidupsd --probe` reads them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "hid/replay_device.hpp"
#include "hid/replay_file.hpp"
#include "serve/nut_client.hpp"
#include "serve/nut_server.hpp"
#include "src/probe.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_support.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

namespace {

const fs::path kUpsc = "/usr/bin/upsc";
const fs::path kUpscmd = "/usr/bin/upscmd";
const fs::path kUpsrw = "/usr/bin/upsrw";

/// The 5SC fixture's variables, read as `hidupsd --probe --replay` reads them.
std::map<std::string, std::string> eaton5scVariables() {
  core::ManualClock clock;
  hid::ReplayDevice device(hid::loadReplay(t::fixturesDir() / "eaton-5sc-750.replay"), clock);
  const Probe probe(device);
  return probe.snapshot().variables;
}

struct Fixture {
  t::FakeUpsBackend backend;
  t::LogCapture logs;
  std::map<std::string, std::string> variables = eaton5scVariables();
  std::unique_ptr<serve::NutServer> server;

  explicit Fixture(std::size_t maxClients = 8, std::string listen = "127.0.0.1",
                   std::vector<lib::IpNetwork> allow = {},
                   std::shared_ptr<const serve::TlsContext> tls = nullptr) {
    backend.setVariables(variables);
    serve::NutServerOptions options;
    options.host = std::move(listen);
    options.allow = std::move(allow);
    options.port = 0;
    options.maxClients = maxClients;
    options.service = {"ups", "Eaton 5SC 750", "0.1.0", t::testUsers()};
    options.service.requireTls = tls != nullptr;
    options.clearOnThisHost = false;
    options.tls = std::move(tls);
    server = std::make_unique<serve::NutServer>(options, backend);
    server->start();
  }
  std::string ups() const { return "ups@127.0.0.1:" + std::to_string(server->port()); }
  std::string host() const { return "127.0.0.1:" + std::to_string(server->port()); }
};

bool haveClients() { return fs::exists(kUpsc) && fs::exists(kUpscmd) && fs::exists(kUpsrw); }

t::ProcessResult run(const std::vector<std::string>& argv) { return t::runProcess(argv); }

} // namespace

TEST_CASE("upsc prints every variable, one variable, the UPS list and the clients") {
  if (!haveClients()) {
    MESSAGE("skipped: Debian's nut-client is not installed (" << kUpsc << ")");
    return;
  }
  Fixture f;
  REQUIRE(f.variables.size() > 30);
  std::string expected;
  for (const auto& [name, value] : f.variables)
    expected += name + ": " + value + "\n";
  const auto all = run({kUpsc, f.ups()});
  CHECK(all.status == 0);
  CHECK(all.out == expected);

  const auto status = run({kUpsc, f.ups(), "ups.status"});
  CHECK(status.status == 0);
  CHECK(status.out == f.variables.at("ups.status") + "\n");
  CHECK(run({kUpsc, f.ups(), "battery.charge"}).out == f.variables.at("battery.charge") + "\n");

  const auto listed = run({kUpsc, "-l", f.host()});
  CHECK(listed.out == "ups\n");
  CHECK(run({kUpsc, "-L", f.host()}).out == "ups: Eaton 5SC 750\n");

  CHECK(run({kUpsc, "-c", f.ups()}).out.empty());
  serve::NutClient secondary({"127.0.0.1", f.server->port(), 2000ms});
  secondary.authenticate("monsec", "secpass");
  secondary.request("LOGIN ups");
  CHECK(run({kUpsc, "-c", f.ups()}).out == "127.0.0.1\n");
}

TEST_CASE("upsc reports unknown variables and UPSes, stale data, a missing driver") {
  if (!haveClients()) return;
  Fixture f;
  const auto unknownVar = run({kUpsc, f.ups(), "no.such"});
  CHECK(unknownVar.status != 0);
  CHECK(unknownVar.err.find("Error: Variable not supported by UPS") != std::string::npos);
  const auto unknownUps = run({kUpsc, "nope@127.0.0.1:" + std::to_string(f.server->port())});
  CHECK(unknownUps.status != 0);
  CHECK(unknownUps.err.find("Error: Unknown UPS") != std::string::npos);
  f.backend.setAvailability(true, true);
  CHECK(run({kUpsc, f.ups()}).err.find("Error: Data stale") != std::string::npos);
  f.backend.setAvailability(false, false);
  CHECK(run({kUpsc, f.ups(), "ups.status"}).err.find("Error: Driver not connected") !=
        std::string::npos);
}

TEST_CASE("upscmd lists commands with cmdvartab's words and runs one with the right login") {
  if (!haveClients()) return;
  Fixture f;
  const auto listed = run({kUpscmd, "-l", f.ups()});
  CHECK(listed.status == 0);
  CHECK(listed.out == "Instant commands supported on UPS [ups]:\n\n"
                      "beeper.disable - Disable the UPS beeper\n"
                      "beeper.enable - Enable the UPS beeper\n"
                      "load.off - Turn off the load immediately\n"
                      "shutdown.return - Turn off the load and return when power is back\n"
                      "test.battery.start.quick - Start a quick battery test\n");

  const auto ok = run({kUpscmd, "-u", "admin", "-p", "adminpass", f.ups(), "beeper.disable"});
  CHECK(ok.status == 0);
  CHECK(ok.err.find("OK\n") != std::string::npos); // upscmd answers on stderr
  using Calls = std::vector<std::pair<std::string, std::string>>;
  CHECK(f.backend.instantCalls() == Calls{{"beeper.disable", ""}});

  const auto waited = run({kUpscmd, "-w", "-u", "admin", "-p", "adminpass", f.ups(), "load.off"});
  CHECK(waited.status == 0);
  CHECK(waited.err.find("SUCCESS\n") != std::string::npos); // -w: SET TRACKING ON, GET TRACKING

  const auto wrong = run({kUpscmd, "-u", "admin", "-p", "wrong", f.ups(), "beeper.enable"});
  CHECK(wrong.status != 0);
  CHECK(wrong.err.find("ERR ACCESS-DENIED") != std::string::npos);
  const auto noRight = run({kUpscmd, "-u", "monsec", "-p", "secpass", f.ups(), "beeper.enable"});
  CHECK(noRight.err.find("ERR ACCESS-DENIED") != std::string::npos);
  const auto unknown = run({kUpscmd, "-u", "admin", "-p", "adminpass", f.ups(), "no.such"});
  CHECK(unknown.err.find("ERR CMD-NOT-SUPPORTED") != std::string::npos);
  CHECK(f.backend.instantCalls().size() == 2);
  CHECK_FALSE(f.logs.contains("adminpass"));
}

TEST_CASE("upsrw lists the writable variables and sets one") {
  if (!haveClients()) return;
  Fixture f;
  REQUIRE(f.variables.count("ups.delay.shutdown") == 1);
  const auto listed = run({kUpsrw, f.ups()});
  CHECK(listed.status == 0);
  const auto delay = f.variables.at("ups.delay.shutdown");
  CHECK(listed.out.find("[ups.delay.shutdown]\n"
                        "Interval to wait after shutdown with delay command (seconds)\n"
                        "Type: STRING\nMaximum length: 10\nValue: " +
                        delay + "\n") != std::string::npos);
  if (f.variables.count("battery.charge.low") == 1)
    CHECK(listed.out.find("[battery.charge.low]\n"
                          "Remaining battery level when UPS switches to LB (percent)\n"
                          "Type: RANGE NUMBER\n") != std::string::npos);

  const auto set =
      run({kUpsrw, "-s", "ups.delay.shutdown=45", "-u", "admin", "-p", "adminpass", f.ups()});
  CHECK(set.status == 0);
  CHECK(set.err.find("OK\n") != std::string::npos);
  CHECK(run({kUpsc, f.ups(), "ups.delay.shutdown"}).out == "45\n");

  const auto denied =
      run({kUpsrw, "-s", "ups.delay.shutdown=50", "-u", "monsec", "-p", "secpass", f.ups()});
  CHECK(denied.err.find("ERR ACCESS-DENIED") != std::string::npos);
  const auto readOnly = run({kUpsrw, "-s", "ups.mfr=x", "-u", "admin", "-p", "adminpass", f.ups()});
  CHECK(readOnly.err.find("ERR READONLY") != std::string::npos);
  const auto tooLong = run(
      {kUpsrw, "-s", "ups.delay.shutdown=12345678901", "-u", "admin", "-p", "adminpass", f.ups()});
  CHECK(tooLong.err.find("ERR TOO-LONG") != std::string::npos);
}

TEST_CASE("upsc beyond max clients is served: the idle client makes room; a login stays") {
  if (!haveClients()) return;
  Fixture f(1);
  serve::NutClient holder({"127.0.0.1", f.server->port(), 2000ms});
  CHECK(holder.version().starts_with("hidupsd"));
  const auto served = run({kUpsc, f.ups(), "ups.status"}); // main: refused
  CHECK(served.status == 0);
  CHECK(served.out == "OL\n");
  CHECK(f.logs.contains("1 connections (the limit): closed the one idle longest"));
  serve::NutClient secondary({"127.0.0.1", f.server->port(), 2000ms});
  secondary.authenticate("monsec", "secpass");
  secondary.request("LOGIN ups");
  const auto refused = run({kUpsc, f.ups(), "ups.status"}); // the only slot holds a login
  CHECK(refused.status != 0);
  CHECK(f.logs.contains("refused a connection from 127.0.0.1: all 1 connections are logged-in"));
  CHECK(secondary.getVariable("ups", "ups.status") == "OL");
}

TEST_CASE("upsc outside the allow-list gets nothing; inside it, the UPS (127.0.0.1 and ::1)") {
  if (!haveClients()) {
    MESSAGE("skipped: Debian's nut-client is not installed (" << kUpsc << ")");
    return;
  }
  const auto port = [](const Fixture& f) { return std::to_string(f.server->port()); };
  SUBCASE("allow = [\"::1\"] on [::]") {
    std::unique_ptr<Fixture> f;
    try {
      f = std::make_unique<Fixture>(8, "::", std::vector{lib::parseIpNetwork("::1")});
    } catch (const std::system_error& e) {
      MESSAGE("no IPv6 here: " << e.what());
      return;
    }
    const auto in = run({kUpsc, "ups@[::1]:" + port(*f), "ups.status"});
    CHECK(in.status == 0);
    CHECK(in.out == f->variables.at("ups.status") + "\n");
    const auto out = run({kUpsc, "ups@127.0.0.1:" + port(*f), "ups.status"});
    CHECK(out.status != 0);
    CHECK(out.out.empty());
    CHECK(f->server->deniedCount() == 1);
  }
  SUBCASE("allow = [\"127.0.0.1\"] on 127.0.0.1") {
    Fixture f(8, "127.0.0.1", {lib::parseIpNetwork("127.0.0.1")});
    CHECK(run({kUpsc, f.ups(), "ups.status"}).status == 0);
    Fixture other(8, "127.0.0.1", {lib::parseIpNetwork("10.0.0.0/8")});
    const auto out = run({kUpsc, other.ups(), "ups.status"});
    CHECK(out.status != 0);
    CHECK(out.out.empty());
    CHECK(out.err.find("ups.status") == std::string::npos); // not one variable came through
  }
}

TEST_CASE("upsc goes over STARTTLS by itself: it works with require_tls") {
  if (!haveClients() || !t::TestCertificate::unavailable().empty()) {
    MESSAGE("skipped: Debian's nut-client or openssl is not installed");
    return;
  }
  const t::TestCertificate cert;
  Fixture f(8, "127.0.0.1", {},
            std::make_shared<serve::TlsContext>(cert.certificate().string(), cert.keyText(),
                                                cert.key().string()));
  const auto status = run({kUpsc, f.ups(), "ups.status"});
  CHECK(status.status == 0);
  CHECK(status.out == f.variables.at("ups.status") + "\n");
  // upsc 2.8.0 tries STARTTLS (without CERTPATH it does not verify the certificate).
  CHECK(status.err.find("Connected to NUT server 127.0.0.1 in SSL") != std::string::npos);
  CHECK(f.server->tlsFailureCount() == 0);
}
