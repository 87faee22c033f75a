// SPDX-License-Identifier: GPL-2.0-or-later
// Attackers for the hardening tests, loopback only, bounded in count and time: an idle HTTP
// flood, chattering NUT connections, a huge chunked POST, and a sampler of a process's
// descriptors and memory.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace hidupsd::test {

/// Keeps `count` TCP connections to 127.0.0.1:port open and silent; one the server closes is
/// opened again (at most `reconnectsPerSecond` a second, so the flood never stops but does
/// not burn the machine). One thread; stops and closes everything on destruction.
class IdleFlood {
public:
  IdleFlood(std::uint16_t port, std::size_t count, std::size_t reconnectsPerSecond = 500);
  virtual ~IdleFlood();
  IdleFlood(const IdleFlood&) = delete;
  IdleFlood& operator=(const IdleFlood&) = delete;
  /// Connections opened so far (first ones and reconnections).
  std::size_t opened() const noexcept { return opened_.load(); }
  /// Connections the server closed so far.
  std::size_t closedByServer() const noexcept { return closed_.load(); }

protected:
  struct Deferred {}; ///< a subclass starts the thread once it is constructed
  IdleFlood(std::uint16_t port, std::size_t count, std::size_t reconnectsPerSecond, Deferred);
  /// Called for each connected socket (after connect completed) and each readable one.
  virtual void onConnected(int) {}
  virtual bool onReadable(int fd); ///< false: the peer closed it
  virtual void onTick(int) {}
  void start();
  void stop() noexcept;

private:
  void run() noexcept;
  std::uint16_t port_;
  std::size_t count_;
  std::size_t perSecond_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> opened_{0};
  std::atomic<std::size_t> closed_{0};
  std::thread thread_;
};

/// `count` NUT connections, each sending "VER" every `period` (staggered) and reading the
/// answers; reopened when the server closes them.
class NutChatter final : public IdleFlood {
public:
  NutChatter(std::uint16_t port, std::size_t count, std::chrono::milliseconds period);
  ~NutChatter() override;
  std::size_t answers() const noexcept { return answers_.load(); }

private:
  bool onReadable(int fd) override;
  void onTick(int fd) override;
  std::chrono::milliseconds period_;
  std::atomic<std::size_t> answers_{0};
};

/// One POST of `bytes` in 1 MiB chunks (Transfer-Encoding: chunked) to 127.0.0.1:port/path,
/// sent as fast as the server takes it, on its own thread.
class ChunkedPost {
public:
  ChunkedPost(std::uint16_t port, std::size_t bytes);
  ~ChunkedPost();
  ChunkedPost(const ChunkedPost&) = delete;
  ChunkedPost& operator=(const ChunkedPost&) = delete;
  std::size_t sent() const noexcept { return sent_.load(); }
  bool finished() const noexcept { return finished_.load(); }

private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::size_t> sent_{0};
  std::thread thread_;
};

/// Samples a process's open descriptors (/proc/PID/fd) every 50 ms; the peak.
class ProcessSampler {
public:
  explicit ProcessSampler(pid_t pid);
  ~ProcessSampler();
  ProcessSampler(const ProcessSampler&) = delete;
  ProcessSampler& operator=(const ProcessSampler&) = delete;
  std::size_t peakDescriptors() const noexcept { return peakFds_.load(); }
  /// The peak resident memory (VmHWM) in KiB, read now: the kernel keeps the peak.
  long peakRssKiB() const;

private:
  pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> peakFds_{0};
  std::thread thread_;
};

/// Raises this process's soft descriptor limit to its hard limit (a flood of 1,400
/// connections needs more than a shell's 1,024).
void raiseDescriptorLimit();

} // namespace hidupsd::test
