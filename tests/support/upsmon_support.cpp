// SPDX-License-Identifier: GPL-2.0-or-later
// UpsmonSecondary: a config in a temp dir, /lib/nut/upsmon -D in its own process group.
#include "tests/support/upsmon_support.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

namespace hidupsd::test {

namespace fs = std::filesystem;

namespace {

// Debian's /usr/sbin/upsmon is a wrapper that exits unless nut.conf's MODE enables it.
const fs::path kUpsmon = "/lib/nut/upsmon";

void writeConfig(const fs::path& dir, std::uint16_t port, const std::string& user,
                 const std::string& password, const UpsmonTls* tls) {
  std::ofstream conf(dir / "upsmon.conf");
  conf << "MONITOR ups@127.0.0.1:" << port << " 1 " << user << " " << password << " secondary\n"
       << "MINSUPPLIES 1\n"
       << "SHUTDOWNCMD \"/bin/sh -c 'echo done >> " << (dir / "shutdown").string() << "'\"\n"
       << "POWERDOWNFLAG " << (dir / "killpower").string() << "\n"
       << "POLLFREQ 1\nPOLLFREQALERT 1\nFINALDELAY 0\nDEADTIME 15\nRUN_AS_USER root\n";
  if (tls != nullptr)
    conf << "CERTPATH " << tls->certPath.string() << "\nCERTVERIFY " << int(tls->verify)
         << "\nFORCESSL " << int(tls->force) << "\n";
  conf.close();
  fs::permissions(dir / "upsmon.conf", fs::perms::owner_read | fs::perms::owner_write);
}

} // namespace

pid_t spawnInOwnGroup(std::vector<std::string> argv, std::vector<std::string> env,
                      const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args, envp;
  for (auto& a : argv)
    args.push_back(a.data());
  for (auto& e : env)
    envp.push_back(e.data());
  args.push_back(nullptr);
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  return pid;
}

std::string UpsmonSecondary::unavailable() {
  if (!fs::exists(kUpsmon)) return kUpsmon.string() + " (Debian's nut-client) is not installed";
  if (::geteuid() != 0) return "upsmon switches to RUN_AS_USER, which needs root";
  return "";
}

UpsmonSecondary::UpsmonSecondary(std::uint16_t port, const std::string& user,
                                 const std::string& password, const UpsmonTls* tls) {
  char pattern[] = "/tmp/hidupsd-upsmon-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  dir_ = pattern;
  writeConfig(dir_, port, user, password, tls);
  // upsmon 2.8.0 keeps its pid file in /run/nut whatever NUT_ALTPIDPATH says, and refuses to
  // start while the pid in it exists: an earlier test's upsmon, a zombie where nobody reaps
  // orphans (a container's init), counts. Tests run one upsmon at a time (is_parallel: false).
  std::error_code ignored;
  fs::remove("/run/nut/upsmon.pid", ignored);
  // -D: foreground with debug output. upsmon 2.8.0 keeps its pid file in /run/nut whatever
  // NUT_ALTPIDPATH says; NUT_CONFPATH and NUT_STATEPATH are honoured.
  std::vector<std::string> argv{kUpsmon.string(), "-D"};
  std::vector<std::string> env{"NUT_CONFPATH=" + dir_.string(), "NUT_STATEPATH=" + dir_.string(),
                               "NUT_ALTPIDPATH=" + dir_.string(),
                               "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  pid_ = spawnInOwnGroup(std::move(argv), std::move(env), dir_ / "upsmon.log");
}

UpsmonSecondary::~UpsmonSecondary() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string UpsmonSecondary::output() const {
  std::ifstream in(dir_ / "upsmon.log");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool UpsmonSecondary::exited() const {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

// SIGKILL to what is left of the group (upsmon forks) while the child is still a zombie,
// so the group id cannot have been reused; then the child is reaped.
void UpsmonSecondary::stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!exited() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

} // namespace hidupsd::test
