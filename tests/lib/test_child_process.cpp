// SPDX-License-Identifier: GPL-2.0-or-later
// runProcess on its own (the exec sink's and the command runner's tests use it through them).
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include "lib/child_process.hpp"

using hidupsd::lib::ProcessResult;
using hidupsd::lib::runProcess;
using namespace std::chrono_literals;

TEST_CASE("runProcess: output cap, signals") {
  const std::vector<std::string> env = {"PATH=/usr/bin:/bin"};
  ProcessResult r =
      runProcess({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}, env, {5s, 2s, 1000});
  CHECK(r.succeeded());
  CHECK(r.output == std::string(1000, 'x'));
  CHECK(r.truncated);
  r = runProcess({"/bin/sh", "-c", "kill -SEGV $$"}, env, {5s, 2s, 1000});
  CHECK(r.signaled);
  CHECK(r.termSignal == SIGSEGV);
}
