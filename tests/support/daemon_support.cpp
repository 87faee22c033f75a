// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for tests that run hidupsd as a process.
#include "tests/support/daemon_support.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/test_support.hpp"

extern char** environ;

namespace hidupsd::test::daemon {

TempDir::TempDir() {
  static int counter = 0;
  path_ = fs::temp_directory_path() /
          ("hidupsd-test-daemon-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  REQUIRE(f.good());
}

std::string readIfAny(const fs::path& path) {
  std::ifstream f(path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

std::size_t countOf(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

bool waitForContent(const fs::path& path, std::string_view needle,
                    std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!contains(readIfAny(path), needle)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPollStep);
  }
  return true;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(kPollStep);
  }
  return true;
}

std::string missingInOrder(const std::string& text,
                           std::initializer_list<std::string_view> needles) {
  std::size_t from = 0;
  for (auto needle : needles) {
    const auto at = text.find(needle, from);
    if (at == std::string::npos) return std::string(needle);
    from = at + needle.size();
  }
  return "";
}

namespace {

/// Our environment without systemd's: a daemon under test must not notify our own manager.
std::vector<std::string> childEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("NOTIFY_SOCKET=") || entry.starts_with("WATCHDOG_")) continue;
    env.emplace_back(entry);
  }
  return env;
}

std::vector<char*> cStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

} // namespace

HidupsdProcess::HidupsdProcess(const TempDir& dir, std::vector<std::string> args)
    : HidupsdProcess(dir, std::move(args), {}) {}

HidupsdProcess::HidupsdProcess(const TempDir& dir, std::vector<std::string> args,
                               std::vector<std::string> wrapper)
    : out_(dir / "stdout"), err_(dir / "stderr") {
  args.insert(args.begin(), hidupsdBinary().string());
  args.insert(args.begin(), wrapper.begin(), wrapper.end());
  auto argv = cStrings(args);
  auto envStrings = childEnvironment();
  auto envp = cStrings(envStrings);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE_MESSAGE(rc == 0, "posix_spawn failed: " << rc);
}

HidupsdProcess::~HidupsdProcess() {
  if (exited_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0); // SIGKILL cannot be caught: this returns
}

void HidupsdProcess::signal(int sig) const { REQUIRE(::kill(pid_, sig) == 0); }

bool HidupsdProcess::running() {
  if (exited_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

std::optional<int> HidupsdProcess::waitExit(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
  return exitCode_;
}

fs::path writeReplay(const fs::path& path, const std::string& timeline) {
  writeFile(path, readFile(fixturesDir() / "eaton-3s-700.replay") + "\n" + timeline);
  return path;
}

std::string outageAt(int t) {
  const std::string at = "at " + std::to_string(t) + " set UPS.PowerSummary.PresentStatus.";
  return at + "ACPresent 0\n" + at + "Charging 0\n" + at + "Discharging 1\n";
}

std::string mainsBackAt(int t) {
  const std::string at = "at " + std::to_string(t) + " set UPS.PowerSummary.PresentStatus.";
  return at + "ACPresent 1\n" + at + "Discharging 0\n" + at + "Charging 1\n" + at +
         "BelowRemainingCapacityLimit 0\n";
}

std::string lowBatteryAt(int t) {
  return "at " + std::to_string(t) +
         " set UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit 1\n";
}

std::string daemonConfig(const fs::path& replay, const std::string& logSection,
                         const fs::path& historyFile) {
  return "[device]\nreplay = \"" + replay.string() +
         "\"\npoll_interval = 1\n"
         "[policy]\non_battery_delay = 1\n"
         "[history]\nfile = \"" +
         historyFile.string() + "\"\n[log]\n" + logSection;
}

std::string logFileSection(const fs::path& file) { return "file = \"" + file.string() + "\"\n"; }

std::uint16_t freeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  REQUIRE(ok);
  return ntohs(addr.sin_port);
}

} // namespace hidupsd::test::daemon
