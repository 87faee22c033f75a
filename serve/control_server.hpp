// SPDX-License-Identifier: GPL-2.0-or-later
// ControlServer: the local control socket (`hidupsd --status`), one line asked, one answer.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "lib/unique_fd.hpp"

namespace hidupsd::serve {

struct ControlServerOptions {
  std::filesystem::path path;  ///< the socket (its folder is made, mode 0755, if missing)
  std::optional<gid_t> group;  ///< the socket's group (mode 0660); none: root only (0600)
  std::size_t maxClients = 8;  ///< at once; one more is answered "busy" and closed
  std::size_t maxRequest = 64; ///< bytes of the request line, newline included
  /// From accept to the last byte of the answer; a slower client is closed.
  std::chrono::milliseconds clientTimeout{2000};
};

/// The answer to one request line (without its newline); nullopt: not a request.
/// Called on the server's thread; must not block (it copies the daemon's state).
using ControlHandler = std::function<std::optional<std::string>(std::string_view request)>;

/// A Unix stream socket served by one thread (poll): a client sends one line
/// ("status"), gets one answer and is closed. Hostile input is bounded: clients at
/// once, the request's size, and the time a client may hold a slot; a client that
/// breaks a bound gets "error: …" (when it still reads) and is closed.
/// Thread rules: start()/stop() on one thread. start() throws std::system_error
/// when the socket cannot be made; stop() never throws and is idempotent.
class ControlServer {
public:
  ControlServer(ControlServerOptions options, ControlHandler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  /// Binds (replacing a stale socket file) and starts the thread.
  void start();
  /// Ends the thread, closes every client and removes the socket file.
  void stop() noexcept;
  const std::filesystem::path& path() const noexcept { return options_.path; }

private:
  void run() noexcept;

  ControlServerOptions options_;
  ControlHandler handler_;
  lib::UniqueFd listen_;
  lib::UniqueFd wake_; ///< an eventfd: stop() writes it
  std::thread thread_;
};

/// Asks the control socket at `path` one request and returns the whole answer.
/// Throws std::system_error (connect, read: e.g. ENOENT, ECONNREFUSED, EACCES,
/// ETIMEDOUT after `timeout`) and std::runtime_error for an answer over `maxAnswer`.
std::string askControl(const std::filesystem::path& path, std::string_view request,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5),
                       std::size_t maxAnswer = 1 << 20);

} // namespace hidupsd::serve
