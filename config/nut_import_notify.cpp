// SPDX-License-Identifier: GPL-2.0-or-later
// --import-nut: NOTIFYCMD/NOTIFYFLAG/NOTIFYMSG and upssched.conf → exec [[notify]] entries that
// run the same script with the same words for the same events, and upssched's two timers.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/nut_importer.hpp"

namespace hidupsd::nutconf {

namespace {

bool isUpssched(const At& notifyCmd) {
  const auto argv = commandOf(notifyCmd.word(1));
  const std::string& program = argv[0] == "/bin/sh" ? notifyCmd.word(1) : argv[0];
  return program == "upssched" || program.ends_with("/upssched");
}

// ---- upsmon.conf: NOTIFYFLAG and NOTIFYMSG ----

/// The flags of a NOTIFYFLAG line, as set_notifyflag reads them ("SYSLOG+WALL+EXEC").
struct Flags {
  bool syslog = false, wall = false, exec = false, ignore = false;
  std::vector<std::string> invalid;
};

Flags flagsOf(const std::string& text) {
  Flags f;
  for (std::size_t i = 0; i <= text.size();) {
    const auto end = std::min(text.find('+', i), text.size());
    const std::string flag = text.substr(i, end - i);
    if (flag == "SYSLOG")
      f.syslog = true;
    else if (flag == "WALL")
      f.wall = true;
    else if (flag == "EXEC")
      f.exec = true;
    else if (flag == "IGNORE")
      f.ignore = true;
    else
      f.invalid.push_back(flag);
    i = end + 1;
  }
  return f;
}

/// The NOTIFYFLAG line of each type that upsmon keeps (the last one); the others dropped.
std::map<const NutNotify*, At> effectiveFlags(Importer& im, std::string_view directive) {
  std::map<const NutNotify*, At> last;
  for (const At& at : im.lines("upsmon.conf")) {
    if (at.word(0) != directive) continue;
    const NutNotify* type = notifyType(at.word(1));
    if (at.size() < 3) {
      im.drop(at, fmt::format("upsmon ignores it: {} TYPE {}", directive,
                              directive == "NOTIFYFLAG" ? "FLAGS" : "MESSAGE"));
    } else if (type == nullptr) {
      im.drop(at, fmt::format("upsmon knows no notify type {} (it warns and ignores the line)",
                              at.word(1)));
    } else {
      if (const auto it = last.find(type); it != last.end())
        im.notNeeded(it->second, fmt::format("a later {} {} replaces it", directive, type->name));
      last.insert_or_assign(type, at);
    }
  }
  return last;
}

/// What a NOTIFYFLAG line asks beyond EXEC, as one reason ("" when all of it is carried).
std::string flagRest(const Flags& f) {
  std::vector<std::string> parts;
  if (f.wall && !f.ignore)
    parts.emplace_back("WALL: hidupsd sends no wall(1) broadcast (a [[notify]] type = \"exec\", "
                       "command = [\"wall\"] would)");
  for (const auto& bad : f.invalid)
    parts.push_back(fmt::format("flag {}: upsmon ignores it (SYSLOG, WALL, EXEC or IGNORE)", bad));
  return fmt::format("{}", fmt::join(parts, "; "));
}

/// The EXEC types that have a hidupsd event, with their NOTIFYFLAG line; each line dropped (in
/// part) for what it asks that is not carried over.
ExecTypes execTypes(Importer& im, const std::map<const NutNotify*, At>& flags, bool command) {
  ExecTypes out;
  for (const auto& [type, at] : flags) {
    const Flags f = flagsOf(at.word(2));
    const bool exec = f.exec && !f.ignore;
    if (exec && command && type->event) out.emplace(type, at);
    std::string rest = flagRest(f);
    if (exec && !command) rest = "EXEC without a NOTIFYCMD: upsmon ran nothing";
    if (exec && command && !type->event)
      rest = fmt::format("no hidupsd event for {}", type->name) + (rest.empty() ? "" : "; " + rest);
    if (!rest.empty())
      im.drop(at, rest);
    else if (!exec)
      im.notNeeded(at, "SYSLOG and IGNORE: hidupsd logs every event; a [[notify]] sends only the "
                       "events it lists");
  }
  return out;
}

/// upsmon runs NOTIFYCMD itself: `NOTIFYCMD "MESSAGE"` with NOTIFYTYPE in the environment.
void directCommand(Importer& im, const At& cmd, const ExecTypes& exec,
                   std::map<const NutNotify*, At> messages) {
  // "%s": the UPS as upsmon named it, when it is the one hidupsd watches.
  const std::string system = im.upsmon.ups == im.upsSection && !im.upsmon.system.empty()
                                 ? im.upsmon.system
                                 : (im.upsSection.empty() ? "ups" : im.upsSection) + "@localhost";
  std::vector<Call> calls;
  for (const auto& [type, at] : exec) {
    const auto custom = messages.find(type);
    std::string text(custom != messages.end() ? custom->second.word(2) : type->message);
    if (const auto pos = text.find("%s"); pos != std::string::npos) text.replace(pos, 2, system);
    calls.push_back({*type->event, text, at});
  }
  const std::size_t index = im.out.config.notify.size() + 1;
  writeSinks(im, scriptCommand(cmd.word(1)), cmd, calls,
             "upsmon.conf's NOTIFYCMD, given upsmon's message as its argument; upsmon set "
             "NOTIFYTYPE (ONBATT...), hidupsd sets UPS_EVENT (onbatt...)");
  for (const auto& [type, at] : messages) {
    if (exec.contains(type))
      im.carried(at, fmt::format("notify#{}.arguments.{}", index, core::eventName(*type->event)));
    else
      im.drop(at, "not passed to NOTIFYCMD (no EXEC for it): hidupsd writes its own messages "
                  "([notify.templates] changes them)");
  }
}

} // namespace

std::vector<std::string> scriptCommand(const std::string& text) {
  auto argv = commandOf(text);
  if (argv.size() == 3 && argv[0] == "/bin/sh" && argv[1] == "-c" && argv[2] == text)
    return {"/bin/sh", "-c", text + " \"$1\"", "sh"};
  return argv;
}

void writeSinks(Importer& im, const std::vector<std::string>& command, const At& commandLine,
                const std::vector<Call>& calls, std::string_view origin) {
  const std::size_t first = im.out.config.notify.size();
  for (const auto& call : calls) {
    std::size_t i = first;
    while (i < im.out.config.notify.size() && im.out.config.notify[i].wants(call.event))
      ++i;
    if (i == im.out.config.notify.size()) {
      NotifyConfig n;
      n.type = hidupsd::NotifyType::Exec;
      n.command = command;
      n.events.clear();
      n.timeout = std::chrono::seconds(60);
      im.out.config.notify.push_back(std::move(n));
      const std::string key = fmt::format("notify#{}", i + 1);
      im.note(key, std::string(origin));
      im.carried(commandLine, key + ".command");
      im.note(key + ".timeout", "NUT never stopped the script; hidupsd stops it after this many "
                                "seconds (at most 300)");
    }
    auto& n = im.out.config.notify[i];
    n.events.push_back(call.event);
    std::sort(n.events.begin(), n.events.end());
    // An empty message (NOTIFYMSG TYPE "") keeps hidupsd's argument: an exec sink's argument
    // must not be empty.
    if (!call.word.empty() && call.word != core::eventName(call.event))
      n.arguments[call.event] = call.word;
    im.carried(call.at, fmt::format("notify#{}.events", i + 1));
  }
}

void importNotify(Importer& im) {
  const auto& cmd = im.upsmon.notifyCmd;
  for (const At& at : im.lines("upsmon.conf")) {
    if (at.word(0) != "NOTIFYCMD") continue;
    if (at.size() < 2)
      im.drop(at, "upsmon ignores it: NOTIFYCMD without a command");
    else if (at.line != cmd->line)
      im.notNeeded(at, "a later NOTIFYCMD replaces it");
  }
  const auto exec = execTypes(im, effectiveFlags(im, "NOTIFYFLAG"), cmd.has_value());
  if (cmd && exec.empty()) im.drop(*cmd, "no NOTIFYFLAG has EXEC: upsmon never ran it");
  if (cmd && !exec.empty() && isUpssched(*cmd)) {
    for (const auto& [type, at] : effectiveFlags(im, "NOTIFYMSG"))
      im.notNeeded(at, "upssched does not pass upsmon's message on to its script");
    return importUpssched(im, *cmd, exec);
  }
  for (const At& at : im.lines("upssched.conf"))
    im.notNeeded(at, "upsmon.conf's NOTIFYCMD does not run upssched: it never ran");
  auto messages = effectiveFlags(im, "NOTIFYMSG");
  if (cmd && !exec.empty()) return directCommand(im, *cmd, exec, std::move(messages));
  for (const auto& [type, at] : messages)
    im.drop(at, "hidupsd writes its own messages ([notify.templates] changes them)");
}

} // namespace hidupsd::nutconf
