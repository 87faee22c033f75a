// SPDX-License-Identifier: GPL-2.0-or-later
// dropPrivileges and applySyscallFilter, each in a forked child (they cannot be undone): what
// the listener can no longer do.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <thread>

#include "lib/privileges.hpp"

namespace {

/// Runs `body` in a forked child; its exit status, or 128 + the signal that ended it.
int inChild(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int rc = 99;
    try {
      rc = body();
    } catch (...) {
      rc = 98;
    }
    ::_exit(rc);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Drops, then filters: as the listener does.
void sandbox(const std::filesystem::path& root) {
  hidupsd::lib::dropPrivileges("hidupsd-listener", root);
  hidupsd::lib::applySyscallFilter();
}

} // namespace

TEST_CASE("the listener's sandbox: no new socket, no identity change, no namespace, no new "
          "process, no exec; threads and socket pairs still work") {
  char dir[] = "/tmp/hidupsd-empty-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  REQUIRE(::chmod(dir, 0555) == 0);
  const std::filesystem::path root = dir;

  CHECK(inChild([&] {
          sandbox(root);
          errno = 0;
          if (::socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT) return 1;
          if (::socket(AF_INET6, SOCK_DGRAM, 0) >= 0 || errno != EAFNOSUPPORT) return 2;
          if (::socket(AF_NETLINK, SOCK_RAW, 0) >= 0) return 3;
          if (::socket(AF_UNIX, SOCK_STREAM, 0) >= 0) return 4;
          int pair[2];
          if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 8; // in-process pipes
          if (::setuid(0) == 0 || ::setgid(0) == 0) return 5;
          int ran = 0;
          std::thread([&] { ran = 1; }).join(); // clone3 refused, clone without CLONE_NEW*
          if (ran != 1) return 6;
          if (hidupsd::lib::effectiveCapabilities() != 0) return 7;
          return 0;
        }) == 0);
  // A call an attacker would need kills the process (SIGSYS), not an error it could retry.
  CHECK(inChild([&] {
          sandbox(root);
          ::unshare(CLONE_NEWUSER);
          return 0;
        }) == 128 + SIGSYS);
  CHECK(inChild([&] {
          sandbox(root);
          ::fork(); // a child would outlive the listener's SIGKILL with its sockets
          return 0;
        }) == 128 + SIGSYS);
  CHECK(inChild([&] {
          sandbox(root);
          ::syscall(SYS_io_uring_setup, 8, nullptr); // its operations bypass the filter
          return 0;
        }) == 128 + SIGSYS);
  CHECK(inChild([&] {
          sandbox(root);
          const char* argv[] = {"/bin/true", nullptr};
          ::execv(argv[0], const_cast<char* const*>(argv));
          return 0;
        }) == 128 + SIGSYS);

  if (::geteuid() == 0) {
    // As root: another user, no capabilities at all, locked in the empty folder.
    CHECK(inChild([&] {
            const auto d = hidupsd::lib::dropPrivileges("hidupsd-listener", root);
            if (!d.wasRoot || d.uid == 0 || ::getuid() == 0 || ::geteuid() == 0) return 1;
            if (hidupsd::lib::effectiveCapabilities() != 0) return 2;
            if (::open("/etc/passwd", O_RDONLY) >= 0) return 3; // outside the root
            if (::setuid(0) == 0) return 4;
            if (::mkdir("/x", 0700) == 0) return 5; // the root is not the user's to write
            return 0;
          }) == 0);
    // A folder others may write, or one with something in it, is refused before chroot.
    REQUIRE(::chmod(dir, 0777) == 0);
    CHECK(inChild([&] {
            try {
              hidupsd::lib::dropPrivileges("hidupsd-listener", root);
            } catch (const std::runtime_error& e) {
              return std::string(e.what()).find("writable by root only") != std::string::npos ? 0
                                                                                              : 2;
            }
            return 1;
          }) == 0);
  } else {
    MESSAGE("not root: the user switch and the chroot are checked when the tests run as root");
  }
  std::filesystem::remove(root);
}
