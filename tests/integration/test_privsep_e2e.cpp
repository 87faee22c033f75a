// SPDX-License-Identifier: GPL-2.0-or-later
// Privilege separation, end to end: who owns the listening sockets, and what killing the
// listener does (nothing to the monitor or a shutdown in progress; it comes back).
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/support/daemon_support.hpp"
#include "tests/support/fake_pve.hpp"
#include "tests/support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;
using namespace hidupsd::test::daemon;
using namespace std::chrono_literals;

/// Two VMs that take `seconds` each to shut down.
std::string twoGuests(double seconds) {
  nlohmann::json guests = nlohmann::json::array();
  for (int id : {100, 101})
    guests.push_back({{"type", "vm"},
                      {"id", id},
                      {"name", "vm" + std::to_string(id)},
                      {"status", "running"},
                      {"shutdown", std::to_string(seconds)}});
  return nlohmann::json{{"node", "pve1"}, {"guests", guests}}.dump();
}

/// The socket inodes listening on TCP `port` (IPv4 and IPv6), from /proc/net/tcp{,6}.
std::set<std::string> listeningInodes(std::uint16_t port) {
  std::set<std::string> out;
  char hex[8];
  std::snprintf(hex, sizeof hex, ":%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line); // the header
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      words >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state == "0A" && local.ends_with(hex)) out.insert(inode);
    }
  }
  return out;
}

/// The processes holding any of `inodes` open.
std::set<pid_t> socketOwners(const std::set<std::string>& inodes) {
  std::set<pid_t> out;
  for (const auto& proc : fs::directory_iterator("/proc")) {
    const auto name = proc.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec)) {
      const auto target = fs::read_symlink(fd.path(), ec).string();
      if (ec || !target.starts_with("socket:[")) continue;
      if (inodes.contains(target.substr(8, target.size() - 9))) out.insert(std::stoi(name));
    }
  }
  return out;
}

/// A field of /proc/PID/status ("Uid", "CapEff"), its text after the colon.
std::string statusField(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(field + ":")) {
      const auto value = line.substr(field.size() + 1);
      return value.substr(value.find_first_not_of(" \t"));
    }
  return "";
}

/// The pids the daemon's log names as serving listeners ("listener (pid N) serving …"), in order.
std::vector<pid_t> servingListeners(const std::string& log) {
  std::vector<pid_t> out;
  static const std::regex serving("listener \\(pid ([0-9]+)\\) serving as uid ([0-9]+)");
  for (std::sregex_iterator it(log.begin(), log.end(), serving), end; it != end; ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

bool upscAnswers(std::uint16_t port) {
  return t::runProcess({"/usr/bin/upsc", "ups@127.0.0.1:" + std::to_string(port), "ups.status"})
             .status == 0;
}

} // namespace

TEST_CASE("privilege separation: the listening sockets are an unprivileged process's; killing "
          "it stops neither the monitor nor the shutdown, and it comes back") {
  TempDir dir;
  t::FakePve pve(twoGuests(4.0));
  const std::uint16_t nutPort = freeLoopbackPort();
  const std::uint16_t httpPort = freeLoopbackPort();
  // Mains lost at 6 s, low battery at 8 s: time to look at the sockets and kill the listener
  // once on mains first.
  const auto replay = writeReplay(dir / "ups.replay", outageAt(6) + lowBatteryAt(8));
  writeFile(dir / "hidupsd.toml",
            "[device]\nreplay = \"" + replay.string() +
                "\"\npoll_interval = 1\n[policy]\non_battery_delay = 1\nsimulation = false\n"
                "[shutdown]\nhost_command = [\"" +
                pve.poweroff() + "\"]\nkill_power_flag = \"" + (dir / "killpower").string() +
                "\"\n[proxmox]\nqm = \"" + pve.qm() + "\"\npct = \"" + pve.pct() +
                "\"\npvesh = \"" + pve.pvesh() + "\"\npmxcfs = \"" + pve.pmxcfs().string() +
                "\"\n[comeback]\nstate_file = \"" + (dir / "comeback").string() + "\"\n[log]\n" +
                logFileSection(dir / "events.log") +
                "[serve.nut]\nlisten = \"127.0.0.1:" + std::to_string(nutPort) +
                "\"\nhostsync = 3\n[[serve.nut.users]]\nname = \"monsec\"\npassword = "
                "\"secpw\"\nrights = [\"secondary\"]\n[serve.metrics]\nlisten = \"127.0.0.1:" +
                std::to_string(httpPort) +
                "\"\ndashboard = true\naction_token = \"0123456789abcdef0123\"\n"
                "[serve.control]\nsocket = \"" +
                (dir / "control.sock").string() + "\"\n");
  HidupsdProcess daemon(dir, {"-c", (dir / "hidupsd.toml").string()});
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "listener (pid "), daemon.err());
  REQUIRE(eventually([&] { return upscAnswers(nutPort); }));
  const auto first = servingListeners(daemon.err());
  REQUIRE(first.size() == 1);
  const pid_t listener = first[0];
  CHECK(listener != daemon.pid());

  // Every listening socket of the servers is the listener's, and only the listener's.
  for (const auto port : {nutPort, httpPort}) {
    CAPTURE(port);
    const auto inodes = listeningInodes(port);
    REQUIRE_FALSE(inodes.empty());
    CHECK(socketOwners(inodes) == std::set<pid_t>{listener});
  }
  const auto uids = statusField(listener, "Uid");
  CAPTURE(uids);
  CHECK(statusField(listener, "CapEff") == "0000000000000000");
  CHECK(statusField(listener, "NoNewPrivs") == "1");
  CHECK(statusField(listener, "Seccomp") == "2");
  if (::geteuid() == 0) {
    // Real, effective, saved and file-system uid: none is root; nothing can be regained.
    CHECK(uids.find_first_of("123456789") != std::string::npos);
    std::istringstream words(uids);
    for (std::string uid; words >> uid;)
      CHECK(uid != "0");
    CHECK(statusField(listener, "CapPrm") == "0000000000000000");
    CHECK(statusField(listener, "CapBnd") == "0000000000000000");
    CHECK(fs::read_symlink("/proc/" + std::to_string(listener) + "/root") ==
          "/run/hidupsd-listener");
  } else {
    MESSAGE("not root: the uid and chroot checks need a daemon started as root");
  }

  // The listener holds no credential: the dashboard's token is checked by the daemon. A wrong
  // one is 401 (not 404 "actions off": the listener knows actions are on, not the token).
  {
    httplib::Client http("127.0.0.1", httpPort);
    const auto session = http.Get("/api/v1/session");
    REQUIRE(session);
    const auto csrf = nlohmann::json::parse(session->body)["csrf"].get<std::string>();
    const auto press = [&](const std::string& credential) {
      return http.Post("/api/v1/actions/beeper-mute",
                       {{"Origin", "http://127.0.0.1:" + std::to_string(httpPort)}},
                       nlohmann::json{{"csrf", csrf}, {"credential", credential}}.dump(),
                       "application/json");
    };
    const auto wrong = press("not-the-token");
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    std::this_thread::sleep_for(1100ms); // the address waits 1 s after a wrong credential
    const auto right = press("0123456789abcdef0123");
    REQUIRE(right);
    // The daemon acted (whether this UPS has a beeper or not: 200 or 502), after its own check.
    CHECK_MESSAGE((right->status == 200 || right->status == 502), right->body);
    CHECK(waitForContent(dir / "events.log", "dashboard action beeper-mute from 127.0.0.1"));
  }

  // Killed on mains: the daemon goes on and starts it again (1 s back-off).
  REQUIRE(::kill(listener, SIGKILL) == 0);
  REQUIRE_MESSAGE(waitForContent(daemon.errPath(), "was killed by signal 9"), daemon.err());
  REQUIRE_MESSAGE(eventually([&] { return servingListeners(daemon.err()).size() == 2; }),
                  daemon.err());
  CHECK(eventually([&] { return upscAnswers(nutPort); }));
  const pid_t second = servingListeners(daemon.err())[1];
  CHECK(second != listener);
  CHECK(socketOwners(listeningInodes(nutPort)) == std::set<pid_t>{second});

  // The outage: the monitor saw it; the shutdown starts; the listener is killed while the
  // guests stop: the pipeline goes on to the host command, and the listener comes back.
  const auto events = dir / "events.log";
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline started", 30s), readIfAny(events));
  REQUIRE(::kill(second, SIGKILL) == 0);
  REQUIRE_MESSAGE(waitForContent(events, "shutdown pipeline finished", 40s), readIfAny(events));
  const auto log = readIfAny(events);
  CAPTURE(log);
  CHECK(missingInOrder(log, {"onbatt", "lowbatt", "shutdown pipeline started",
                             "guests: 2 of 2 stopped cleanly", "powering off the host"}) == "");
  CHECK(pve.started("poweroff").size() == 1);
  CHECK(eventually([&] { return servingListeners(daemon.err()).size() == 3; }));
  CHECK(daemon.running());
  daemon.signal(SIGTERM);
  CHECK(daemon.waitExit() == 0);
  // The daemon's stop ends the listener too.
  const auto all = servingListeners(daemon.err());
  CHECK(::kill(all.back(), 0) != 0);
}
