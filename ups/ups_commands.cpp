// SPDX-License-Identifier: GPL-2.0-or-later
// Instant commands: NUT's table (drivers/mge-hid.c, usbhid-ups.c's shutdown.return) as data.
#include "ups/ups_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "hid/field_codec.hpp"

namespace hidupsd {

namespace {

using namespace std::string_view_literals;
using V = CommandValue;

// The paths in the order NUT's subdrivers try them: Eaton/MGE first.
// ups.beeper.status reads BatterySystem.Battery's field first, mge-hid.c's
// commands write PowerSummary's; units like the 5SC have both (the 3S only
// the latter): the beeper commands write every one present, so that what
// is read is what was written.
// Then the other subdrivers' paths for the same commands (apc-hid.c's Back-UPS ES
// collection, belkin-hid.c's controls, tripplite-hid.c's TL start delay), with the
// same values as NUT writes there.
constexpr std::array kBeeper = {
    "UPS.BatterySystem.Battery.AudibleAlarmControl"sv, "UPS.PowerSummary.AudibleAlarmControl"sv,
    "UPS.AudibleAlarmControl"sv, "UPS.BELKINControls.BELKINAudibleAlarmControl"sv};
constexpr std::array kTest = {"UPS.BatterySystem.Battery.Test"sv, "UPS.BatterySystem.Test"sv,
                              "UPS.Output.Test"sv, "UPS.Battery.Test"sv,
                              "UPS.BELKINControls.BELKINTest"sv};
constexpr std::array kOff = {"UPS.PowerSummary.DelayBeforeShutdown"sv,
                             "UPS.Output.DelayBeforeShutdown"sv,
                             "UPS.OutletSystem.Outlet.DelayBeforeShutdown"sv,
                             "UPS.APCGeneralCollection.APCDelayBeforeShutdown"sv,
                             "UPS.BELKINControls.BELKINDelayBeforeShutdown"sv};
constexpr std::array kOn = {"UPS.PowerSummary.DelayBeforeStartup"sv,
                            "UPS.Output.DelayBeforeStartup"sv,
                            "UPS.OutletSystem.Outlet.DelayBeforeStartup"sv,
                            "UPS.APCGeneralCollection.APCDelayBeforeStartup"sv,
                            "UPS.OutletSystem.Outlet.TLDelayBeforeStartup"sv};

/// Commands a subdriver's UPS must not get as plain field writes: NUT sends
/// them encoded (powercom-hid.c powercom_shutdown_nuf/startup_nuf: minutes and
/// seconds in separate bytes, flag bits, bytes swapped), which is not ported;
/// a plain number of seconds there would set another delay than asked.
struct Withheld {
  hid::Dialect dialect;
  std::string_view command;
};
constexpr Withheld kWithheld[] = {
    {hid::Dialect::PowerCom, "load.off.delay"},  {hid::Dialect::PowerCom, "load.on.delay"},
    {hid::Dialect::PowerCom, "shutdown.return"}, {hid::Dialect::PowerCom, "shutdown.stayoff"},
    {hid::Dialect::PowerCom, "shutdown.stop"},
};

bool withheld(hid::Dialect d, std::string_view command) {
  return std::any_of(std::begin(kWithheld), std::end(kWithheld),
                     [&](const Withheld& w) { return w.dialect == d && w.command == command; });
}

constexpr std::array<CommandWrite, 1> one(std::span<const std::string_view> paths, V kind,
                                          int value = 0, bool everyPath = false) {
  return {CommandWrite{paths, kind, value, everyPath}};
}

constexpr auto kBeeperDisable = one(kBeeper, V::Fixed, 1, true);
constexpr auto kBeeperEnable = one(kBeeper, V::Fixed, 2, true);
constexpr auto kBeeperMute = one(kBeeper, V::Fixed, 3, true);
constexpr auto kLoadOffDelay = one(kOff, V::OffDelay);
constexpr auto kLoadOnDelay = one(kOn, V::OnDelay);
// usbhid-ups.c: shutdown.return = load.on.delay, then load.off.delay; the
// start delay must be set first or the UPS could cut power for good.
constexpr std::array kShutdownReturn = {CommandWrite{kOn, V::OnDelay, 0},
                                        CommandWrite{kOff, V::OffDelay, 0}};
constexpr std::array kShutdownStayoff = {CommandWrite{kOn, V::Fixed, -1},
                                         CommandWrite{kOff, V::OffDelay, 0}};
constexpr auto kShutdownStop = one(kOff, V::Fixed, -1);
constexpr auto kTestQuick = one(kTest, V::Fixed, 1);
constexpr auto kTestDeep = one(kTest, V::Fixed, 2);
constexpr auto kTestStop = one(kTest, V::Fixed, 3);

constexpr std::array kCommands = {
    InstantCommand{"beeper.disable", "Disable the UPS beeper", kBeeperDisable},
    InstantCommand{"beeper.enable", "Enable the UPS beeper", kBeeperEnable},
    InstantCommand{"beeper.mute", "Temporarily mute the UPS beeper", kBeeperMute},
    InstantCommand{"load.off.delay", "Turn off the load with a delay (seconds)", kLoadOffDelay},
    InstantCommand{"load.on.delay", "Turn on the load with a delay (seconds)", kLoadOnDelay},
    InstantCommand{"shutdown.return", "Turn off the load and return when power is back",
                   kShutdownReturn},
    InstantCommand{"shutdown.stayoff", "Turn off the load and remain off", kShutdownStayoff},
    InstantCommand{"shutdown.stop", "Stop a shutdown in progress", kShutdownStop},
    InstantCommand{"test.battery.start.deep", "Start a deep battery test", kTestDeep},
    InstantCommand{"test.battery.start.quick", "Start a quick battery test", kTestQuick},
    InstantCommand{"test.battery.stop", "Stop the battery test", kTestStop},
};

/// The first of `paths` that is a writable Feature field here.
const hid::Field* writableField(std::span<const std::string_view> paths, const UpsModel& model) {
  for (auto path : paths)
    if (const auto* f = model.findField(path, hid::ReportType::Feature); f && !f->isConstant())
      return f;
  return nullptr;
}

const hid::Field* fieldFor(const CommandWrite& w, const UpsModel& model) {
  return writableField(w.paths, model);
}

int valueFor(const CommandWrite& w, std::optional<int> given, const UpsModel& model) {
  switch (w.kind) {
  case V::Fixed: return w.value;
  case V::OffDelay: return given.value_or(model.options().offDelay);
  case V::OnDelay: return given.value_or(model.options().onDelay);
  }
  return w.value;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (auto b : bytes)
    out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
  return out;
}

std::string traceSoFar(const CommandTrace& trace) {
  std::string out;
  for (const auto& t : trace)
    out += "\n  done: " + t;
  return out;
}

/// GET_REPORT of the field's report, the field set to `logical`, SET_REPORT; one trace line.
std::string writeLogical(const hid::Field& field, std::int64_t logical, hid::Device& device,
                         const UpsModel& model, hid::ReportState& state) {
  storeReport(state, hid::ReportType::Feature, device.getFeatureReport(field.reportId));
  const auto report = state.withLogical(field, logical);
  if (!report) throw hid::DeviceError(hid::DeviceError::Kind::Io, "no report to write");
  device.setFeatureReport(*report);
  storeReport(state, hid::ReportType::Feature, *report);
  return fmt::format("{} = {:g} (SET_REPORT feature 0x{:02x}: {})",
                     hid::pathToString(field.path, model.dialect()),
                     hid::toPhysical(field, logical), field.reportId, hex(*report));
}

std::string writeField(const hid::Field& field, double physical, hid::Device& device,
                       const UpsModel& model, hid::ReportState& state) {
  return writeLogical(field, hid::toLogical(field, physical), device, model, state);
}

} // namespace

std::span<const InstantCommand> instantCommands() { return kCommands; }

const InstantCommand* findInstantCommand(std::string_view name) {
  const auto it = std::find_if(kCommands.begin(), kCommands.end(),
                               [&](const InstantCommand& c) { return c.name == name; });
  return it == kCommands.end() ? nullptr : &*it;
}

std::vector<std::string> supportedCommands(const UpsModel& model) {
  std::vector<std::string> out;
  for (const auto& c : kCommands)
    if (!withheld(model.dialect(), c.name) &&
        std::all_of(c.writes.begin(), c.writes.end(),
                    [&](const CommandWrite& w) { return fieldFor(w, model) != nullptr; }))
      out.emplace_back(c.name);
  return out;
}

std::vector<Writable> supportedWritables(const UpsModel& model) { return writablesOf(model); }

CommandTrace writeVariable(std::string_view name, std::string_view value, hid::Device& device,
                           UpsModel& model, hid::ReportState& state) {
  const auto all = writablesOf(model);
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const Writable& w) { return w.name == name; });
  if (it == all.end()) throw CommandError(fmt::format("this UPS cannot set {}", name));
  std::int64_t v = 0;
  try {
    v = valueFor(*it, value);
  } catch (const InvalidValue& e) {
    throw CommandError(e.what());
  }
  if (it->kind == Writable::Kind::ServerDelay) {
    auto options = model.options();
    (it->row->convert == nut::Convert::OffDelay ? options.offDelay : options.onDelay) =
        static_cast<int>(v);
    model.setOptions(options);
    return {fmt::format("{} = {} (kept by hidupsd, sent by the shutdown commands)", name, v)};
  }
  return {writeLogical(*it->field, v, device, model, state)};
}

CommandTrace runInstantCommand(std::string_view name, std::optional<int> value, hid::Device& device,
                               const UpsModel& model, hid::ReportState& state) {
  const InstantCommand* command = findInstantCommand(name);
  if (command == nullptr) throw CommandError(fmt::format("unknown command '{}'", name));
  if (withheld(model.dialect(), name))
    throw CommandError(fmt::format("{}: not for this UPS ({} delays are encoded; not ported)", name,
                                   hid::nameOf(model.dialect())));
  std::vector<std::pair<const hid::Field*, int>> plan;
  for (const auto& w : command->writes) {
    const hid::Field* field = fieldFor(w, model);
    if (field == nullptr)
      throw CommandError(fmt::format("{}: this UPS has no {} feature field", name, w.paths[0]));
    const int v = valueFor(w, value, model);
    if (v < -1 || v > 32767)
      throw CommandError(fmt::format("{}: {} is out of range (-1..32767)", name, v));
    plan.emplace_back(field, v);
    if (!w.everyPath) continue;
    for (auto path : w.paths.subspan(1))
      if (const auto* more = writableField(std::span(&path, 1), model); more && more != field)
        plan.emplace_back(more, v);
  }
  CommandTrace trace;
  for (const auto& [field, v] : plan) {
    try {
      trace.push_back(writeField(*field, v, device, model, state));
    } catch (const hid::DeviceError& e) {
      throw hid::DeviceError(e.kind(), fmt::format("{}: {}{}", name, e.what(), traceSoFar(trace)));
    }
  }
  return trace;
}

} // namespace hidupsd
