// SPDX-License-Identifier: GPL-2.0-or-later
// The message catalogue in English: every word the notifications say. Reference for the others.
//
// Keys are grouped by use; each other language's file has exactly the same keys with the
// same {names} (tests/notify/test_catalogue.cpp). {name} is a value of the phrase being said;
// {x.y}, {host}, {time}, {reason}, {runtime}, {text} are template placeholders
// (notify/template.hpp). Keep the English texts of reasons and progress as they are: the
// event log is written with them, and scripts may read it.
#include <span>

#include "notify/catalogue.hpp"

namespace hidupsd::notify {

namespace {

constexpr Message kTable[] = {
    // Events: the title (the Discord content line, the mail subject) and the first body line.
    {"event.onbatt.title", "⚡ Power outage on {host}"},
    {"event.onbatt.headline", "Running on battery since {time}."},
    {"event.online.title", "✅ Mains power restored on {host}"},
    {"event.online.headline", "Back on mains at {time}."},
    {"event.lowbatt.title", "🪫 Low battery on {host}"},
    {"event.lowbatt.headline", "The UPS reports a low battery at {time}."},
    {"event.shutdown.title", "🛑 Shutdown started on {host}"},
    {"event.shutdown.headline", "Guests and host shutting down since {time}."},
    {"event.commbad.title", "🔌 Communication lost with the UPS on {host}"},
    {"event.commbad.headline", "No answer from the UPS since {time}."},
    {"event.commok.title", "🔌 Communication with the UPS restored on {host}"},
    {"event.commok.headline", "The UPS answers again at {time}."},
    {"event.nocomm.title", "❓ Still no communication with the UPS on {host}"},
    {"event.nocomm.headline", "Still no answer from the UPS at {time}."},
    {"event.replbatt.title", "🔋 Replace the UPS battery on {host}"},
    {"event.replbatt.headline", "The UPS battery needs replacing ({time})."},
    {"event.overload.title", "⚠️ UPS overload on {host}"},
    {"event.overload.headline", "The UPS output is overloaded ({time})."},
    {"event.fsd.title", "🛑 Forced shutdown (FSD) on {host}"},
    {"event.fsd.headline", "Forced shutdown set at {time}."},
    {"event.notready.title", "🚫 The automatic shutdown would fail on {host}"},
    {"event.notready.headline",
     "Found at {time}: if the power failed now, the host would not shut down as configured."},
    {"event.startselftest.title", "🔋 Battery test running on {host}"},
    {"event.startselftest.headline",
     "A battery test ({test_kind}) runs since {time} (started by {test_by}): on battery for the "
     "test, this is not a power outage."},
    {"event.endselftest.title", "🔋 Battery test finished on {host}: {test_result}"},
    {"event.endselftest.headline", "The battery test is over at {time}: {test_result}."},
    {"event.notifyfail.title", "📭 A notification channel is failing on {host}"},
    {"event.notifyfail.headline", "Found at {time}."},
    // An online after the shutdown started: never a plain "restored", which reads as an
    // all-clear. Whether the host comes back depends on [shutdown] ups_shutdown_return.
    {"event.online.goes_on.title", "⚠️ Mains power back on {host}, but the shutdown goes on"},
    {"event.online.goes_on.cycle",
     "Back on mains at {time}, after the shutdown had started: it runs to the end. The UPS then "
     "cuts its output and restores it, and the host starts again by itself."},
    {"event.online.goes_on.stays_off",
     "Back on mains at {time}, after the shutdown had started: it runs to the end, and the host "
     "stays off (ups_shutdown_return = false): start it by hand."},

    // Before the title of every message of a run that is not the real thing.
    {"marker.test", "🧪 TEST"},
    {"marker.simulation", "🔸 SIMULATION"},

    // The body around the headline.
    {"body.reason", "Reason: {reason}"},
    {"body.last_known", "Last known state:"},
    {"state.model", "Model: {ups.model}"},
    {"state.battery", "Battery: {battery.charge} %"},
    {"state.runtime", "Estimated runtime: {runtime}"},
    {"state.load", "Load: {ups.load} %"},
    {"state.voltages", "Input {input.voltage} V → Output {output.voltage} V"},
    {"state.power", "Power: {ups.power} VA"},
    {"state.status", "Status: {ups.status}"},

    // Discord embed field names.
    {"field.battery", "Battery"},
    {"field.runtime", "Runtime"},
    {"field.load", "Load"},
    {"field.voltages", "Input → Output"},
    {"field.power", "Power"},
    {"field.realpower", "Real power"},
    {"field.status", "Status"},
    {"field.model", "Model"},

    // The old upssched-cmd script's plain message (Discord style = "plain"): in a code
    // block, one emoji a line, the runtime in seconds.
    {"plain.time", "🕒 Time: {time}"},
    {"plain.host", "🖥️ Host: {host}"},
    {"plain.model", "📟 Model: {ups.model}"},
    {"plain.battery", "🔋 Battery: {battery.charge} %"},
    {"plain.runtime", "⏳ Runtime: {battery.runtime} sec"},
    {"plain.load", "⚙️ Load: {ups.load} %"},
    {"plain.voltages", "🔌 Input: {input.voltage} V → Output: {output.voltage} V"},
    {"plain.power", "⚡ Power: {ups.power} VA"},
    {"plain.status", "📊 Status: {ups.status}"},
    {"plain.reason", "📝 Reason: {reason}"},

    // Shutdown progress messages.
    {"progress.title", "⏳ Shutdown in progress on {host}"},
    {"progress.body", "{text}\n{time}"},
    {"progress.guest.stopped", "{done}/{total} {guest} stopped after {duration} s"},
    {"progress.guest.would_stop", "{done}/{total} {guest} would be stopped"},
    {"progress.guest.force_stopped",
     "{done}/{total} {guest} force-stopped after {duration} s ({detail})"},
    {"progress.guest.failed", "{done}/{total} {guest} failed after {duration} s ({detail})"},
    {"progress.guest.left_running",
     "{done}/{total} {guest} left running after {duration} s ({detail})"},
    {"progress.summary", "guests: {stopped} of {total} stopped cleanly, {forced} force-stopped, "
                         "{failed} failed, {left} left running{already}, in {elapsed} s"},
    {"progress.summary_deadline",
     "guests: {stopped} of {total} stopped cleanly, {forced} force-stopped, {failed} failed, "
     "{left} left running{already}, in {elapsed} s; the deadline was reached"},
    {"progress.summary_dry", "guests: {count} would be stopped{already}"},
    {"progress.already_stopped", ", {count} already stopped"},
    {"progress.guest.already_stopped", "{done}/{total} {guest} already stopped"},
    {"progress.no_guest_list",
     "the guest list did not come within {wait} s (qm or /etc/pve hung?): no guest is known, "
     "powering off (the host's own shutdown stops its guests)"},
    {"progress.stop_failed", "stopping the guests failed: {error}; powering off anyway"},
    {"progress.power_off", "powering off the host: {command}"},
    {"progress.host_command_failed", "the host command failed: {command}: {error}"},
    {"progress.preflight", "preflight: {problem}; trying anyway"},
    {"progress.cannot_list", "cannot list guests: {problems}"},
    {"progress.shed_forced",
     "load shedding did not finish by the guest deadline, force-stopping: {guests}"},

    // Load shedding ([[shed]]) and the comeback after a UPS shutdown ([comeback]).
    {"shed.title", "🔌 Load shedding on {host}"},
    {"shed.stopped",
     "load shedding, tier \"{tier}\": {stopped} of {total} stopped ({guests}){simulation}; "
     "battery.runtime {before} before, {after} now"},
    {"shed.restarted",
     "load shedding over: {started} of {total} shed guests started again ({guests}){simulation}"},
    {"shed.runtime", "{seconds} s"},
    {"shed.unknown", "unknown"},
    {"shed.none", "none"},
    {"shed.simulation", " (simulation)"},
    {"comeback.title", "🔄 Guests coming back on {host}"},
    {"comeback.done", "comeback after the UPS shutdown: {started} of {total} guests started "
                      "({guests}){woken}{simulation}"},
    {"comeback.woken", "; Wake-on-LAN sent to {count} peer(s)"},

    // The preflight: would the shutdown work now? (--check-config, --status, notready)
    {"preflight.host_command",
     "host_command: {program} cannot run: {error}: the host would not power off"},
    {"preflight.tool", "{key} = {path} cannot run: {error}: {consequence}"},
    {"preflight.tool_not_pve",
     "{key} = {path} cannot run: {error}: {consequence} (no {dir}: not a Proxmox node?)"},
    {"preflight.no_vm", "no VM would be stopped"},
    {"preflight.no_container", "no container would be stopped"},
    {"preflight.stopall_fallback", "stopall would fall back to stopping each guest"},
    {"preflight.cannot_list", "cannot list guests: {name}: {error}"},
    {"preflight.simulation", "simulation = true: the shutdown is only logged, nothing is stopped"},

    // Reasons: why an event happened ({reason}).
    {"reason.on_battery", "on battery for {seconds} s"},
    {"reason.on_battery_critical", "on battery, critical before on_battery_delay ran out"},
    {"reason.mains_back", "mains back for {seconds} s after an outage of {outage} s"},
    {"reason.shutdown_goes_on", "{before}; the shutdown goes on: the UPS then cuts and restores "
                                "its output, and the host starts again"},
    {"reason.shutdown_goes_on_stays_off",
     "{before}; the shutdown goes on and the host stays off (ups_shutdown_return = false): start "
     "it by hand"},
    {"reason.not_ready", "{problems}"},
    {"reason.low_battery", "UPS reports low battery"},
    {"reason.charge_below", "battery.charge {charge} % < {limit} %"},
    {"reason.runtime_below", "battery.runtime {runtime} s < {limit} s"},
    {"reason.after_on_battery", "on battery for {seconds} s >= {limit} s"},
    {"reason.unreachable_on_battery", "UPS unreachable while on battery"},
    {"reason.comm_lost", "{error}"},
    {"reason.comm_restored", "communication restored after {seconds} s"},
    {"reason.no_comm", "no communication with the UPS for {seconds} s"},
    {"reason.replace_battery", "UPS reports the battery needs replacing"},
    {"reason.overload", "UPS reports an output overload"},
    {"reason.fsd_from", "FSD from NUT client {client}"},
    {"reason.fsd_status", "the UPS's primary set FSD (forced shutdown)"},
    {"reason.test_started", "{kind} battery test started by {who}"},
    // Several UPSes ([[device]]): whose event it is, and the host's supplies (min_supplies).
    {"reason.of_ups", "UPS {ups}: {reason}"},
    {"reason.of_ups_only", "UPS {ups}"},
    {"reason.ups_critical", "{ups} ({reason})"},
    {"reason.supplies_lost", "{fed} of {total} power supplies still fed, fewer than min_supplies = "
                             "{min}; critical: {critical}"},
    {"reason.supplies_enough",
     "{fed} of {total} power supplies still fed (min_supplies = {min}): the host keeps running; "
     "critical: {critical}"},
    {"reason.test_finished", "battery test finished: {result}"},
    {"reason.battery_health", "battery health {score} %: {reasons}"},
    {"reason.battery_health_unknown", "battery health unknown: {reasons}"},
    {"reason.dashboard_test", "test notification from the dashboard ({client})"},
    {"reason.test_event", "manual test (hidupsd --test-event)"},
    {"reason.test_event_as",
     "manual test (hidupsd --test-event), as at a real low battery: {reason}"},
    {"reason.notify_failing",
     "{sink} failed {count} times in a row (last error: {error}); what it should have sent is "
     "lost until it works again"},

    // Words.
    {"severity.info", "info"},
    {"severity.warning", "warning"},
    {"severity.critical", "critical"},
    {"unit.seconds", "{sec} s"},
    {"unit.minutes_seconds", "{min} min {sec} s"},
    {"unit.minutes", "{min} min"},

    // Battery tests: their kind, who started one, NUT's final results ({test_kind} ...).
    {"test.kind.quick", "quick"},
    {"test.kind.deep", "deep"},
    {"test.kind.unknown", "kind unknown"},
    {"test.by.schedule", "the schedule"},
    {"test.by.command", "a command"},
    {"test.by.ups", "the UPS"},
    {"test.result.passed", "passed"},
    {"test.result.warning", "passed with a warning"},
    {"test.result.failed", "failed"},
    {"test.result.aborted", "aborted"},
};

} // namespace

extern const std::span<const Message> kEnglishMessages;
const std::span<const Message> kEnglishMessages = kTable;

} // namespace hidupsd::notify
