// SPDX-License-Identifier: GPL-2.0-or-later
// Debian's upsmon 2.8.0 as a secondary of a NutServer: it logs in, sees FSD, runs its
// SHUTDOWNCMD once and logs out. The test is what a Proxmox node's upsmon does against us.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "serve/nut_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/upsmon_support.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

TEST_CASE("upsmon as a secondary shuts down once on FSD and logs out") {
  if (const auto why = t::UpsmonSecondary::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  t::FakeUpsBackend backend;
  backend.set("ups.status", "OL CHRG");
  serve::NutServerOptions options;
  options.port = 0;
  options.service = {"ups", "test UPS", "0.1.0", t::testUsers()};
  serve::NutServer server(options, backend);
  server.start();

  t::UpsmonSecondary upsmon(server.port(), "monsec", "secpass");
  if (!t::eventually([&] { return server.loginCount() == 1; }, 10s)) {
    const auto output = upsmon.output();
    if (output.find("already running") != std::string::npos) {
      MESSAGE("skipped: another upsmon is running on this machine:\n" << output);
      return;
    }
    FAIL("upsmon did not log in:\n" << output);
  }
  std::this_thread::sleep_for(1500ms); // a few polls of an OL UPS: nothing happens
  CHECK_FALSE(fs::exists(upsmon.shutdownFile()));

  backend.set("ups.status", "FSD OL CHRG");
  const bool ran = t::eventually([&] { return fs::exists(upsmon.shutdownFile()); }, 15s);
  CHECK_MESSAGE(ran, upsmon.output());
  CHECK(t::eventually([&] { return server.loginCount() == 0; }, 5s));
  std::this_thread::sleep_for(2s); // a second run would show by now
  std::ifstream done(upsmon.shutdownFile());
  CHECK(std::string(std::istreambuf_iterator<char>(done), {}) == "done\n");
  const auto output = upsmon.output();
  CHECK(output.find("forced shutdown in progress") != std::string::npos);
  CHECK(output.find("Auto logout and shutdown proceeding") != std::string::npos);
  upsmon.stop();
}
