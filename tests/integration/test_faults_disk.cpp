// SPDX-License-Identifier: GPL-2.0-or-later
// The fault matrix: the event log on a really full file system (a 64 KiB tmpfs), mid-outage.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/fault_support.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace hidupsd::test::faults;

constexpr const char* kUnshare = "/usr/bin/unshare";

/// unshare(1) options that give a child its own mount namespace here: "-m"
/// as root, "-Urm" in a user namespace otherwise; "" when neither works.
std::string unshareOptions() {
  for (const char* options : {"-m", "-Urm"})
    if (t::runProcess({kUnshare, options, "/bin/true"}).status == 0) return options;
  return "";
}

/// The wrapper: a private mount namespace, a 64 KiB tmpfs on `mountDir`
/// holding `history` as events.log and a filler that takes every byte left,
/// then exec hidupsd (same pid: its files are seen through /proc/PID/root).
std::vector<std::string> fullDiskWrapper(const std::string& options, const fs::path& mountDir,
                                         const fs::path& history) {
  const std::string script = "mount -t tmpfs -o size=64k hidupsd-full \"$1\" || exit 97\n"
                             "cp \"$2\" \"$1/events.log\" || exit 97\n"
                             "head -c 1048576 /dev/zero > \"$1/filler\" 2>/dev/null\n"
                             "shift 2\nexec \"$@\"\n";
  return {kUnshare, options, "/bin/sh", "-c", script, "sh", mountDir.string(), history.string()};
}

/// Earlier outages' lines, exactly `bytes` long (whole tmpfs pages: the
/// daemon's first write needs a new page, and there is none).
std::string history(std::size_t bytes) {
  std::string out;
  for (int i = 0; out.size() + 64 <= bytes; ++i) {
    std::string line = "2025-11-25 20:00:00 onbatt: an earlier outage, line " + std::to_string(i);
    line.resize(63, '.');
    out += line + "\n";
  }
  REQUIRE(out.size() == bytes);
  return out;
}

} // namespace

// Real ENOSPC, not /dev/full: a tmpfs filled by another file. The daemon
// starts on the full disk, mains fail at 1 s, low battery at 3 s; once the
// pipeline is done the filler goes, and mains come back at 9 s.
TEST_CASE("fault: the event log on a full tmpfs: the shutdown completes, writing resumes") {
  const std::string options = unshareOptions();
  if (options.empty()) {
    MESSAGE("skipped: no mount namespace here (unshare -m and -Urm fail); test_daemon's "
            "/dev/full case covers the write errors");
    return;
  }
  ScenarioOptions o;
  o.timeline = outageAt(1) + lowBatteryAt(3) + mainsBackAt(9);
  Scenario s(vmsBehaving({"1", "1"}), o);
  const auto mountDir = s.dir / "full";
  fs::create_directories(mountDir);
  const std::string old = history(2 * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
  writeFile(s.dir / "history", old);
  o.logFile = mountDir / "events.log";
  writeFile(s.config, faultConfig(s.dir, s.pve, s.replay, o));
  s.start(fullDiskWrapper(options, mountDir, s.dir / "history"));
  const std::string enospc = "cannot write to " + o.logFile.string() + ": No space left on device";
  REQUIRE_MESSAGE(waitForContent(s.daemon->errPath(), enospc), s.daemon->err());
  const auto inside = fs::path("/proc") / std::to_string(s.daemon->pid()) / "root";
  s.log.setPath(inside / o.logFile.relative_path());
  CHECK(s.log.read() == old); // nothing written, nothing lost

  const auto powerOff = waitPowerOff(s.pve);
  REQUIRE_MESSAGE(powerOff.has_value(), s.daemon->err());
  MESSAGE("low battery -> host command on the full disk: " << *powerOff - s.atReplay(3) << " s");
  CHECK(*powerOff - s.atReplay(3) <= kQuickPowerOff);
  CHECK(fs::exists(s.dir / "killpower")); // on another file system: written
  REQUIRE_MESSAGE(waitForContent(s.daemon->errPath(), "pipeline: shutdown pipeline finished"),
                  s.daemon->err());
  CHECK(s.log.read() == old);

  fs::remove(inside / mountDir.relative_path() / "filler"); // space is back
  REQUIRE_MESSAGE(s.log.waitFor("online"), s.daemon->err());
  CHECK(s.log.lostLines() == "");
  const std::string err = s.daemon->err();
  CAPTURE(err);
  CHECK(linesWith(err, "cannot write to") == 1); // one error per failure streak
  CHECK(linesWith(err, "writing to " + o.logFile.string() + " again") == 1);
  CHECK(missingInOrder(err, {"event: lowbatt", "event: shutdown", "event: online"}) == "");
  requireAliveThenStop(*s.daemon);
}
