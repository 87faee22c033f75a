// SPDX-License-Identifier: GPL-2.0-or-later
// UniqueFd: one owner per descriptor; a destructor, a move-assignment or a reset closes at once.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "lib/unique_fd.hpp"

using hidupsd::lib::UniqueFd;

namespace {

bool isOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    read = fds[0];
    write = fds[1];
  }
};

} // namespace

TEST_CASE("the destructor closes; an empty owner closes nothing") {
  Pipe p;
  {
    UniqueFd r(p.read);
    UniqueFd w(p.write);
    UniqueFd none;
    CHECK(r.valid());
    CHECK(r.get() == p.read);
    CHECK_FALSE(none.valid());
    CHECK(none.get() == -1);
  }
  CHECK_FALSE(isOpen(p.read));
  CHECK_FALSE(isOpen(p.write));
}

TEST_CASE("a move-assignment closes the descriptor held before at once") {
  Pipe p;
  UniqueFd a(p.read);
  UniqueFd b(p.write);
  a = std::move(b);
  CHECK_FALSE(isOpen(p.read)); // not when b goes away: now
  CHECK(a.get() == p.write);
  CHECK_FALSE(b.valid()); // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(isOpen(p.write));
}

TEST_CASE("a move-construction transfers; release gives up without closing; reset closes") {
  Pipe p;
  UniqueFd a(p.read);
  UniqueFd moved(std::move(a));
  CHECK_FALSE(a.valid()); // NOLINT(bugprone-use-after-move)
  CHECK(moved.get() == p.read);

  const int raw = moved.release();
  CHECK(raw == p.read);
  CHECK_FALSE(moved.valid());
  CHECK(isOpen(p.read));

  moved.reset(raw);
  UniqueFd w(p.write);
  w.reset();
  CHECK_FALSE(isOpen(p.write));
  moved.reset(moved.get()); // the same descriptor again: kept, not closed
  CHECK(isOpen(p.read));
  moved.reset();
  CHECK_FALSE(isOpen(p.read));
}
