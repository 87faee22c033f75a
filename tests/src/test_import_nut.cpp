// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --import-nut as a command: what it prints passes --check-config; broken files give
// FILE:LINE:COL errors and exit 1; a directory without NUT's files is an error; Debian's own
// /etc/nut (nut-client, nut-server) imports, and tests/data holds those very files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

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

const char* const kNutFiles[] = {"nut.conf",   "ups.conf",    "upsd.conf",
                                 "upsd.users", "upsmon.conf", "upssched.conf"};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every line of `err` is "FILE:LINE:COL: message" with FILE under `dir`.
void checkAllPlaced(const std::string& err, const std::string& dir) {
  const std::regex placed("^" + dir + "/[a-z.]+:[0-9]+:[0-9]+: .+$");
  std::istringstream lines(err);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count)
    CHECK_MESSAGE(std::regex_match(line, placed), line);
  CHECK(count > 0);
}

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

TEST_CASE("hidupsd --import-nut on Debian's /etc/nut, as nut-client and nut-server install it") {
  // Debian's conffiles and their md5: a file the admin has not changed is NUT's sample as
  // Debian ships it, and must be byte for byte the copy tests/data holds (its golden test).
  const auto md5s =
      t::runProcess({"dpkg-query", "-W", "-f=${Conffiles}\\n", "nut-client", "nut-server"});
  Scratch dir;
  int copied = 0;
  for (const char* name : kNutFiles) {
    const fs::path etc = fs::path("/etc/nut") / name;
    if (::access(etc.c_str(), R_OK) != 0) continue;
    const auto md5 = t::runProcess({"md5sum", etc.string()});
    const bool pristine =
        md5.status == 0 && md5.out.size() >= 32 &&
        md5s.out.find(etc.string() + " " + md5.out.substr(0, 32)) != std::string::npos;
    CAPTURE(etc);
    if (pristine) CHECK(slurp(etc) == slurp(nutDir("nut-2.8.0-samples") / name));
    fs::copy_file(etc, dir.path / name);
    ++copied;
  }
  if (copied == 0) {
    MESSAGE("no readable /etc/nut here (nut-client not installed): nothing to import");
    return;
  }
  const auto bin = t::hidupsdBinary().string();
  const auto r = t::runProcess({bin, "--import-nut", dir.path.string()});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const auto config = dir.path / "hidupsd.toml";
  std::ofstream(config) << r.out;
  const auto check = t::runProcess({bin, "--check-config", "-c", config.string()});
  CHECK_MESSAGE(check.status == 0, check.err);
  CHECK(check.out.find("simulation = true\n") != std::string::npos);
}

TEST_CASE("hidupsd --import-nut on garbage: errors at FILE:LINE:COL only, never a crash") {
  const auto bin = t::hidupsdBinary().string();
  std::mt19937 random(24); // fixed: the same bytes every run
  for (const char* name : kNutFiles) {
    CAPTURE(name);
    Scratch dir;
    std::string bytes(64 * 1024, '\0');
    for (auto& b : bytes)
      b = static_cast<char>(random() % 256);
    std::ofstream(dir.path / name, std::ios::binary) << bytes;
    const auto r = t::runProcess({bin, "--import-nut", dir.path.string()});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    checkAllPlaced(r.err, dir.path.string());
  }
  SUBCASE("a quote open on every line of every file: one error per line, in file order") {
    Scratch dir;
    for (const char* name : kNutFiles)
      std::ofstream(dir.path / name) << "A \"b\nC \"d\n";
    const auto r = t::runProcess({bin, "--import-nut", dir.path.string()});
    CHECK(r.status == 1);
    checkAllPlaced(r.err, dir.path.string());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 12);
  }
}
