// SPDX-License-Identifier: GPL-2.0-or-later
// A webhook URL kept out of hidupsd.toml (url_file, url_credential): the daemon uses it, and it
// appears neither in the config, nor in --check-config's dump, nor in any log.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/daemon_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

constexpr const char* kToken = "secret-token"; // in HttpReceiver::url()

std::string configWith(const TempDir& dir, const std::string& urlKey) {
  return "[log]\nfile = \"" + (dir / "events.log").string() +
         "\"\n[[notify]]\ntype = "
         "\"discord\"\n" +
         urlKey + "\nevents = [\"onbatt\"]\n";
}

/// --simulate -c `config`: the receiver got the onbatt message; the token is in no output.
void deliveredWithoutTrace(const TempDir& dir, const t::HttpReceiver& discord) {
  HidupsdProcess daemon(dir,
                        {"--simulate", "--speed", "10", "-c", (dir / "hidupsd.toml").string()});
  const auto code = daemon.waitExit();
  REQUIRE_MESSAGE(code.has_value(), "hung");
  CHECK(*code == 0);
  CHECK_MESSAGE(discord.bodies().size() == 1, daemon.err());
  CHECK_FALSE(contains(daemon.out(), kToken));
  CHECK_FALSE(contains(daemon.err(), kToken));
  CHECK_FALSE(contains(readIfAny(dir / "events.log"), kToken));
  CHECK_FALSE(contains(readIfAny(dir / "hidupsd.toml"), kToken));
  const auto check = t::runProcess(
      {t::hidupsdBinary().string(), "--check-config", "-c", (dir / "hidupsd.toml").string()});
  CHECK(check.status == 0);
  CHECK_FALSE(contains(check.out + check.err, kToken));
}

} // namespace

TEST_CASE("a webhook URL from url_file is used and never shown") {
  TempDir dir;
  t::HttpReceiver discord;
  const auto secret = dir / "discord.url";
  writeFile(secret, discord.url() + "\n");
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
  writeFile(dir / "hidupsd.toml", configWith(dir, "url_file = \"" + secret.string() + "\""));
  deliveredWithoutTrace(dir, discord);
  const auto dump = t::runProcess(
      {t::hidupsdBinary().string(), "--check-config", "-c", (dir / "hidupsd.toml").string()});
  CHECK(contains(dump.out, "url_file = \"" + secret.string() + "\"\n"));

  // Readable by others: refused at the key, the secret not shown.
  fs::permissions(secret, fs::perms::others_read, fs::perm_options::add);
  const auto r = t::runProcess(
      {t::hidupsdBinary().string(), "--check-config", "-c", (dir / "hidupsd.toml").string()});
  CHECK(r.status == 1);
  CHECK(r.err == (dir / "hidupsd.toml").string() +
                     ":5:12: in [[notify]] #1 (discord): url_file: " + secret.string() +
                     " may be read by any user (mode 0604): chmod 600 " + secret.string() + "\n");
}

TEST_CASE("a webhook URL from a systemd credential ($CREDENTIALS_DIRECTORY)") {
  TempDir dir;
  t::HttpReceiver discord;
  fs::create_directory(dir / "credentials");
  writeFile(dir / "credentials" / "discord", discord.url());
  fs::permissions(dir / "credentials" / "discord", fs::perms::owner_read);
  writeFile(dir / "hidupsd.toml", configWith(dir, "url_credential = \"discord\""));
  ::setenv("CREDENTIALS_DIRECTORY", (dir / "credentials").c_str(), 1); // as systemd sets it
  deliveredWithoutTrace(dir, discord);
  ::unsetenv("CREDENTIALS_DIRECTORY");
}
