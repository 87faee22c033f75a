// SPDX-License-Identifier: GPL-2.0-or-later
// runStatus(): the control socket first; the NUT server, then the device, when it does not answer.
#include "src/status_command.hpp"

#include <cerrno>
#include <iostream>
#include <system_error>

#include "config/config.hpp"
#include "serve/control_server.hpp"
#include "serve/state_json.hpp"
#include "src/client_commands.hpp"
#include "src/device_opener.hpp"
#include "src/history_cli.hpp"
#include "src/probe.hpp"
#include "src/status_text.hpp"

namespace hidupsd {

namespace {

std::string socketProblem(const std::filesystem::path& socket, const std::system_error& e) {
  const std::string at = socket.string();
  switch (e.code().value()) {
  case ENOENT:
    return "no control socket at " + at + ": is hidupsd running? (systemctl status hidupsd)";
  case ECONNREFUSED:
    return "nothing answers on " + at + ": hidupsd is not running (a socket left behind)";
  case EACCES:
  case EPERM: return at + ": permission denied (root and the hidupsd group may ask)";
  case ETIMEDOUT: return "the daemon did not answer on " + at + " in time";
  default: return at + ": " + e.code().message();
  }
}

void print(const core::DaemonState& state, bool json) {
  std::cout << (json ? serve::stateJson(state)
                     : statusText(state, std::chrono::system_clock::now()));
}

core::DaemonState upsOnly(const Config& config, const char* source) {
  core::DaemonState s;
  s.source = source;
  s.simulation = config.policy.simulation;
  s.ups.name = config.nut ? config.nut->name : "ups";
  s.ups.everRead = true;
  s.ups.commOk = true;
  return s;
}

std::optional<core::DaemonState> throughNut(const Config& config) {
  if (!config.nut) return std::nullopt;
  const auto options = daemonClientOptions(*config.nut);
  try {
    serve::NutClient client(options);
    auto s = upsOnly(config, "nut");
    for (auto& [name, value] : client.listVariables(config.nut->name))
      s.ups.variables.emplace(name, value);
    return s;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --status: the NUT server at " << daemonAddress(options)
              << " did not answer either: " << e.what() << "\n";
  }
  return std::nullopt;
}

std::optional<core::DaemonState> fromUps(const Config& config) {
  try {
    core::SteadyClock clock;
    auto device = makeOpener(config.device, clock)();
    const Probe probe(*device);
    auto s = upsOnly(config, "ups");
    s.ups.variables = probe.snapshot().variables;
    return s;
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --status: the UPS cannot be read either: " << e.what() << "\n";
  }
  return std::nullopt;
}

} // namespace

int runStatus(const StatusOptions& o) {
  const Config config = std::filesystem::exists(o.configPath) ? loadConfig(o.configPath) : Config{};
  const auto& socket = config.control.socket;
  try {
    const std::string answer = serve::askControl(socket, "status");
    const auto state = serve::parseStateJson(answer); // a daemon of another format is refused
    if (o.json)
      std::cout << answer;
    else
      print(state, false);
    return 0;
  } catch (const std::system_error& e) {
    std::cerr << "hidupsd --status: " << socketProblem(socket, e) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --status: " << socket.string() << ": " << e.what() << "\n";
  }
  auto state = throughNut(config);
  if (!state) state = fromUps(config);
  if (!state) return 1;
  print(*state, o.json);
  if (!o.json) printHistoryStatus(config, std::cout);
  return 0;
}

} // namespace hidupsd
