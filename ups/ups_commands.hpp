// SPDX-License-Identifier: GPL-2.0-or-later
// Instant commands (NUT's names): which a UPS supports, and the feature-report writes that run one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hid/device.hpp"
#include "hid/report_state.hpp"
#include "ups/ups_model.hpp"
#include "ups/writables.hpp"

namespace hidupsd {

/// What a command writes into its field.
enum class CommandValue : std::uint8_t {
  Fixed,    ///< `value`
  OffDelay, ///< ModelOptions::offDelay (ups_off_delay), or the value given
  OnDelay,  ///< ModelOptions::onDelay (ups_on_delay), or the value given
};

/// One field write: the first of `paths` the descriptor has as a writable
/// Feature field (`everyPath`: each of them it has).
struct CommandWrite {
  std::span<const std::string_view> paths;
  CommandValue kind = CommandValue::Fixed;
  int value = 0;
  bool everyPath = false;
};

/// One instant command, as NUT's mge-hid.c / usbhid-ups.c define it.
struct InstantCommand {
  std::string_view name;                ///< "shutdown.return"
  std::string_view description;         ///< NUT's cmdvartab wording
  std::span<const CommandWrite> writes; ///< in order
};

/// Every command hidupsd knows, sorted by name.
std::span<const InstantCommand> instantCommands();
/// The command named `name`, or nullptr.
const InstantCommand* findInstantCommand(std::string_view name);

/// The commands whose every write has a Feature field in `model`'s descriptor, sorted.
std::vector<std::string> supportedCommands(const UpsModel& model);

/// A command that cannot run: unknown, not supported by this UPS, bad value.
class CommandError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One write done, for the log: "UPS.PowerSummary.DelayBeforeStartup = 90
/// (SET_REPORT feature 0x0a: 0a 5a 00 00 00)".
using CommandTrace = std::vector<std::string>;

/// Runs `name` on `device`: for each write, GET_REPORT(Feature) of the field's
/// report (so the other fields keep what the UPS says now), the field set,
/// SET_REPORT(Feature). `value` replaces a delay command's configured delay
/// (NUT's INSTCMD ... VALUE). Device thread only. Throws CommandError (before
/// any write), hid::DeviceError (a write may already have happened: the trace
/// so far is in the message).
CommandTrace runInstantCommand(std::string_view name, std::optional<int> value, hid::Device& device,
                               const UpsModel& model, hid::ReportState& state);

/// The variables NUT clients may set on this UPS (upsrw), sorted by name:
/// writablesOf() of the mapping (writables.hpp).
std::vector<Writable> supportedWritables(const UpsModel& model);

/// Sets `name` to `value` (a number in the variable's unit and range, or
/// one of its enum texts, or a date): GET_REPORT, the field set,
/// SET_REPORT; a server-side delay (ups.delay.start/shutdown) changes
/// `model`'s options instead. Device thread only. Throws CommandError
/// (unknown, not writable here, refused value: nothing written),
/// hid::DeviceError.
CommandTrace writeVariable(std::string_view name, std::string_view value, hid::Device& device,
                           UpsModel& model, hid::ReportState& state);

} // namespace hidupsd
