// SPDX-License-Identifier: GPL-2.0-or-later
// --import-nut: nut.conf (MODE) and ups.conf (the UPS: USB ids, polling, delays, low battery).
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "config/nut_importer.hpp"

namespace hidupsd::nutconf {

namespace {

// ---- nut.conf: a shell file (KEY=VALUE), read by NUT's init scripts ----

void mode(Importer& im, const At& at, const std::string& value) {
  if (value == "standalone" || value == "netserver" || value == "netclient" || value == "none") {
    im.mode = value;
    im.modeLine = at;
    if (value == "none")
      im.notNeeded(at,
                   "NUT did not start at boot; hidupsd starts when the UPS is plugged in (udev)");
    else if (value == "netclient")
      im.drop(at, "this host followed a UPS that another host serves: hidupsd watches the UPS on "
                  "this host's USB port (keep NUT's upsmon for a UPS served elsewhere)");
    return;
  }
  im.drop(at, "not a MODE NUT knows (none, standalone, netserver or netclient)");
}

// ---- ups.conf ----

/// A hex USB id as NUT writes it ("0463", "0x0463"); nullopt for anything else (NUT reads a
/// regular expression there).
std::optional<std::uint16_t> usbId(std::string_view s) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || s.size() > 4 || ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool plainSerial(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
           c == '_';
  });
}

/// A ups.conf line split as upsconf.c does: a [section], a flag, or "name = value".
struct Field {
  std::string name;
  std::optional<std::string> value; ///< absent for a flag
};

std::optional<Field> fieldOf(const At& at) {
  if (at.size() == 1) return Field{at.word(0), std::nullopt};
  if (at.size() >= 3 && at.word(1) == "=") return Field{at.word(0), at.word(2)};
  return std::nullopt;
}

bool isSection(const At& at) {
  const auto& w = at.word(0);
  return w.size() >= 2 && w.front() == '[' && w.back() == ']';
}

std::string sectionName(const At& at) {
  const auto& w = at.word(0);
  return w.substr(1, w.size() - 2);
}

/// What the UPS section says that takes more than one line to map.
struct UpsFields {
  std::optional<At> vendorId, productId, offDelay, onDelay, ignoreLb, chargeLow, runtimeLow,
      lowbatt;
};

// Fields that belong to upsdrvctl or to the driver as a process: hidupsd is one process.
constexpr std::string_view kProcessFields[] = {
    "sdorder",   "maxstartdelay",        "nolock",   "synchronous", "user",   "group",
    "debug_min", "usb_set_altinterface", "maxretry", "retrydelay",  "nowait", "chroot",
    "driverpath"};
// usbhid-ups options hidupsd has no equivalent of.
constexpr std::string_view kDriverOptions[] = {"pollonly",
                                               "interruptonly",
                                               "interruptsize",
                                               "onlinedischarge",
                                               "onlinedischarge_calibration",
                                               "onlinedischarge_onbattery",
                                               "explore",
                                               "maxreport",
                                               "notification",
                                               "subdriver"};
// USB matching fields hidupsd does not match on.
constexpr std::string_view kMatchFields[] = {"vendor", "product", "bus",
                                             "device", "busport", "allow_duplicates"};

template <std::size_t N> bool in(const std::string_view (&list)[N], std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

void upsField(Importer& im, const At& at, const Field& f, UpsFields& u) {
  const auto& n = f.name;
  if (n == "driver") return im.notNeeded(at, "hidupsd is the USB HID driver itself");
  if (n == "port")
    return im.notNeeded(at, "usbhid-ups ignores it; hidupsd finds the UPS by its USB ids");
  if (n == "vendorid") return void(u.vendorId = at);
  if (n == "productid") return void(u.productId = at);
  if (n == "offdelay") return void(u.offDelay = at);
  if (n == "ondelay") return void(u.onDelay = at);
  if (n == "ignorelb") return void(u.ignoreLb = at); // a flag, even with a value (main.c)
  if (n == "override.battery.charge.low") return void(u.chargeLow = at);
  if (n == "override.battery.runtime.low") return void(u.runtimeLow = at);
  if (n == "lowbatt") return void(u.lowbatt = at);
  if (n == "serial" && f.value && plainSerial(*f.value)) {
    im.out.config.device.serial = *f.value;
    return im.carried(at, "device.serial");
  }
  if (n == "serial")
    return im.drop(at, "a regular expression: hidupsd matches one serial number exactly");
  if (n == "pollinterval" && f.value) {
    if (const auto v = im.number(at, 2, 1, 3600, "[device] poll_interval")) {
      im.out.config.device.pollInterval = std::chrono::seconds(*v);
      im.carried(at, "device.poll_interval",
                 "hidupsd reads status changes the moment the UPS sends them, whatever this is");
    }
    return;
  }
  if (n == "pollfreq")
    return im.notNeeded(at,
                        "hidupsd polls every poll_interval and reads interrupt reports at once");
  if (n == "desc")
    return im.drop(at, "hidupsd shows the UPS's own model (ups.model); it has no description");
  if (in(kProcessFields, n))
    return im.notNeeded(at, "for upsdrvctl or the driver's process: hidupsd is one process");
  if (in(kMatchFields, n))
    return im.drop(at, "hidupsd finds the UPS by vendor_id, product_id and serial only");
  if (in(kDriverOptions, n))
    return im.drop(at, "a usbhid-ups option hidupsd has no equivalent of (it decodes the UPS "
                       "its own way)");
  if (n.starts_with("default."))
    return im.drop(at, "hidupsd shows what the UPS reports; it has no default values");
  if (n.starts_with("override."))
    return im.drop(at, "hidupsd shows what the UPS reports; it overrides no value");
  im.drop(at, "not a usbhid-ups setting");
}

void usbIds(Importer& im, const UpsFields& u) {
  if (!u.vendorId && !u.productId) return;
  if (!u.vendorId || !u.productId) {
    const At& at = u.vendorId ? *u.vendorId : *u.productId;
    return im.drop(at, "hidupsd matches vendor_id and product_id together: add the other one "
                       "(lsusb shows both), or hidupsd takes the first UPS it finds");
  }
  const auto vendor = usbId(u.vendorId->word(2));
  const auto product = usbId(u.productId->word(2));
  if (!vendor || !product) {
    for (const auto& [at, id] : {std::pair{*u.vendorId, vendor}, {*u.productId, product}})
      im.drop(at, id ? "goes with the other id, which is not one"
                     : "a regular expression: hidupsd matches one USB id exactly");
    return;
  }
  im.out.config.device.vendorId = vendor;
  im.out.config.device.productId = product;
  im.carried(*u.vendorId, "device.vendor_id");
  im.carried(*u.productId, "device.product_id");
}

/// offdelay/ondelay: NUT's usbhid-ups uses 20 s and 30 s when they are not set.
void delays(Importer& im, const UpsFields& u) {
  if (!u.offDelay && !u.onDelay) {
    im.note("shutdown.ups_off_delay",
            "NUT's usbhid-ups used offdelay 20 s and ondelay 30 s (not set in ups.conf)");
    return;
  }
  auto& s = im.out.config.shutdown;
  const auto off = u.offDelay ? im.number(*u.offDelay, 2, 0, 32767, "[shutdown] ups_off_delay")
                              : std::optional<std::int64_t>(20);
  const auto on = u.onDelay ? im.number(*u.onDelay, 2, 1, 32767, "[shutdown] ups_on_delay")
                            : std::optional<std::int64_t>(30);
  if (!off || !on) return;
  if (*on <= *off) {
    for (const auto& at : {u.offDelay, u.onDelay})
      if (at)
        im.drop(*at, fmt::format("ondelay {} s must be greater than offdelay {} s (NUT's "
                                 "usbhid-ups needs it too)",
                                 *on, *off));
    return;
  }
  s.upsOffDelay = std::chrono::seconds(*off);
  s.upsOnDelay = std::chrono::seconds(*on);
  if (u.offDelay)
    im.carried(*u.offDelay, "shutdown.ups_off_delay");
  else
    im.note("shutdown.ups_off_delay", "NUT's usbhid-ups default (offdelay not set)");
  if (u.onDelay)
    im.carried(*u.onDelay, "shutdown.ups_on_delay");
  else
    im.note("shutdown.ups_on_delay", "NUT's usbhid-ups default (ondelay not set)");
}

/// ignorelb: the driver raises LB itself below battery.charge.low / battery.runtime.low.
void lowBattery(Importer& im, const UpsFields& u) {
  const auto shown = "without ignorelb NUT only showed this value; the UPS's own low-battery "
                     "signal started the shutdown, as in hidupsd (shutdown_on_low_battery)";
  if (!u.ignoreLb) {
    for (const auto& at : {u.chargeLow, u.runtimeLow, u.lowbatt})
      if (at) im.drop(*at, shown);
    return;
  }
  auto& p = im.out.config.policy;
  const auto charge = u.chargeLow ? u.chargeLow : u.lowbatt;
  if (u.chargeLow && u.lowbatt)
    im.drop(*u.lowbatt, "override.battery.charge.low wins over it in NUT too");
  if (charge)
    if (const auto v = im.number(*charge, 2, 1, 100, "[policy] shutdown_charge_below")) {
      p.shutdownChargeBelow = static_cast<int>(*v);
      im.carried(*charge, "policy.shutdown_charge_below");
    }
  if (u.runtimeLow)
    if (const auto v = im.number(*u.runtimeLow, 2, 1, 86400, "[policy] shutdown_runtime_below")) {
      p.shutdownRuntimeBelow = std::chrono::seconds(*v);
      im.carried(*u.runtimeLow, "policy.shutdown_runtime_below");
    }
  if (p.shutdownChargeBelow == 0 && p.shutdownRuntimeBelow.count() == 0)
    return im.drop(*u.ignoreLb, "without override.battery.charge.low or .runtime.low, NUT "
                                "compared with the UPS's own limits; hidupsd keeps the UPS's "
                                "low-battery signal (shutdown_on_low_battery = true)");
  p.shutdownOnLowBattery = false;
  im.carried(*u.ignoreLb, "policy.shutdown_on_low_battery",
             "the UPS's own low-battery signal is ignored, as NUT did");
}

/// The section that is this host's UPS: the one upsmon watched, else the first usbhid-ups one.
std::string chooseSection(const std::vector<At>& lines, const std::string& watched) {
  std::string section, first, driverOfWatched;
  for (const At& at : lines) {
    if (isSection(at)) section = sectionName(at);
    const auto f = fieldOf(at);
    if (section.empty() || !f || f->name != "driver" || !f->value) continue;
    if (section == watched) driverOfWatched = *f->value;
    if (first.empty() && *f->value == "usbhid-ups") first = section;
  }
  if (!watched.empty() && driverOfWatched == "usbhid-ups") return watched;
  return first;
}

void global(Importer& im, const At& at, const Field& f, std::optional<At>& poll) {
  if (f.name == "pollinterval" && f.value) return void(poll = at);
  if (in(kProcessFields, f.name))
    return im.notNeeded(at, "for upsdrvctl or the drivers' processes: hidupsd is one process");
  im.drop(at, "not a global ups.conf setting");
}

} // namespace

void importNutConf(Importer& im) {
  for (const At& at : im.lines("nut.conf")) {
    const std::string& key = at.word(0);
    if (at.word(1) != "=" || at.size() > 3) {
      im.drop(at, "not KEY=VALUE (nut.conf is read by a shell)");
    } else if (key == "MODE") {
      mode(im, at, at.word(2));
    } else if (key == "UPSD_OPTIONS" || key == "UPSMON_OPTIONS") {
      if (at.word(2).empty())
        im.notNeeded(at, "empty");
      else
        im.drop(at, "options of upsd's or upsmon's command line: hidupsd has none of them");
    } else if (key == "POWEROFF_WAIT") {
      im.drop(at, "hidupsd's kill-power has no reboot-after-a-wait fallback");
    } else {
      im.drop(at, "not a nut.conf setting");
    }
  }
}

void importUpsConf(Importer& im) {
  const auto lines = im.lines("ups.conf");
  im.upsSection = chooseSection(lines, im.upsmon.ups);
  std::string section;
  UpsFields u;
  std::optional<At> globalPoll;
  for (const At& at : lines) {
    if (isSection(at)) section = sectionName(at);
    const auto f = fieldOf(at);
    if (isSection(at) && section == im.upsSection) {
      im.upsHeader = at;
    } else if (!section.empty() && section != im.upsSection) {
      im.drop(at, im.upsSection.empty()
                      ? fmt::format("[{}] is not a USB HID UPS (driver usbhid-ups)", section)
                      : fmt::format("[{}]: another UPS; hidupsd watches one, [{}]", section,
                                    im.upsSection));
    } else if (!f) {
      im.drop(at, "ups.conf ignores it: not NAME = VALUE, a flag or a [section]");
    } else if (section.empty()) {
      global(im, at, *f, globalPoll);
    } else {
      upsField(im, at, *f, u);
    }
  }
  usbIds(im, u);
  delays(im, u);
  lowBattery(im, u);
  if (!globalPoll) return;
  if (im.out.notes.contains("device.poll_interval") || im.upsSection.empty())
    return im.notNeeded(*globalPoll, "the UPS's own pollinterval wins over it");
  if (const auto v = im.number(*globalPoll, 2, 1, 3600, "[device] poll_interval")) {
    im.out.config.device.pollInterval = std::chrono::seconds(*v);
    im.carried(*globalPoll, "device.poll_interval");
  }
}

} // namespace hidupsd::nutconf
