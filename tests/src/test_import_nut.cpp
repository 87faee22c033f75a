// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --import-nut as a command: what it prints passes --check-config; broken files give
// FILE:LINE:COL errors and exit 1; a directory without NUT's files is an error.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;

/// A directory removed with its contents.
struct Scratch {
  fs::path path = fs::temp_directory_path() / ("hidupsd-import-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(path); }
  ~Scratch() { fs::remove_all(path); }
};

fs::path nutDir(const std::string& name) { return t::testDataDir() / "nut" / name; }

} // namespace

TEST_CASE("hidupsd --import-nut prints a config that --check-config accepts") {
  const auto bin = t::hidupsdBinary().string();
  for (const std::string name : {"proxmox-fr", "nut-2.8.0-samples", "nut-2.8.0-examples"}) {
    CAPTURE(name);
    const auto r = t::runProcess({bin, "--import-nut", nutDir(name).string()});
    REQUIRE(r.status == 0);
    CHECK(r.err.starts_with("hidupsd: "));
    CHECK(r.err.find(" lines read from " + nutDir(name).string() + ": ") != std::string::npos);
    Scratch dir;
    const auto config = dir.path / "hidupsd.toml";
    std::ofstream(config) << r.out;
    const auto check = t::runProcess({bin, "--check-config", "-c", config.string()});
    CHECK_MESSAGE(check.status == 0, check.err);
    CHECK(check.out.find("simulation = true\n") != std::string::npos);
  }
}

TEST_CASE("hidupsd --import-nut on broken files: every error at FILE:LINE:COL, exit 1") {
  const auto dir = nutDir("broken").string();
  const auto r = t::runProcess({t::hidupsdBinary().string(), "--import-nut", dir});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        dir +
            "/ups.conf:4:9: the quote is not closed on this line (NUT would read on into the "
            "next line): close it, or write \\\" for a quote character\n" +
            dir +
            "/upsd.users:2:15: '#' inside quotes: write \\# (NUT: \"Unbalanced word due to "
            "unescaped # in quotes\")\n" +
            dir +
            "/upsmon.conf:1:1: an old-style MONITOR without a user: upsmon refuses to start "
            "(\"Unable to use old-style MONITOR line without a username\")\n" +
            dir + "/upsmon.conf:2:10: DEADTIME quinze: not a whole number (NUT would read 0)\n" +
            dir +
            "/upssched.conf:1:1: AT before CMDSCRIPT: upssched refuses to run (\"CMDSCRIPT "
            "must be set before any ATs in the config file!\")\n");
}

TEST_CASE("hidupsd --import-nut: no NUT files, an unreadable one, the option's value") {
  const auto bin = t::hidupsdBinary().string();
  Scratch dir;
  auto r = t::runProcess({bin, "--import-nut", dir.path.string()});
  CHECK(r.status == 1);
  CHECK(r.err == "hidupsd: " + dir.path.string() +
                     ": none of NUT's files is there (nut.conf, ups.conf, upsd.conf, upsd.users, "
                     "upsmon.conf, upssched.conf)\n");
  fs::create_directory(dir.path / "ups.conf");
  r = t::runProcess({bin, "--import-nut", dir.path.string()});
  CHECK(r.status == 1);
  CHECK(r.err == (dir.path / "ups.conf").string() + ": cannot read: is a directory\n");
  // DIR is optional: the next word is an option, not a directory.
  r = t::runProcess({bin, "--import-nut", "--check-config"});
  CHECK(r.status == 2);
  CHECK(r.err.starts_with("hidupsd: choose one action\n"));
}
