// SPDX-License-Identifier: GPL-2.0-or-later
// Debian's upsmon 2.8.0 as a secondary of a NutServer: it logs in, sees FSD, runs its
// SHUTDOWNCMD once and logs out; in clear, and over STARTTLS verifying our certificate
// against an NSS database (CERTPATH, CERTVERIFY 1, FORCESSL 1) as a Proxmox node would.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "serve/nut_server.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_support.hpp"
#include "tests/support/upsmon_support.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

namespace {

struct Server {
  t::FakeUpsBackend backend;
  std::unique_ptr<serve::NutServer> server;
  explicit Server(const t::TestCertificate* cert = nullptr, bool requireTls = false) {
    backend.set("ups.status", "OL CHRG");
    serve::NutServerOptions options;
    options.port = 0;
    options.service = {"ups", "test UPS", "0.1.0", t::testUsers()};
    options.service.requireTls = requireTls;
    options.clearOnThisHost = false; // upsmon is on 127.0.0.1: refuse its clear text too
    if (cert != nullptr)
      options.tls = std::make_shared<serve::TlsContext>(cert->certificate().string(),
                                                        cert->keyText(), cert->key().string());
    server = std::make_unique<serve::NutServer>(options, backend);
    server->start();
  }
};

/// upsmon logs in; false (with a message) when another upsmon holds /run/nut here.
bool loggedIn(Server& s, t::UpsmonSecondary& upsmon) {
  if (t::eventually([&] { return s.server->loginCount() == 1; }, 10s)) return true;
  const auto output = upsmon.output();
  if (output.find("already running") != std::string::npos) {
    MESSAGE("skipped: another upsmon is running on this machine:\n" << output);
    return false;
  }
  FAIL("upsmon did not log in:\n" << output);
  return false;
}

/// FSD: upsmon runs its SHUTDOWNCMD once and logs out.
void shutsDownOnce(Server& s, t::UpsmonSecondary& upsmon) {
  std::this_thread::sleep_for(1500ms); // a few polls of an OL UPS: nothing happens
  CHECK_FALSE(fs::exists(upsmon.shutdownFile()));
  s.backend.set("ups.status", "FSD OL CHRG");
  const bool ran = t::eventually([&] { return fs::exists(upsmon.shutdownFile()); }, 15s);
  CHECK_MESSAGE(ran, upsmon.output());
  CHECK(t::eventually([&] { return s.server->loginCount() == 0; }, 5s));
  std::this_thread::sleep_for(2s); // a second run would show by now
  std::ifstream done(upsmon.shutdownFile());
  CHECK(std::string(std::istreambuf_iterator<char>(done), {}) == "done\n");
  const auto output = upsmon.output();
  CHECK(output.find("forced shutdown in progress") != std::string::npos);
  CHECK(output.find("Auto logout and shutdown proceeding") != std::string::npos);
}

std::string tlsUnavailable() {
  if (auto why = t::UpsmonSecondary::unavailable(); !why.empty()) return why;
  if (auto why = t::TestCertificate::unavailable(); !why.empty()) return why;
  return t::TestCertificate::nssUnavailable();
}

} // namespace

TEST_CASE("upsmon as a secondary shuts down once on FSD and logs out") {
  if (const auto why = t::UpsmonSecondary::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  Server s;
  t::UpsmonSecondary upsmon(s.server->port(), "monsec", "secpass");
  if (!loggedIn(s, upsmon)) return;
  shutsDownOnce(s, upsmon);
  upsmon.stop();
}

TEST_CASE("upsmon follows over STARTTLS, verifying the certificate (CERTVERIFY 1)") {
  if (const auto why = tlsUnavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  const t::TestCertificate cert;
  Server s(&cert, true); // require_tls: the password could not have gone in clear
  const t::UpsmonTls tls{cert.nssDatabase()};
  t::UpsmonSecondary upsmon(s.server->port(), "monsec", "secpass", &tls);
  if (!loggedIn(s, upsmon)) return;
  const auto output = upsmon.output();
  CHECK(output.find("Intend to authenticate server 127.0.0.1 : SUCCESS") != std::string::npos);
  CHECK(output.find("Connected to NUT server 127.0.0.1 in SSL") != std::string::npos);
  shutsDownOnce(s, upsmon);
  CHECK(s.server->tlsFailureCount() == 0);
  upsmon.stop();
}

TEST_CASE("upsmon with CERTVERIFY 1 refuses a certificate its database does not trust") {
  if (const auto why = tlsUnavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  const t::TestCertificate cert, other("someone-else");
  Server s(&cert);
  const t::UpsmonTls tls{other.nssDatabase()};
  t::UpsmonSecondary upsmon(s.server->port(), "monsec", "secpass", &tls);
  CHECK(t::eventually([&] { return s.server->tlsFailureCount() >= 1; }, 10s));
  std::this_thread::sleep_for(1s);
  CHECK(s.server->loginCount() == 0);
  const auto output = upsmon.output();
  CHECK_MESSAGE(output.find("Connected to NUT server 127.0.0.1 in SSL") == std::string::npos,
                output);
  CHECK_MESSAGE(output.find("Certificate validation failed for 127.0.0.1") != std::string::npos,
                output);
  upsmon.stop();
}
