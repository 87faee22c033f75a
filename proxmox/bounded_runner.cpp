// SPDX-License-Identifier: GPL-2.0-or-later
// BoundedRunner: one thread per command, a bounded wait, and the command left behind past it.
#include "proxmox/bounded_runner.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include <fmt/format.h>

namespace hidupsd::proxmox {

namespace {

/// What the caller and the command's thread share; the last of the two frees it.
struct Shared {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<CommandResult> result;
};

} // namespace

BoundedRunner::BoundedRunner(CommandRunner& inner, std::chrono::milliseconds grace, AbandonLog log)
    : inner_(inner), grace_(grace), log_(std::move(log)) {}

CommandResult BoundedRunner::run(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  auto shared = std::make_shared<Shared>();
  try {
    std::thread([shared, &inner = inner_, argv, timeout] {
      CommandResult r;
      try {
        r = inner.run(argv, timeout);
      } catch (const std::exception& e) {
        r.status = CommandResult::Status::NotStarted;
        r.startError = e.what();
      }
      std::lock_guard lock(shared->mutex);
      shared->result = std::move(r);
      shared->done.notify_all();
    }).detach();
  } catch (const std::system_error&) {
    return inner_.run(argv, timeout); // no thread to spare: run it here, unbounded
  }
  const auto limit = timeout + grace_;
  std::unique_lock lock(shared->mutex);
  if (shared->done.wait_for(lock, limit, [&] { return shared->result.has_value(); }))
    return std::move(*shared->result);
  lock.unlock();
  CommandResult r;
  r.status = CommandResult::Status::TimedOut;
  r.abandoned = true;
  r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(limit);
  if (log_) {
    try {
      log_(fmt::format("{} did not end {:.1f} s after it was started, even killed: left behind "
                       "(stuck in the kernel?), going on without it",
                       commandLine(argv), static_cast<double>(limit.count()) / 1000.0));
    } catch (...) {
    }
  }
  return r;
}

} // namespace hidupsd::proxmox
