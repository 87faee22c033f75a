// SPDX-License-Identifier: GPL-2.0-or-later
// --import-nut: upsmon.conf's policy (MONITOR, MINSUPPLIES, SHUTDOWNCMD, POWERDOWNFLAG, timers).
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "config/nut_importer.hpp"
#include "lib/nut_address.hpp"

namespace hidupsd::nutconf {

namespace {

/// MONITOR's system "ups[@host[:port]]": the UPS name, and whether the host is this one.
std::pair<std::string, bool> systemOf(const std::string& system) {
  const auto at = system.find('@');
  const std::string ups = system.substr(0, at);
  if (at == std::string::npos) return {ups, true}; // NUT's default host is localhost
  std::string host = system.substr(at + 1);
  if (host.starts_with('['))
    host = host.substr(1, host.find(']') - 1);
  else if (std::count(host.begin(), host.end(), ':') == 1)
    host = host.substr(0, host.find(':'));
  return {ups, host == "localhost" || host == "127.0.0.1" || host == "::1" || host.empty()};
}

bool primaryType(const std::string& type) {
  return equalNoCase(type, "primary") || equalNoCase(type, "master");
}

bool secondaryType(const std::string& type) {
  return equalNoCase(type, "secondary") || equalNoCase(type, "slave");
}

/// A secondary of a UPS another host serves: hidupsd follows it ([device] nut) when this
/// host has no USB UPS of its own (one UPS per daemon).
void remote(Importer& im, const At& at) {
  if (!im.upsSection.empty())
    return im.drop(at, "a UPS that another host serves: hidupsd watches the UPS on this host's "
                       "USB port (keep NUT's upsmon for this one)");
  if (!secondaryType(at.word(5)))
    return im.drop(at, "a primary of a UPS another host serves: that host's daemon is its "
                       "primary; hidupsd follows a remote UPS as a secondary");
  if (im.out.config.device.nut) return im.drop(at, "hidupsd follows one UPS: the MONITOR above");
  try {
    im.out.config.device.nut = lib::parseNutAddress(at.word(1));
  } catch (const std::invalid_argument& e) {
    return im.drop(at, e.what());
  }
  im.out.config.device.username = at.word(3);
  im.out.config.device.password = at.word(4);
  im.carried(at, "device.nut",
             "followed over the NUT protocol, logged in as a secondary (username, password): "
             "its primary waits for this host");
}

void monitor(Importer& im, const At& at) {
  if (at.size() == 5)
    return im.refuse(at, 0,
                     "an old-style MONITOR without a user: upsmon refuses to start (\"Unable "
                     "to use old-style MONITOR line without a username\")");
  if (at.size() < 6) return im.drop(at, "upsmon ignores it: MONITOR SYSTEM POWER USER PASS TYPE");
  const auto [ups, local] = systemOf(at.word(1));
  if (!local) return remote(im, at);
  if (im.upsSection.empty() || ups != im.upsSection)
    return im.drop(at, im.upsSection.empty()
                           ? "no USB HID UPS (driver usbhid-ups) of that name in ups.conf"
                           : fmt::format("hidupsd watches one UPS, [{}]", im.upsSection));
  if (at.word(1) != im.upsmon.system || !primaryType(at.word(5)))
    return im.drop(at, "hidupsd watches this UPS once, as its primary (the MONITOR above)");
  if (at.word(2) == "0")
    return im.drop(at, "power value 0: NUT only watched this UPS and never shut this host down; "
                       "hidupsd's shutdown protects this host (simulation = true until you "
                       "decide)");
  im.notNeeded(at, "hidupsd reads this UPS itself: it needs no NUT login to watch it");
}

void minSupplies(Importer& im, const At& at) {
  if (at.word(1) == "1")
    return im.notNeeded(at, "one UPS feeds this host, the one hidupsd watches");
  if (at.word(1) == "0")
    return im.drop(at, "0: NUT never shut this host down; hidupsd's shutdown protects this host "
                       "(simulation = true until you decide)");
  im.drop(at, "several power supplies on several UPSes: hidupsd watches one UPS");
}

void shutdownCmd(Importer& im, const At& at) {
  if (at.word(1).find_first_not_of(" \t") == std::string::npos)
    return im.drop(at, "an empty command: hidupsd keeps its default host_command");
  im.out.config.shutdown.hostCommand = commandOf(at.word(1));
  im.carried(at, "shutdown.host_command",
             "run once the guests are stopped (NUT ran it through a shell; hidupsd runs this "
             "argv without one)");
}

void seconds(Importer& im, const At& at, std::int64_t min, std::int64_t max, std::string_view key,
             std::chrono::seconds& out, std::string_view why = {}) {
  if (const auto v = im.number(at, 1, min, max, keyName(key))) {
    out = std::chrono::seconds(*v);
    im.carried(at, key, why);
  }
}

void hostsync(Importer& im, const At& at) {
  if (!im.out.config.nut)
    return im.notNeeded(at, "no [serve.nut]: no upsmon secondaries to wait for");
  seconds(im, at, 0, 600, "serve.nut.hostsync", im.out.config.nut->hostsync);
}

void deadtime(Importer& im, const At& at) {
  seconds(im, at, 1, 3600, "policy.comms_lost_timeout", im.out.config.policy.commsLostTimeout,
          "on battery and without news of the UPS this long, the shutdown starts (as NUT's "
          "dead UPS); on mains, commbad");
}

/// Directives upsmon.conf has that hidupsd needs nothing for, and why.
struct NotNeeded {
  std::string_view directive, why;
};
constexpr NotNeeded kNotNeeded[] = {
    {"POLLFREQ", "hidupsd reads the UPS itself: status changes arrive at once"},
    {"POLLFREQALERT", "hidupsd reads the UPS itself: status changes arrive at once"},
    {"RUN_AS_USER", "hidupsd runs as one service (root, for qm, pct and the power-off)"},
    {"CERTPATH", "TLS to a remote upsd: hidupsd reads the UPS over USB"},
    {"CERTIDENT", "TLS to a remote upsd: hidupsd reads the UPS over USB"},
    {"CERTHOST", "TLS to a remote upsd: hidupsd reads the UPS over USB"},
    {"CERTVERIFY", "TLS to a remote upsd: hidupsd reads the UPS over USB"},
    {"FORCESSL", "TLS to a remote upsd: hidupsd reads the UPS over USB"},
};

void directive(Importer& im, const At& at) {
  const std::string& d = at.word(0);
  if (d == "NOTIFYCMD" || d == "NOTIFYFLAG" || d == "NOTIFYMSG") return; // importNotify
  if (d == "MONITOR") return monitor(im, at);
  if (at.size() < 2) return im.drop(at, "upsmon ignores it: a directive without a value");
  for (const auto& n : kNotNeeded)
    if (d == n.directive) return im.notNeeded(at, std::string(n.why));
  if (equalNoCase(d, "DEBUG_MIN")) return im.notNeeded(at, "hidupsd's log level is [log] level");
  if (d == "MINSUPPLIES") return minSupplies(im, at);
  if (d == "SHUTDOWNCMD") return shutdownCmd(im, at);
  if (d == "HOSTSYNC") return hostsync(im, at);
  if (d == "DEADTIME") return deadtime(im, at);
  if (d == "NOCOMMWARNTIME")
    return seconds(im, at, 1, 86400, "policy.nocomm_warn_time",
                   im.out.config.policy.nocommWarnTime);
  if (d == "POWERDOWNFLAG") {
    im.out.config.shutdown.upsShutdownReturn = true;
    return im.carried(at, "shutdown.ups_shutdown_return",
                      fmt::format("hidupsd writes its own flag (kill_power_flag); {} belongs to "
                                  "NUT's hook (nutshutdown)",
                                  at.word(1)));
  }
  if (d == "FINALDELAY")
    return im.drop(at, "hidupsd runs host_command as soon as the guests are stopped and the "
                       "secondaries have logged out");
  if (d == "RBWARNTIME")
    return im.drop(at, "hidupsd sends replbatt when the UPS starts asking, not again every N s");
  im.drop(at, "upsmon ignores it: not an upsmon.conf directive");
}

} // namespace

void scanUpsmon(Importer& im) {
  auto& f = im.upsmon;
  for (const At& at : im.lines("upsmon.conf")) {
    const std::string& d = at.word(0);
    if (d == "MONITOR" && at.size() >= 6 && f.system.empty() && primaryType(at.word(5)) &&
        systemOf(at.word(1)).second) {
      f.system = at.word(1);
      f.ups = systemOf(at.word(1)).first;
    } else if (d == "NOTIFYCMD" && at.size() >= 2) {
      f.notifyCmd = at;
    } else if (d == "DEADTIME" && at.size() >= 2) {
      f.deadtime = true;
    }
  }
}

void importUpsmon(Importer& im) {
  const auto lines = im.lines("upsmon.conf");
  if (lines.empty()) return;
  // upsmon asks the UPS to cut power only when POWERDOWNFLAG is set.
  const bool flag = std::any_of(lines.begin(), lines.end(),
                                [](const At& at) { return at.word(0) == "POWERDOWNFLAG"; });
  if (!flag && !im.upsmon.system.empty()) {
    im.out.config.shutdown.upsShutdownReturn = false;
    im.note("shutdown.ups_shutdown_return",
            "upsmon.conf sets no POWERDOWNFLAG: NUT never asked the UPS to cut its power");
  }
  for (const At& at : lines)
    directive(im, at);
}

} // namespace hidupsd::nutconf
