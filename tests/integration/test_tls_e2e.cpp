// SPDX-License-Identifier: GPL-2.0-or-later
// --check-config on [serve.nut]'s certificate and key: what it says of a good pair, a key
// others may read, a key of another certificate, an expired certificate, a missing file;
// the daemon serving STARTTLS, and keeping its NUT server off rather than in clear.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/daemon_support.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;

/// --check-config on a config whose [serve.nut] has this certificate and key.
t::ProcessResult check(const TempDir& dir, const fs::path& certificate, const fs::path& key) {
  writeFile(dir / "hidupsd.toml", "[serve.nut]\nlisten = \"127.0.0.1:0\"\ncertificate = \"" +
                                      certificate.string() + "\"\nkey = \"" + key.string() +
                                      "\"\nrequire_tls = true\n");
  return t::runProcess(
      {t::hidupsdBinary().string(), "--check-config", "-c", (dir / "hidupsd.toml").string()});
}

/// The daemon in simulation with [serve.nut] on `port` with this certificate and key.
std::unique_ptr<HidupsdProcess> daemonWith(const TempDir& dir, std::uint16_t port,
                                           const t::TestCertificate& cert, const fs::path& key) {
  writeFile(dir / "hidupsd.toml",
            "[log]\nfile = \"" + (dir / "events.log").string() +
                "\"\n[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(port) +
                "\"\ncertificate = \"" + cert.certificate().string() + "\"\nkey = \"" +
                key.string() +
                "\"\nrequire_tls = true\n[[serve.nut.users]]\nname = \"admin\"\npassword = "
                "\"x\"\nrights = [\"instcmd\"]\n");
  return std::make_unique<HidupsdProcess>(
      dir, std::vector<std::string>{"--simulate", "--speed", "0.1", "-c",
                                    (dir / "hidupsd.toml").string()});
}

t::ProcessResult pythonClient(std::uint16_t port, const fs::path& ca) {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  return t::runProcess({"python3", (fs::path(root) / "tests/serve/nut_tls_client.py").string(),
                        "127.0.0.1", std::to_string(port), ca.string(), "GET VAR ups ups.status"});
}

bool eventuallyLogged(HidupsdProcess& daemon, const std::string& text) {
  for (int i = 0; i < 200 && daemon.running(); ++i) {
    if (contains(daemon.err(), text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return contains(daemon.err(), text);
}

} // namespace

TEST_CASE("the daemon serves STARTTLS; with a key that does not load, no NUT server at all") {
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  TempDir dir;
  const t::TestCertificate cert("pve1"), other("other");
  const auto port = freeLoopbackPort();
  {
    auto daemon = daemonWith(dir, port, cert, cert.key());
    REQUIRE_MESSAGE(eventuallyLogged(*daemon, "NUT server on 127.0.0.1:" + std::to_string(port)),
                    daemon->err());
    CHECK(contains(daemon->err(), "; STARTTLS (CN=pve1, valid until "));
    CHECK(contains(daemon->err(), "), required from other hosts)"));
    const auto r = pythonClient(port, cert.certificate());
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(contains(r.out, "VAR ups ups.status \""));
    // hidupsd --command logs in through the NUT server in clear from this host: require_tls
    // spares it (the simulated UPS may then fail the command itself; that is not the point).
    const auto command = t::runProcess({t::hidupsdBinary().string(), "--command", "beeper.disable",
                                        "-c", (dir / "hidupsd.toml").string()});
    CHECK_FALSE(contains(command.out + command.err, "ACCESS-DENIED"));
    CHECK(eventuallyLogged(*daemon, "Instant command: admin@127.0.0.1 did beeper.disable"));
    daemon->signal(SIGTERM);
    CHECK(daemon->waitExit().has_value());
    CHECK_FALSE(contains(daemon->err(), "PRIVATE KEY"));
  }
  auto daemon = daemonWith(dir, port, cert, other.key());
  REQUIRE_MESSAGE(eventuallyLogged(*daemon, "NUT server off: "), daemon->err());
  CHECK(contains(daemon->err(), "NUT server off: key " + other.key().string() +
                                    " is not the key of certificate " +
                                    cert.certificate().string()));
  const auto r = pythonClient(port, cert.certificate());
  CHECK(r.status != 0); // connection refused: nothing listens, in clear or not
  CHECK(r.out.empty());
  daemon->signal(SIGTERM);
  CHECK(daemon->waitExit().has_value());
}

TEST_CASE("--check-config loads the certificate and key and says what is wrong") {
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  TempDir dir;
  const auto config = (dir / "hidupsd.toml").string();
  const t::TestCertificate good("pve1"), other("other"), old("old", 0);

  const auto ok = check(dir, good.certificate(), good.key());
  CHECK_MESSAGE(ok.status == 0, ok.err);
  CHECK(contains(ok.out, "certificate = \"" + good.certificate().string() + "\"\nkey = \"" +
                             good.key().string() + "\"\nrequire_tls = true\n"));
  CHECK_FALSE(contains(ok.out + ok.err, "PRIVATE KEY"));
  CHECK(contains(ok.err, "warning: [serve.nut] certificate " + good.certificate().string() +
                             " (CN=pve1) expires on ")); // made for 2 days

  const auto mismatch = check(dir, good.certificate(), other.key());
  CHECK(mismatch.status == 1);
  CHECK(contains(mismatch.err, config + ": error: [serve.nut] key " + other.key().string() +
                                   " is not the key of certificate " +
                                   good.certificate().string()));

  const auto expired = check(dir, old.certificate(), old.key());
  CHECK(expired.status == 1);
  CHECK(contains(expired.err, config + ": error: [serve.nut] certificate " +
                                  old.certificate().string() + " (CN=old) expired on "));
  CHECK(contains(expired.err, "clients that verify it (upsmon's CERTVERIFY 1) refuse it"));

  const auto missing = check(dir, dir / "none.pem", good.key());
  CHECK(missing.status == 1);
  CHECK(contains(missing.err, "certificate " + (dir / "none.pem").string() +
                                  ": cannot open: No such file or directory"));

  fs::permissions(good.key(), fs::perms::others_read, fs::perm_options::add);
  const auto open = check(dir, good.certificate(), good.key());
  CHECK(open.status == 1);
  CHECK(open.err == config + ":4:7: in [serve.nut]: key: " + good.key().string() +
                        " may be read by any user (mode 0604): chmod 600 " + good.key().string() +
                        "\n");
}
