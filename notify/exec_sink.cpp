// SPDX-License-Identifier: GPL-2.0-or-later
// ExecSink: argv + event name, UPS_* environment, runProcess, exit status → outcome.
#include "notify/exec_sink.hpp"

#include <cctype>
#include <cstring>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "lib/child_process.hpp"

extern char** environ; // POSIX: the daemon's environment

namespace hidupsd::notify {
namespace {

using lib::ProcessOptions;
using lib::ProcessResult;
using lib::runProcess;

using R = Delivery::Result;

constexpr std::chrono::milliseconds kKillGrace{2000};
constexpr std::size_t kOutputCap = 16 * 1024;

std::vector<std::string> daemonEnvironment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    out.emplace_back(*e);
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  return std::string(text);
}

std::string firstLine(const std::string& output) {
  std::string t = trimmed(output);
  return t.substr(0, t.find('\n'));
}

std::string withOutput(std::string head, const std::string& output) {
  return output.empty() ? head : head + ": " + output;
}

/// "10 s", or "500 ms" when not whole seconds.
std::string duration(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? fmt::format("{} s", d.count() / 1000)
                               : fmt::format("{} ms", d.count());
}

std::string signalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? abbrev : std::to_string(sig);
}

Delivery outcome(const ProcessResult& r, std::chrono::milliseconds timeout) {
  if (r.timedOut)
    return {R::Failed, {}, withOutput("timed out after " + duration(timeout), firstLine(r.output))};
  if (r.signaled)
    return {R::Failed,
            {},
            withOutput("killed by signal " + signalName(r.termSignal), firstLine(r.output))};
  if (r.exitStatus != 0)
    return {R::Failed, {}, withOutput(fmt::format("exit {}", r.exitStatus), firstLine(r.output))};
  return {R::Delivered, {}, withOutput("exit 0", trimmed(r.output))};
}

/// argv[0]'s last component: enough to tell which program, nothing more.
std::string programName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

ExecSink::ExecSink(ExecOptions options)
    : SinkBase("exec", std::move(options.common)), command_(std::move(options.command)),
      arguments_(std::move(options.arguments)) {}

std::string ExecSink::variableName(std::string_view nutName) {
  std::string out = "UPS_";
  for (char c : nutName) {
    auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) != 0 ? static_cast<char>(std::toupper(u)) : '_';
  }
  return out;
}

std::vector<std::string> ExecSink::environment(const Notification& n,
                                               const std::vector<std::string>& base,
                                               Language language) {
  std::map<std::string, std::string> ours;
  for (const auto& [name, value] : n.event.snapshot.variables)
    ours[variableName(name)] = value;
  ours["UPS_EVENT"] = std::string(core::eventName(n.event.kind));
  ours["UPS_HOST"] = n.host;
  ours["UPS_REASON"] = say(n.event.reason, language);
  ours["UPS_REASON_KEY"] = n.event.reason.key;
  ours["UPS_TIME"] = isoUtc(n.wallTime);
  if (!n.progress.empty()) ours["UPS_TEXT"] = say(n.progress, language);
  if (n.marker == Marker::Test) ours["UPS_MARKER"] = "test";
  if (n.marker == Marker::Simulation) ours["UPS_MARKER"] = "simulation";
  std::vector<std::string> out;
  for (const auto& entry : base)
    if (!ours.contains(entry.substr(0, entry.find('=')))) out.push_back(entry);
  for (const auto& [name, value] : ours)
    out.push_back(name + "=" + value);
  return out;
}

Delivery ExecSink::deliver(const Notification& n) noexcept {
  try {
    std::vector<std::string> argv = command_;
    const auto word = arguments_.find(n.event.kind);
    argv.emplace_back(word != arguments_.end() ? word->second
                                               : std::string(core::eventName(n.event.kind)));
    const ProcessOptions process{timeout(), kKillGrace, kOutputCap};
    return outcome(
        runProcess(argv, environment(n, daemonEnvironment(), options().language), process),
        timeout());
  } catch (const std::system_error& e) {
    std::string program = command_.empty() ? std::string("(none)") : programName(command_[0]);
    return {R::Failed, {}, "cannot run " + program + ": " + e.code().message()};
  } catch (const std::exception& e) {
    return {R::Failed, {}, e.what()};
  } catch (...) {
    return {R::Failed, {}, "unknown error"};
  }
}

} // namespace hidupsd::notify
