// SPDX-License-Identifier: GPL-2.0-or-later
// --command through serve::NutClient, or straight on the device.
#include "src/client_commands.hpp"

#include <fmt/format.h>

#include <iostream>
#include <system_error>

#include "config/config.hpp"
#include "hid/report_descriptor.hpp"
#include "serve/nut_client.hpp"
#include "src/device_opener.hpp"
#include "ups/ups_commands.hpp"

namespace hidupsd {

serve::NutClientOptions daemonClientOptions(const NutServerConfig& nut) {
  serve::NutClientOptions o;
  o.host = nut.listen.host;
  if (o.host == "0.0.0.0") o.host = "127.0.0.1";
  if (o.host == "::") o.host = "::1";
  o.port = nut.listen.port;
  return o;
}

std::string daemonAddress(const serve::NutClientOptions& o) {
  return o.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", o.host, o.port)
                                               : fmt::format("{}:{}", o.host, o.port);
}

namespace {

const NutUser* commandUser(const NutServerConfig& nut) {
  for (const auto& u : nut.users)
    for (const auto r : u.rights)
      if (r == NutRight::Instcmd) return &u;
  return nullptr;
}

int commandThroughServer(const Config& config, const CommandOptions& o) {
  const NutUser* user = commandUser(*config.nut);
  if (user == nullptr) {
    std::cerr << "hidupsd --command: no [[serve.nut.users]] entry of " << o.configPath.string()
              << " has the \"instcmd\" right: add one (the daemon holds the UPS)\n";
    return 1;
  }
  const auto options = daemonClientOptions(*config.nut);
  serve::NutClient client(options);
  client.authenticate(user->name, user->password);
  client.instantCommand(config.nut->name, o.name, o.value);
  std::cout << o.name << ": OK (through the daemon at " << daemonAddress(options) << ")\n";
  client.logout();
  return 0;
}

int commandOnDevice(const Config& config, const CommandOptions& o) {
  core::SteadyClock clock;
  DeviceConfig device = config.device;
  if (o.replay) device.replay = *o.replay;
  auto open = o.simulate ? simulatedOpener(clock) : makeOpener(device, clock);
  auto ups = open();
  const auto descriptor = hid::ReportDescriptor::parse(ups->reportDescriptor());
  ModelOptions delays{static_cast<int>(config.shutdown.upsOffDelay.count()),
                      static_cast<int>(config.shutdown.upsOnDelay.count())};
  const UpsModel model(descriptor, ups->info(), delays);
  hid::ReportState state(descriptor);
  std::optional<int> value;
  if (!o.value.empty()) {
    char* end = nullptr;
    const long v = std::strtol(o.value.c_str(), &end, 10);
    if (end != o.value.c_str() + o.value.size() || v < -1 || v > 32767)
      throw CommandError("--value '" + o.value + "' is not a number of seconds from -1 to 32767");
    value = static_cast<int>(v);
  }
  for (const auto& line : runInstantCommand(o.name, value, *ups, model, state))
    std::cout << line << "\n";
  std::cout << o.name << ": OK\n";
  return 0;
}

Config configOrDefaults(const std::filesystem::path& path, bool required) {
  if (required || std::filesystem::exists(path)) return loadConfig(path);
  return {};
}

} // namespace

int runCommand(const CommandOptions& o) {
  if (!findInstantCommand(o.name)) {
    std::string known;
    for (const auto& c : instantCommands())
      known += (known.empty() ? "" : ", ") + std::string(c.name);
    std::cerr << "hidupsd --command: unknown command '" << o.name << "' (one of " << known << ")\n";
    return 2;
  }
  const bool direct = o.replay || o.simulate;
  const Config config = configOrDefaults(o.configPath, !direct);
  try {
    if (config.nut && !direct) return commandThroughServer(config, o);
    return commandOnDevice(config, o);
  } catch (const serve::NutError& e) {
    std::cerr << "hidupsd --command " << o.name << ": the daemon answered " << e.what() << "\n";
  } catch (const std::system_error& e) {
    std::cerr << "hidupsd --command " << o.name << ": " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "hidupsd --command " << o.name << ": " << e.what() << "\n";
  }
  return 1;
}

} // namespace hidupsd
