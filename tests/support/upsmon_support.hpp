// SPDX-License-Identifier: GPL-2.0-or-later
// Debian's upsmon (nut-client) run as a secondary of a NUT server on 127.0.0.1, for the tests.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hidupsd::test {

/// upsmon's STARTTLS settings: CERTPATH (an NSS database), CERTVERIFY, FORCESSL.
struct UpsmonTls {
  std::filesystem::path certPath;
  bool verify = true;
  bool force = true;
};

/// upsmon -D in the foreground, in its own process group, with a config in a
/// fresh temp dir: MONITOR ups@127.0.0.1:PORT as `user`/`password` secondary,
/// SHUTDOWNCMD appends "done" to shutdownFile(), polls every second. The whole
/// group is killed and reaped on destruction.
/// Starts `argv` with only `env`, in a process group of its own (killed as one), stdin from
/// /dev/null, stdout and stderr to `log` (created 0600). REQUIREs that it started.
pid_t spawnInOwnGroup(std::vector<std::string> argv, std::vector<std::string> env,
                      const std::filesystem::path& log);

class UpsmonSecondary {
public:
  /// Why it cannot run here ("" when it can): not installed, not root.
  static std::string unavailable();

  UpsmonSecondary(std::uint16_t port, const std::string& user, const std::string& password,
                  const UpsmonTls* tls = nullptr);
  ~UpsmonSecondary();
  UpsmonSecondary(const UpsmonSecondary&) = delete;
  UpsmonSecondary& operator=(const UpsmonSecondary&) = delete;

  std::filesystem::path shutdownFile() const { return dir_ / "shutdown"; }
  /// upsmon's own output so far.
  std::string output() const;
  /// SIGTERM to the group, SIGKILL after 3 s, then reaped. Idempotent.
  void stop();

private:
  bool exited() const;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

} // namespace hidupsd::test
