// SPDX-License-Identifier: GPL-2.0-or-later
// --check-config on [serve.nut]'s certificate and key: what it says of a good pair, a key
// others may read, a key of another certificate, an expired certificate, a missing file.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

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

} // namespace

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
