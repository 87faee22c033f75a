// SPDX-License-Identifier: GPL-2.0-or-later
// --import-nut: upssched.conf's AT lines → the script's calls, and its ONBATT/COMMBAD timers →
// on_battery_delay, shutdown_after_on_battery, comms_lost_timeout.
#include <algorithm>

#include <fmt/format.h>

#include "config/nut_importer.hpp"

namespace hidupsd::nutconf {

namespace {

struct Timer {
  At at;
  const NutNotify* type;
  std::string name;
};
struct Cancel {
  At at;
  const NutNotify* type;
  std::string name, word; ///< word "" = none
};

/// upssched.conf as upssched reads it.
struct Sched {
  std::optional<At> script, pipe, lock;
  std::vector<Timer> timers;
  std::vector<Cancel> cancels;
  std::vector<Call> calls; ///< EXECUTE lines and, once resolved, timers and cancels
};

/// The type of an AT line when upsmon passes it to upssched and hidupsd has its event.
const NutNotify* atType(Importer& im, const At& at, const ExecTypes& exec) {
  const NutNotify* type = notifyType(at.word(1));
  if (type == nullptr)
    im.drop(at, fmt::format("upsmon has no notify type {}: it never matches", at.word(1)));
  else if (!type->event)
    im.drop(at, fmt::format("no hidupsd event for {}", type->name));
  else if (!exec.contains(type))
    im.notNeeded(at, fmt::format("upsmon does not pass {} to upssched (no EXEC in its NOTIFYFLAG)",
                                 type->name));
  else if (at.word(2) != "*" && at.word(2) != im.upsmon.system)
    im.drop(at, fmt::format("for UPS {}: hidupsd watches {}", at.word(2),
                            im.upsmon.system.empty() ? "this host's UPS" : im.upsmon.system));
  else
    return type;
  return nullptr;
}

void atLine(Importer& im, Sched& s, const At& at, const ExecTypes& exec) {
  for (const auto& [line, name] :
       {std::pair{&s.script, "CMDSCRIPT"}, {&s.pipe, "PIPEFN"}, {&s.lock, "LOCKFN"}})
    if (!*line)
      return im.refuse(at, 0,
                       fmt::format("AT before {}: upssched refuses to run (\"{} must be set "
                                   "before any ATs in the config file!\")",
                                   name, name));
  if (at.size() < 5) return im.drop(at, "upssched ignores it: AT TYPE UPS COMMAND ARGUMENT");
  const NutNotify* type = atType(im, at, exec);
  if (type == nullptr) return;
  const std::string& command = at.word(3);
  if (command == "START-TIMER" && at.size() >= 6) return s.timers.push_back({at, type, at.word(4)});
  if (command == "CANCEL-TIMER") return s.cancels.push_back({at, type, at.word(4), at.word(5)});
  if (command == "EXECUTE" && !at.word(4).empty())
    return s.calls.push_back({*type->event, at.word(4), at});
  if (command == "START-TIMER") return im.drop(at, "START-TIMER without its seconds");
  if (command == "EXECUTE") return im.drop(at, "an empty EXECUTE (upssched refuses it)");
  im.drop(at, "upssched knows START-TIMER, CANCEL-TIMER and EXECUTE");
}

bool cancelledBy(const Sched& s, const Timer& t, std::string_view type) {
  return std::any_of(s.cancels.begin(), s.cancels.end(),
                     [&](const Cancel& c) { return c.name == t.name && c.type->name == type; });
}

/// A timer that hidupsd has: the seconds into `key`, the timer's name to the script for `event`.
bool mapTimer(Importer& im, Sched& s, const Timer& t, std::string_view key, std::int64_t min,
              std::int64_t max, std::chrono::seconds& out, core::EventKind event) {
  const auto v = im.number(t.at, 5, min, max, keyName(key));
  if (!v) return false;
  out = std::chrono::seconds(*v);
  im.carried(t.at, key);
  s.calls.push_back({event, t.name, t.at});
  return true;
}

/// ONBATT timers cancelled by ONLINE: the shortest is on_battery_delay, the next
/// shutdown_after_on_battery; a COMMBAD timer cancelled by COMMOK is comms_lost_timeout.
std::vector<std::string> mapTimers(Importer& im, Sched& s) {
  auto& p = im.out.config.policy;
  std::vector<const Timer*> onbatt;
  std::vector<std::string> mapped;
  for (const auto& t : s.timers) {
    const bool isOnbatt = t.type->name == std::string_view("ONBATT");
    const bool isCommbad = t.type->name == std::string_view("COMMBAD");
    if (isOnbatt && cancelledBy(s, t, "ONLINE")) {
      onbatt.push_back(&t);
    } else if (isCommbad && cancelledBy(s, t, "COMMOK") && im.upsmon.deadtime) {
      im.note("policy.comms_lost_timeout",
              fmt::format("(DEADTIME wins over {}: {})", t.at.place(), im.shown(t.at)));
      s.calls.push_back({core::EventKind::CommBad, t.name, t.at});
      mapped.push_back(t.name);
    } else if (isCommbad && cancelledBy(s, t, "COMMOK")) {
      if (mapTimer(im, s, t, "policy.comms_lost_timeout", 1, 3600, p.commsLostTimeout,
                   core::EventKind::CommBad))
        mapped.push_back(t.name);
    } else {
      im.drop(t.at, "hidupsd has two timers: ONBATT cancelled by ONLINE (on_battery_delay) and "
                    "COMMBAD cancelled by COMMOK (comms_lost_timeout)");
    }
  }
  std::stable_sort(onbatt.begin(), onbatt.end(), [](const Timer* a, const Timer* b) {
    return std::atol(a->at.word(5).c_str()) < std::atol(b->at.word(5).c_str());
  });
  for (std::size_t i = 0; i < onbatt.size(); ++i) {
    const Timer& t = *onbatt[i];
    bool ok = false;
    if (i == 0) {
      ok = mapTimer(im, s, t, "policy.on_battery_delay", 0, 3600, p.onBatteryDelay,
                    core::EventKind::OnBattery);
    } else if (i == 1) {
      ok = mapTimer(im, s, t, "policy.shutdown_after_on_battery", 1, 86400,
                    p.shutdownAfterOnBattery, core::EventKind::Shutdown);
      im.note("policy.shutdown_after_on_battery",
              fmt::format("its script gets \"{}\" when the shutdown starts, for this reason or "
                          "any other",
                          t.name));
    } else {
      im.drop(t.at, "a third ONBATT timer: hidupsd has two (on_battery_delay, "
                    "shutdown_after_on_battery)");
    }
    if (ok) mapped.push_back(t.name);
  }
  return mapped;
}

/// CANCEL-TIMER lines: a word runs when the timer has passed (or never started), as EXECUTE.
void mapCancels(Importer& im, Sched& s, const std::vector<std::string>& mapped) {
  for (const auto& c : s.cancels) {
    const bool ours = std::find(mapped.begin(), mapped.end(), c.name) != mapped.end();
    const bool known = std::any_of(s.timers.begin(), s.timers.end(),
                                   [&](const Timer& t) { return t.name == c.name; });
    if (known && !ours)
      im.drop(c.at, "it cancels a timer that is not carried over (above)");
    else if (!c.word.empty())
      s.calls.push_back({*c.type->event, c.word, c.at});
    else if (ours)
      im.notNeeded(c.at, "hidupsd calls off its timer by itself when the UPS recovers");
    else
      im.notNeeded(c.at, "it cancels no timer and runs nothing");
  }
}

/// Notes for the policy keys the timers and EXECUTE lines change.
void immediateCalls(Importer& im, const Sched& s, const std::vector<std::string>& mapped) {
  const bool timer = std::any_of(s.timers.begin(), s.timers.end(), [&](const Timer& t) {
    return t.type->event == core::EventKind::OnBattery &&
           std::find(mapped.begin(), mapped.end(), t.name) != mapped.end();
  });
  for (const auto& c : s.calls) {
    if (c.event != core::EventKind::OnBattery || c.at.word(3) != "EXECUTE") continue;
    if (timer) {
      im.note("policy.on_battery_delay",
              fmt::format("(NUT ran {} at once: hidupsd runs it with onbatt, after this delay)",
                          im.shown(c.at)));
    } else {
      im.out.config.policy.onBatteryDelay = std::chrono::seconds(0);
      im.carried(c.at, "policy.on_battery_delay", "upsmon passed ONBATT at once");
    }
  }
}

void directive(Importer& im, Sched& s, const At& at, const ExecTypes& exec) {
  const std::string& d = at.word(0);
  if (d == "AT") return atLine(im, s, at, exec);
  if (at.size() < 2) return im.drop(at, "upssched ignores it: a directive without a value");
  if (d == "CMDSCRIPT" && s.script)
    return im.drop(at, "a second CMDSCRIPT: hidupsd runs the first one");
  if (d == "CMDSCRIPT") return void(s.script = at);
  if (d == "PIPEFN" || d == "LOCKFN") {
    (d == "PIPEFN" ? s.pipe : s.lock) = at;
    return im.notNeeded(at, "upssched's own socket and lock: hidupsd keeps its timers itself");
  }
  im.drop(at, "upssched ignores it: not an upssched.conf directive");
}

} // namespace

void importUpssched(Importer& im, const At& notifyCmd, const ExecTypes& exec) {
  Sched s;
  for (const At& at : im.lines("upssched.conf"))
    directive(im, s, at, exec);
  const auto mapped = mapTimers(im, s);
  mapCancels(im, s, mapped);
  immediateCalls(im, s, mapped);
  std::stable_sort(s.calls.begin(), s.calls.end(), [](const Call& a, const Call& b) {
    return a.at.line->number < b.at.line->number;
  });
  if (!s.script || s.calls.empty()) {
    im.drop(notifyCmd, s.script ? "upssched.conf runs its CMDSCRIPT for none of the events upsmon "
                                  "passes it"
                                : "upssched.conf has no CMDSCRIPT (or is missing)");
    if (s.script) im.notNeeded(*s.script, "no AT line runs it");
    return;
  }
  const std::size_t first = im.out.config.notify.size() + 1;
  writeSinks(im, scriptCommand(s.script->word(1)), *s.script, s.calls,
             "upssched's CMDSCRIPT, run with the same word for the same event as upssched ran it");
  im.carried(notifyCmd, fmt::format("notify#{}", first));
  for (const auto& [type, at] : exec) {
    const auto event = *type->event; // a structured binding: clang 14 cannot capture it
    const bool used = std::any_of(s.calls.begin(), s.calls.end(),
                                  [&](const Call& c) { return c.event == event; });
    if (used)
      im.carried(at, fmt::format("notify#{}.events", first));
    else
      im.notNeeded(at, fmt::format("upssched.conf does nothing for {}", type->name));
  }
}

} // namespace hidupsd::nutconf
