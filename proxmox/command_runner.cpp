// SPDX-License-Identifier: GPL-2.0-or-later
// ProcessRunner over lib/child_process; DryRunRunner; how a result reads in a log.
#include "proxmox/command_runner.hpp"

#include <fmt/format.h>

#include <system_error>

#include "lib/child_process.hpp"

extern char** environ; // NOLINT: POSIX, the daemon's environment for its children

namespace hidupsd::proxmox {

namespace {

std::vector<std::string> currentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    env.emplace_back(*e);
  return env;
}

std::string firstLine(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = text.find('\n', begin);
  std::string line = text.substr(begin, end == std::string::npos ? end : end - begin);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  return line;
}

std::string seconds(std::chrono::milliseconds d) {
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

CommandResult fromProcess(const lib::ProcessResult& p) {
  CommandResult r;
  r.out = p.output;
  r.err = p.errors;
  r.duration = p.duration;
  r.abandoned = p.abandoned;
  if (p.timedOut || p.abandoned)
    r.status = CommandResult::Status::TimedOut;
  else if (p.signaled)
    r.status = CommandResult::Status::Signaled;
  r.exitCode = p.exitStatus;
  r.signal = p.termSignal;
  return r;
}

} // namespace

std::string CommandResult::describe() const {
  switch (status) {
  case Status::NotStarted: return "cannot start: " + startError;
  case Status::TimedOut:
    return "timed out after " + seconds(duration) +
           (abandoned ? " and left behind (it did not end even killed)" : "");
  case Status::Signaled: return fmt::format("killed by signal {}", signal);
  case Status::Exited: break;
  }
  std::string why = firstLine(err);
  if (why.empty()) why = firstLine(out);
  if (exitCode == 0 || why.empty()) return fmt::format("exit {}", exitCode);
  return fmt::format("exit {}: {}", exitCode, why);
}

ProcessRunner::ProcessRunner(std::chrono::milliseconds killGrace, std::size_t outputCap)
    : killGrace_(killGrace), outputCap_(outputCap) {}

CommandResult ProcessRunner::run(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  lib::ProcessOptions options;
  options.timeout = timeout;
  options.killGrace = killGrace_;
  options.outputCap = outputCap_;
  options.separateStderr = true;
  try {
    return fromProcess(lib::runProcess(argv, currentEnvironment(), options));
  } catch (const std::system_error& e) {
    CommandResult r;
    r.status = CommandResult::Status::NotStarted;
    r.startError = e.code().message();
    return r;
  } catch (const std::invalid_argument& e) {
    CommandResult r;
    r.status = CommandResult::Status::NotStarted;
    r.startError = e.what();
    return r;
  }
}

DryRunRunner::DryRunRunner(CommandRunner& real, ReadOnlyTest readOnly, WouldRun wouldRun)
    : real_(real), readOnly_(std::move(readOnly)), wouldRun_(std::move(wouldRun)) {}

CommandResult DryRunRunner::run(const std::vector<std::string>& argv,
                                std::chrono::milliseconds timeout) {
  if (readOnly_(argv)) return real_.run(argv, timeout);
  wouldRun_(argv);
  return {};
}

std::string commandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a)
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

} // namespace hidupsd::proxmox
