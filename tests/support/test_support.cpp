// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the test executables.
#include "tests/support/test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace hidupsd::test {

namespace {
std::filesystem::path envPath(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::filesystem::path(v) : std::filesystem::path(fallback);
}
} // namespace

std::filesystem::path fixturesDir() { return envPath("HIDUPSD_FIXTURES", "../shared/fixtures"); }
std::filesystem::path testDataDir() { return envPath("HIDUPSD_TESTDATA", "tests/data"); }
std::filesystem::path hidupsdBinary() { return envPath("HIDUPSD_BIN", "hidupsd"); }

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> fixtureNames() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(fixturesDir()))
    if (e.path().extension() == ".replay") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  if (names.empty()) throw std::runtime_error("no fixtures in " + fixturesDir().string());
  return names;
}

std::vector<std::string> fixturesWithExpected() {
  std::vector<std::string> out;
  for (const auto& n : fixtureNames())
    if (std::filesystem::exists(fixturesDir() / (n + ".expected.txt"))) out.push_back(n);
  return out;
}

std::uint16_t fixtureVendor(const std::string& name) {
  const auto text = readFile(fixturesDir() / (name + ".replay"));
  const auto at = text.find("device vendor=");
  if (at == std::string::npos) throw std::runtime_error(name + ".replay has no device line");
  return static_cast<std::uint16_t>(std::stoul(text.substr(at + 14, 4), nullptr, 16));
}

std::vector<std::uint8_t> hexBytes(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::istringstream in{std::string(text)};
  for (std::string tok; in >> tok;) {
    if (tok.size() != 2 || !std::isxdigit(static_cast<unsigned char>(tok[0])) ||
        !std::isxdigit(static_cast<unsigned char>(tok[1])))
      throw std::invalid_argument("bad hex byte '" + tok + "'");
    out.push_back(static_cast<std::uint8_t>(std::stoul(tok, nullptr, 16)));
  }
  return out;
}

std::vector<std::uint8_t> descriptorOfReplay(const std::filesystem::path& replay) {
  std::istringstream in(readFile(replay));
  std::vector<std::uint8_t> out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("descriptor ", 0) != 0) continue;
    auto hex = line.substr(11);
    if (auto hash = hex.find('#'); hash != std::string::npos) hex.resize(hash);
    auto bytes = hexBytes(hex);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

std::vector<ExpectedPath> readExpected(const std::filesystem::path& file) {
  static const std::regex line_re(
      R"(^Path: (\S+), Type: (\w+), ReportID: 0x([0-9a-fA-F]+), Offset: (\d+), Size: (\d+), Value: (\S+)$)");
  std::istringstream in(readFile(file));
  std::vector<ExpectedPath> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) throw std::runtime_error("unparsed line: " + line);
    out.push_back({m[1], m[2], static_cast<unsigned>(std::stoul(m[3], nullptr, 16)),
                   static_cast<unsigned>(std::stoul(m[4])), static_cast<unsigned>(std::stoul(m[5])),
                   m[6]});
  }
  return out;
}

ProcessResult runProcess(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  ProcessResult r;
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::runtime_error("cannot run " + argv[0]);
  }
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open = 2;
  while (open > 0 && ::poll(fds, 2, 30000) > 0) {
    for (auto& p : fds) {
      if (p.fd < 0 || p.revents == 0) continue;
      std::string& into = (p.fd == out[0]) ? r.out : r.err;
      char buf[4096];
      ssize_t n = ::read(p.fd, buf, sizeof buf);
      if (n > 0) {
        into.append(buf, static_cast<std::size_t>(n));
      } else {
        ::close(p.fd);
        p.fd = -1;
        --open;
      }
    }
  }
  for (auto& p : fds)
    if (p.fd >= 0) ::close(p.fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

} // namespace hidupsd::test
