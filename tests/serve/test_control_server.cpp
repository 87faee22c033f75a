// SPDX-License-Identifier: GPL-2.0-or-later
// ControlServer on a real Unix socket: answers, permissions, stale files, and hostile clients.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "lib/unique_fd.hpp"
#include "serve/control_server.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// A fresh folder for one test's socket.
struct SocketDir {
  fs::path dir = fs::temp_directory_path() / ("hidupsd-control-" + std::to_string(::getpid()) +
                                              "-" + std::to_string(counter++));
  SocketDir() { fs::remove_all(dir); }
  ~SocketDir() { fs::remove_all(dir); }
  fs::path sock() const { return dir / "sub" / "control.sock"; }
  static inline int counter = 0;
};

serve::ControlServerOptions optionsAt(const fs::path& path) {
  serve::ControlServerOptions o;
  o.path = path;
  o.maxClients = 3;
  o.maxRequest = 32;
  o.clientTimeout = 500ms;
  return o;
}

std::optional<std::string> echoStatus(std::string_view request) {
  if (request == "status") return std::string("{\"ok\": true}\n");
  if (request == "big") return std::string(4 << 20, 'x');
  return std::nullopt;
}

/// A raw client: connected, nothing sent.
lib::UniqueFd connectRaw(const fs::path& path) {
  lib::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.valid());
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  timeval tv{20, 0}; // far past every bound the server keeps: a hung test fails, not hangs
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/// Everything the server sends until it closes (or 20 s pass: then "<timeout>").
std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return out;
    if (n < 0) return errno == EAGAIN ? out + "<timeout>" : out + "<error>";
    out.append(buf, static_cast<std::size_t>(n));
  }
}

mode_t modeOf(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

} // namespace

TEST_CASE("a status request is answered and the connection closed; others get an error") {
  SocketDir d;
  serve::ControlServer server(optionsAt(d.sock()), echoStatus);
  server.start();
  CHECK(serve::askControl(d.sock(), "status") == "{\"ok\": true}\n");
  CHECK(serve::askControl(d.sock(), "status\r") == "{\"ok\": true}\n"); // CRLF from socat
  CHECK(serve::askControl(d.sock(), "reboot\x01") ==
        "error: unknown request 'reboot?'; requests: status\n");
  CHECK(modeOf(d.sock()) == 0600); // no group: root only
  CHECK(modeOf(d.sock().parent_path()) == 0755);
  server.stop();
  CHECK_FALSE(fs::exists(d.sock()));
  CHECK_THROWS_AS(serve::askControl(d.sock(), "status"), std::system_error);
}

TEST_CASE("with a group the socket is 0660 and that group's") {
  SocketDir d;
  auto o = optionsAt(d.sock());
  o.group = ::getegid();
  serve::ControlServer server(o, echoStatus);
  server.start();
  struct stat st {};
  REQUIRE(::stat(d.sock().c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0660);
  CHECK(st.st_gid == ::getegid());
}

TEST_CASE("a stale socket file is replaced; a live one or another file is not") {
  SocketDir d;
  {
    serve::ControlServer first(optionsAt(d.sock()), echoStatus);
    first.start();
    serve::ControlServer second(optionsAt(d.sock()), echoStatus);
    CHECK_THROWS_WITH(second.start(), doctest::Contains("another hidupsd answers"));
    CHECK(serve::askControl(d.sock(), "status") == "{\"ok\": true}\n"); // still the first
  }
  // A daemon killed with -9 leaves its socket file: a bound socket nobody listens on.
  lib::UniqueFd dead(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", d.sock().c_str());
  REQUIRE(::bind(dead.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  dead.reset();
  serve::ControlServer next(optionsAt(d.sock()), echoStatus);
  next.start();
  CHECK(serve::askControl(d.sock(), "status") == "{\"ok\": true}\n");
  next.stop();
  std::ofstream(d.sock()) << "not a socket";
  serve::ControlServer third(optionsAt(d.sock()), echoStatus);
  CHECK_THROWS_WITH(third.start(), doctest::Contains("is not a socket"));
  CHECK(fs::is_regular_file(d.sock()));
}

TEST_CASE("a path too long for a Unix socket is refused, naming it") {
  serve::ControlServer server(optionsAt("/run/" + std::string(120, 'a')), echoStatus);
  CHECK_THROWS_AS(server.start(), std::system_error);
}

TEST_CASE("hostile clients: a long request, a silent one, too many at once, one that never reads") {
  SocketDir d;
  serve::ControlServer server(optionsAt(d.sock()), echoStatus);
  server.start();

  SUBCASE("a request past max_request is answered an error and closed") {
    const auto fd = connectRaw(d.sock());
    const std::string junk(100, 'A');
    ::send(fd.get(), junk.data(), junk.size(), MSG_NOSIGNAL);
    // The rest it sent is never read: the close may reach it as a reset after the answer.
    const auto got = readAll(fd.get());
    CHECK_MESSAGE(got.starts_with("error: request longer than 32 bytes\n"), got);
  }
  SUBCASE("a client that sends nothing is closed at its deadline, and frees its slot") {
    const auto start = std::chrono::steady_clock::now();
    std::vector<lib::UniqueFd> silent;
    for (int i = 0; i < 3; ++i)
      silent.push_back(connectRaw(d.sock()));
    for (auto& fd : silent)
      CHECK(readAll(fd.get()).empty()); // closed, not "<timeout>"
    CHECK(std::chrono::steady_clock::now() - start < 15s);
    CHECK(serve::askControl(d.sock(), "status") == "{\"ok\": true}\n");
  }
  SUBCASE("one client more than max_clients is told busy; the others are still served") {
    std::vector<lib::UniqueFd> held;
    for (int i = 0; i < 3; ++i)
      held.push_back(connectRaw(d.sock()));
    std::this_thread::sleep_for(100ms); // the server accepts them first
    const auto extra = connectRaw(d.sock());
    CHECK(readAll(extra.get()) == "error: busy, try again\n");
    ::send(held[0].get(), "status\n", 7, MSG_NOSIGNAL);
    CHECK(readAll(held[0].get()) == "{\"ok\": true}\n");
  }
  SUBCASE("a client that asks for a big answer and never reads is dropped at its deadline") {
    const auto greedy = connectRaw(d.sock());
    ::send(greedy.get(), "big\n", 4, MSG_NOSIGNAL);
    std::this_thread::sleep_for(1500ms); // past clientTimeout: the server gave up on it
    CHECK(serve::askControl(d.sock(), "status") == "{\"ok\": true}\n");
    const std::string got = readAll(greedy.get());
    CHECK(got.size() < (4u << 20)); // cut short
  }
  SUBCASE("a handler that throws is an error answer, and the server goes on") {
    server.stop();
    serve::ControlServer failing(
        optionsAt(d.sock()),
        [](std::string_view) -> std::optional<std::string> { throw std::runtime_error("boom"); });
    failing.start();
    CHECK(serve::askControl(d.sock(), "status") == "error: internal error\n");
    CHECK(serve::askControl(d.sock(), "status") == "error: internal error\n");
  }
}

TEST_CASE(
    "askControl: a server that does not answer in time is ETIMEDOUT; a huge answer is refused") {
  SocketDir d;
  fs::create_directories(d.sock().parent_path());
  lib::UniqueFd mute(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", d.sock().c_str());
  REQUIRE(::bind(mute.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(mute.get(), 4) == 0);
  try {
    serve::askControl(d.sock(), "status", 300ms);
    FAIL("no timeout");
  } catch (const std::system_error& e) {
    CHECK(e.code().value() == ETIMEDOUT);
  }
  mute.reset();
  fs::remove(d.sock());
  auto o = optionsAt(d.sock());
  o.clientTimeout = 10s; // the 1 MiB must arrive before the server gives up, even under load
  serve::ControlServer server(o, echoStatus);
  server.start();
  CHECK_THROWS_WITH(serve::askControl(d.sock(), "big", 10s, 1 << 20),
                    doctest::Contains("an answer over"));
}
