// SPDX-License-Identifier: GPL-2.0-or-later
// The config schema: which keys each section has, their types and ranges (see hidupsd.toml).
#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "config/config_reader.hpp"
#include "lib/nut_address.hpp"
#include "lib/password.hpp"

namespace hidupsd::config {

namespace {

// Value checks: "" when fine, else what is wrong (after "KEY ").

std::string nonEmpty(std::string_view s) { return s.empty() ? "must not be empty" : ""; }

std::string absolutePath(std::string_view s) {
  return s.starts_with('/') ? "" : "must be an absolute path";
}

std::string absolutePathOrEmpty(std::string_view s) {
  return s.empty() || s.starts_with('/') ? "" : "must be an absolute path, or \"\" for none";
}

std::string httpUrl(std::string_view s) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (!s.starts_with(scheme)) continue;
    // The host: after any user info, before the port, path, query or fragment.
    std::string_view authority = s.substr(scheme.size());
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
      authority.remove_prefix(at + 1);
    if (authority.empty() || authority.front() == ':')
      return fmt::format("must name a host after {}", scheme);
    return "";
  }
  return "must be an http:// or https:// URL";
}

bool allOf(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

std::string nodeName(std::string_view s) {
  return s.empty() || allOf(s, ".-") ? "" : "must be a host name (letters, digits, '.', '-')";
}

std::string upsName(std::string_view s) {
  return allOf(s, "._-") ? "" : "must be letters, digits, '.', '_' or '-'";
}

std::string ntfyTopic(std::string_view s) {
  return allOf(s, "_-") && s.size() <= 64 ? "" : "must be 1..64 letters, digits, '_' or '-'";
}

std::string mailAddress(std::string_view s) {
  const auto at = s.find('@');
  return at != 0 && at != std::string_view::npos && at + 1 < s.size() ? "" : "must be NAME@DOMAIN";
}

std::string userName(std::string_view s) {
  return allOf(s, "._-@") ? "" : "must be letters, digits, '.', '_', '-' or '@'";
}

/// A key that must be present: reads it, or reports it missing at the table.
void required(TableReader& r, std::string_view key, std::string& out,
              std::string (*check)(std::string_view)) {
  if (r.has(key))
    r.string(key, out, check);
  else
    r.fail(r.node(), fmt::format("missing key '{}'", key));
}

/// A secret given as KEY (in the file), KEY_file (a file holding it on one line) or
/// KEY_credential (a systemd credential): one of the three. The value goes to `out`, where it
/// came from to `sources`; `check` validates the value (its message never quotes it).
/// False when none of the three is present.
bool secret(TableReader& r, std::string_view key, std::string& out, SecretSources& sources,
            std::string (*check)(std::string_view) = nullptr) {
  const std::string fileKey = fmt::format("{}_file", key);
  const std::string credentialKey = fmt::format("{}_credential", key);
  const toml::node* inlined = r.take(key);
  const toml::node* file = r.take(fileKey);
  const toml::node* credential = r.take(credentialKey);
  const int given = int(inlined != nullptr) + int(file != nullptr) + int(credential != nullptr);
  if (given == 0) return false;
  if (given > 1) {
    r.fail(file != nullptr ? *file : *credential,
           fmt::format("give one of {0}, {0}_file and {0}_credential, not two", key));
    return true;
  }
  if (inlined != nullptr) {
    r.string(key, out, check);
    return true;
  }
  const toml::node& n = file != nullptr ? *file : *credential;
  const std::string& name = file != nullptr ? fileKey : credentialKey;
  const auto where = r.stringOf(n, name);
  if (!where) return true;
  try {
    const auto& reader = r.errors().secrets();
    std::string value = file != nullptr ? reader.file(*where) : reader.credential(*where);
    if (const std::string why = check != nullptr ? check(value) : ""; !why.empty()) {
      r.fail(n, fmt::format("{}: the {} it holds {}", name, key, why));
      return true;
    }
    out = std::move(value);
    const auto kind = file != nullptr ? SecretSource::Kind::File : SecretSource::Kind::Credential;
    sources[std::string(key)] = SecretSource{kind, *where};
  } catch (const config::SecretError& e) {
    r.fail(n, fmt::format("{}: {}", name, e.what()));
  }
  return true;
}

/// A secret that must be present (as KEY, KEY_file or KEY_credential).
void requiredSecret(TableReader& r, std::string_view key, std::string& out, SecretSources& sources,
                    std::string (*check)(std::string_view)) {
  if (!secret(r, key, out, sources, check))
    r.fail(r.node(), fmt::format("missing key '{0}' (or {0}_file, {0}_credential)", key));
}

/// The table `path` ("policy", "serve.nut": the last part is the key in `root`).
template <typename T, typename Read>
void section(TableReader& root, std::string_view path, T& out, Read read) {
  const toml::table* t = root.table(path.substr(path.rfind('.') + 1));
  if (t == nullptr) return;
  TableReader r(*t, fmt::format("in [{}]", path), root.errors());
  out = read(r);
  r.finish();
}

// [device]

std::optional<std::uint16_t> parseHexId(std::string_view s) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size() || s.size() > 4) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::optional<std::uint16_t> usbId(TableReader& r, std::string_view key) {
  const toml::node* n = r.take(key);
  if (n == nullptr) return std::nullopt;
  if (n->is_integer()) {
    const auto v = r.integerOf(*n, key, 0, 0xffff);
    return v ? std::optional(static_cast<std::uint16_t>(*v)) : std::nullopt;
  }
  if (const auto* s = n->as_string()) {
    if (auto v = parseHexId(s->get())) return v;
    r.fail(*n, fmt::format("{} = \"{}\" is not a hex USB id (\"0463\" or 0x0463)", key, s->get()));
    return std::nullopt;
  }
  r.fail(*n, fmt::format("{} must be an integer (0x0463) or a hex string (\"0463\"), not {}", key,
                         typeName(n->type())));
  return std::nullopt;
}

std::string nutAddress(std::string_view s) {
  try {
    lib::parseNutAddress(s);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

/// nut, username, password, nut_timeout: a UPS followed over the NUT protocol. A remote UPS
/// and a local one's keys exclude each other (which one would the daemon follow?).
void readRemote(TableReader& r, DeviceConfig& d) {
  std::string nut;
  r.string("nut", nut, nutAddress);
  r.string("username", d.username, userName);
  secret(r, "password", d.password, d.secretSources, nonEmpty);
  r.seconds("nut_timeout", 1, 60, d.nutTimeout);
  if (!nut.empty() && nutAddress(nut).empty()) d.nut = lib::parseNutAddress(nut);
  if (!r.has("nut")) {
    for (const char* key :
         {"username", "password", "password_file", "password_credential", "nut_timeout"})
      if (r.has(key)) r.fail(*r.take(key), fmt::format("{} is for a remote UPS: add nut", key));
    return;
  }
  for (const char* key : {"vendor_id", "product_id", "serial", "replay"})
    if (r.has(key))
      r.fail(*r.take(key), fmt::format("{} is for a local UPS, nut for a remote one: give one "
                                       "of them",
                                       key));
  if (d.username.empty() != d.password.empty())
    r.fail(r.node(), d.username.empty() ? "password without username: add username"
                                        : "username without password: add password "
                                          "(or password_file, password_credential)");
}

DeviceConfig readDevice(TableReader& r) {
  DeviceConfig d;
  r.string("name", d.name, upsName);
  r.integer("supplies", 0, 16, d.supplies);
  d.vendorId = usbId(r, "vendor_id");
  d.productId = usbId(r, "product_id");
  r.string("serial", d.serial);
  r.seconds("poll_interval", 1, 3600, d.pollInterval);
  std::string replay;
  r.string("replay", replay, nonEmpty);
  if (!replay.empty()) d.replay = replay;
  r.choice<DeviceBackend>("backend", kBackends, d.backend);
  r.boolean("descriptor_fixups", d.descriptorFixups);
  readRemote(r, d);
  if (r.has("vendor_id") != r.has("product_id")) {
    const bool vendor = r.has("vendor_id");
    r.fail(*r.take(vendor ? "vendor_id" : "product_id"),
           fmt::format("vendor_id and product_id go together: add {}",
                       vendor ? "product_id" : "vendor_id"));
  }
  return d;
}

/// One [[device]] entry: as [device], and a name when there are several.
DeviceConfig readListedDevice(const toml::table& t, std::size_t number, std::size_t count,
                              std::set<std::string>& names, ErrorList& errors) {
  TableReader r(t, fmt::format("in [[device]] #{}", number), errors);
  DeviceConfig d = readDevice(r);
  if (d.name.empty() && count > 1 && !r.has("name"))
    r.fail(t, "missing key 'name': each of several UPSes needs one");
  else if (!d.name.empty() && !names.insert(d.name).second)
    r.fail(*r.take("name"), fmt::format("name: \"{}\" names another [[device]] too", d.name));
  r.finish();
  return d;
}

/// [device] (one UPS) or [[device]] (one or several; TOML itself refuses both at once).
void readDevices(TableReader& root, Config& c) {
  const toml::node* n = root.node().get("device");
  if (n == nullptr || !n->is_array()) return section(root, "device", c.device, readDevice);
  const toml::array* a = root.array("device");
  c.deviceArray = true;
  std::set<std::string> names;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* t = (*a)[i].as_table();
    if (t == nullptr) {
      root.fail((*a)[i], "device must be a table ([device]) or an array of tables ([[device]])");
    } else if (i >= kMaxDevices) {
      root.fail((*a)[i], fmt::format("[[device]] #{}: at most {} UPSes", i + 1, kMaxDevices));
    } else {
      auto d = readListedDevice(*t, i + 1, a->size(), names, root.errors());
      if (i == 0)
        c.device = std::move(d);
      else
        c.moreDevices.push_back(std::move(d));
    }
  }
}

/// Two local USB entries that select the same way would open the same UPS (the first found):
/// each of several needs its own serial (or vendor_id/product_id).
void checkDistinctUsb(const toml::table& root, const Config& c, ErrorList& errors) {
  const auto all = allDevices(c);
  const toml::array* a = root.get_as<toml::array>("device");
  for (std::size_t i = 1; i < all.size() && a != nullptr && i < a->size(); ++i) {
    const auto usb = [](const DeviceConfig& d) { return !d.nut && !d.replay; };
    for (std::size_t j = 0; j < i; ++j) {
      const auto& x = all[i];
      const auto& y = all[j];
      if (!usb(x) || !usb(y) || x.serial != y.serial || x.vendorId != y.vendorId ||
          x.productId != y.productId)
        continue;
      errors.add((*a)[i].source(),
                 fmt::format("in [[device]] #{}: it selects the same USB UPS as [[device]] #{}: "
                             "give each its serial",
                             i + 1, j + 1));
      break;
    }
  }
}

/// upsmon refuses a MINSUPPLIES its POWERVALUEs can never reach: the host would shut down
/// at once, on mains.
void checkSupplies(const toml::table& root, const Config& c, ErrorList& errors) {
  int total = 0;
  for (const auto& d : allDevices(c))
    total += d.supplies;
  if (total >= c.policy.minSupplies) return;
  const toml::node* at = root.at_path("policy.min_supplies").node();
  if (at == nullptr) at = root.at_path("device").node(); // every supplies = 0
  if (at == nullptr) return;
  errors.add(at->source(),
             fmt::format("in [policy]: min_supplies = {} is more than the {} power supplies the "
                         "UPSes feed (the sum of their supplies): the host would shut down at "
                         "once",
                         c.policy.minSupplies, total));
}

// [policy]

PolicyConfig readPolicy(TableReader& r) {
  PolicyConfig p;
  r.seconds("on_battery_delay", 0, 3600, p.onBatteryDelay);
  r.seconds("online_delay", 0, 3600, p.onlineDelay);
  r.boolean("shutdown_on_low_battery", p.shutdownOnLowBattery);
  r.integer("shutdown_charge_below", 0, 100, p.shutdownChargeBelow, "%");
  r.seconds("shutdown_runtime_below", 0, 86400, p.shutdownRuntimeBelow);
  r.seconds("shutdown_after_on_battery", 0, 86400, p.shutdownAfterOnBattery);
  r.seconds("comms_lost_timeout", 1, 3600, p.commsLostTimeout);
  r.seconds("nocomm_warn_time", 1, 86400, p.nocommWarnTime);
  r.boolean("simulation", p.simulation);
  r.integer("min_supplies", 1, 64, p.minSupplies);
  return p;
}

// [shutdown]

ShutdownConfig readShutdown(TableReader& r) {
  ShutdownConfig s;
  r.choice<ShutdownStrategy>("strategy", kStrategies, s.strategy);
  r.seconds("guest_timeout", 1, 3600, s.guestTimeout);
  r.boolean("force_stop", s.forceStop);
  r.strings("host_command", s.hostCommand);
  r.boolean("ups_shutdown_return", s.upsShutdownReturn);
  r.seconds("ups_off_delay", 0, 32767, s.upsOffDelay);
  r.seconds("ups_on_delay", 1, 32767, s.upsOnDelay);
  r.seconds("deadline_margin", 0, 3600, s.deadlineMargin);
  r.seconds("deadline", 10, 86400, s.deadline);
  std::string flag = s.killPowerFlag.string();
  r.string("kill_power_flag", flag, absolutePath);
  s.killPowerFlag = flag;
  if (s.upsOnDelay <= s.upsOffDelay) {
    // NUT usbhid-ups refuses it too: the UPS would switch on before it switched off.
    const toml::node* at = r.has("ups_on_delay") ? r.take("ups_on_delay") : r.take("ups_off_delay");
    r.fail(*at, fmt::format("ups_on_delay = {} s must be greater than ups_off_delay = {} s",
                            s.upsOnDelay.count(), s.upsOffDelay.count()));
  }
  return s;
}

// [proxmox]

void vmIds(TableReader& r, std::vector<int>& out) {
  const toml::array* a = r.array("exclude");
  if (a == nullptr) return;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto id = r.integerOf((*a)[i], fmt::format("exclude[{}]", i), 100, 999999999);
    if (id && !seen.insert(*id).second)
      r.fail((*a)[i], fmt::format("exclude[{}]: {} is listed twice", i, *id));
    else if (id)
      out.push_back(static_cast<int>(*id));
  }
}

ProxmoxConfig readProxmox(TableReader& r) {
  ProxmoxConfig p;
  std::string path;
  for (auto [key, out] : {std::pair{"qm", &p.qm}, {"pct", &p.pct}, {"pvesh", &p.pvesh}}) {
    path.clear();
    r.string(key, path, absolutePath);
    if (!path.empty()) *out = path;
  }
  r.string("node", p.node, nodeName);
  r.boolean("containers", p.containers);
  vmIds(r, p.exclude);
  std::string pmxcfs = p.pmxcfs.string();
  r.string("pmxcfs", pmxcfs, absolutePathOrEmpty);
  p.pmxcfs = pmxcfs;
  r.seconds("plan_refresh", 5, 3600, p.planRefresh);
  return p;
}

// [log]

LogConfig readLog(TableReader& r) {
  LogConfig l;
  std::string file = l.file.string();
  r.string("file", file);
  l.file = file;
  r.choice<log::Level>("level", kLogLevels, l.level);
  return l;
}

// [[notify]]

void events(TableReader& r, std::vector<core::EventKind>& out) {
  const toml::array* a = r.array("events");
  if (a == nullptr) return;
  if (a->empty()) r.fail(*a, "events must not be empty (leave it out for all events)");
  std::vector<core::EventKind> kinds;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto name = r.stringOf((*a)[i], fmt::format("events[{}]", i));
    if (!name) continue;
    const auto kind = core::eventKind(*name);
    const auto guess = closest(*name, core::kEventNames);
    if (!kind)
      r.fail((*a)[i],
             fmt::format("events: unknown event '{}'{}", *name,
                         guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
    else if (std::find(kinds.begin(), kinds.end(), *kind) != kinds.end())
      r.fail((*a)[i], fmt::format("events: '{}' is listed twice", *name));
    else
      kinds.push_back(*kind);
  }
  if (!a->empty()) out = std::move(kinds);
}

/// An event name of `key` (a table key), or nullopt after an error naming it.
std::optional<core::EventKind> eventKey(TableReader& r, const toml::key& key,
                                        std::string_view table) {
  if (const auto kind = core::eventKind(key.str())) return kind;
  const auto guess = closest(key.str(), core::kEventNames);
  r.fail(key.source(),
         fmt::format("{}: unknown event '{}'{}", table, key.str(),
                     guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
  return std::nullopt;
}

/// [notify.templates.EVENT] title/content/body (content: discord only).
TemplateConfig templateParts(TableReader& parent, const toml::table& t, std::string_view name,
                             NotifyType type) {
  TemplateConfig out;
  TableReader r(t, fmt::format("{} [notify.templates.{}]", parent.context(), name),
                parent.errors());
  for (const std::string_view part : {"title", "body", "content"}) {
    if (!r.has(part)) continue;
    if (part == "content" && type != NotifyType::Discord) {
      r.fail(*r.take(part), "content is the line above a Discord embed: discord entries only");
      continue;
    }
    std::string text;
    r.string(part, text);
    (part == "title" ? out.title : part == "body" ? out.body : out.content) = text;
  }
  r.finish();
  return out;
}

void templates(TableReader& r, NotifyConfig& n) {
  const toml::table* t = r.table("templates");
  if (t == nullptr) return;
  for (const auto& [key, value] : *t) {
    const std::string name(key.str());
    if (name != "progress" && !eventKey(r, key, "templates")) continue;
    if (const auto* parts = value.as_table())
      n.templates[name] = templateParts(r, *parts, name, n.type);
    else if (const auto body = r.stringOf(value, fmt::format("templates.{}", name)))
      n.templates[name].body = *body;
  }
}

/// [notify.arguments]: event = "word"; `check` as TableReader::string.
void perEvent(TableReader& r, std::string_view table, std::map<core::EventKind, std::string>& out,
              std::string (*check)(std::string_view) = nullptr) {
  const toml::table* t = r.table(table);
  if (t == nullptr) return;
  for (const auto& [key, value] : *t) {
    const auto kind = core::eventKind(key.str());
    const auto guess = closest(key.str(), core::kEventNames);
    const std::string what = fmt::format("{}.{}", table, key.str());
    const auto text = r.stringOf(value, what);
    const std::string why = text && check != nullptr ? check(*text) : "";
    if (!kind)
      r.fail(key.source(),
             fmt::format("{}: unknown event '{}'{}", table, key.str(),
                         guess.empty() ? "" : fmt::format(" (did you mean '{}'?)", guess)));
    else if (!why.empty())
      r.fail(value, fmt::format("{} {}", what, why));
    else if (text)
      out[*kind] = *text;
  }
}

/// "@here", "@everyone", "<@&123…>" (a role), "<@123…>" / "<@!123…>" (a user).
std::string mention(std::string_view s) {
  if (s == "@here" || s == "@everyone") return "";
  std::string_view id = s;
  if (id.starts_with("<@&"))
    id.remove_prefix(3);
  else if (id.starts_with("<@!"))
    id.remove_prefix(3);
  else if (id.starts_with("<@"))
    id.remove_prefix(2);
  else
    id = {};
  const bool ok =
      id.size() > 1 && id.back() == '>' &&
      std::all_of(id.begin(), id.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
  return ok ? "" : "must be \"@here\", \"@everyone\", \"<@&ROLE_ID>\" or \"<@USER_ID>\"";
}

void mentions(TableReader& r, NotifyConfig& n) {
  const toml::table* t = r.table("mentions");
  if (t == nullptr) return;
  for (const auto& [key, value] : *t) {
    const auto kind = eventKey(r, key, "mentions");
    const auto* list = value.as_array();
    if (list == nullptr) {
      r.fail(value, fmt::format("mentions.{} must be an array of strings", key.str()));
      continue;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto s = r.stringOf((*list)[i], fmt::format("mentions.{}[{}]", key.str(), i));
      if (!s) continue;
      if (const auto why = mention(*s); !why.empty())
        r.fail((*list)[i], fmt::format("mentions.{}[{}] {}", key.str(), i, why));
      else
        out.push_back(*s);
    }
    if (kind) n.mentions[*kind] = std::move(out);
  }
}

void discord(TableReader& r, NotifyConfig& n) {
  requiredSecret(r, "url", n.url, n.secretSources, httpUrl);
  r.choice<DiscordStyle>("style", kDiscordStyles, n.discordStyle);
  r.boolean("embed", n.embed);
  r.boolean("fields", n.fields);
  mentions(r, n);
}

void ntfy(TableReader& r, NotifyConfig& n) {
  n.url = "https://ntfy.sh";
  secret(r, "url", n.url, n.secretSources, httpUrl);
  required(r, "topic", n.topic, ntfyTopic);
  secret(r, "token", n.token, n.secretSources);
  int priority = 0;
  if (r.has("priority")) {
    r.integer("priority", 1, 5, priority);
    if (priority != 0) n.priority = priority;
  }
}

void smtp(TableReader& r, NotifyConfig& n) {
  required(r, "server", n.server, nonEmpty);
  r.integer("port", 1, 65535, n.port);
  r.boolean("starttls", n.starttls);
  r.string("username", n.username);
  secret(r, "password", n.password, n.secretSources);
  required(r, "from", n.from, mailAddress);
  if (!r.has("to")) r.fail(r.node(), "missing key 'to'");
  r.strings("to", n.to);
  for (std::size_t i = 0; i < n.to.size(); ++i)
    if (const auto why = mailAddress(n.to[i]); !why.empty())
      r.fail(*r.take("to")->as_array()->get(i), fmt::format("to[{}] {}", i, why));
  r.string("subject", n.subject);
}

void typeKeys(TableReader& r, NotifyConfig& n) {
  switch (n.type) {
  case NotifyType::Discord: discord(r, n); break;
  case NotifyType::Webhook: requiredSecret(r, "url", n.url, n.secretSources, httpUrl); break;
  case NotifyType::Ntfy: ntfy(r, n); break;
  case NotifyType::Smtp: smtp(r, n); break;
  case NotifyType::Exec:
    if (!r.has("command")) r.fail(r.node(), "missing key 'command'");
    r.strings("command", n.command);
    perEvent(r, "arguments", n.arguments, nonEmpty);
    break;
  }
}

NotifyConfig readNotify(const toml::table& t, std::size_t number, ErrorList& errors) {
  NotifyConfig n;
  TableReader untyped(t, fmt::format("in [[notify]] #{}", number), errors);
  if (!untyped.has("type"))
    untyped.fail(t, "missing key 'type' (" + quotedList(namesOf<NotifyType>(kNotifyTypes)) + ")");
  // Without a valid type, which keys are allowed is unknown: report nothing more.
  if (!untyped.choice<NotifyType>("type", kNotifyTypes, n.type)) return n;
  TableReader r(t, fmt::format("in [[notify]] #{} ({})", number, nameOf(n.type)), errors);
  r.take("type");
  events(r, n.events);
  r.choice<Language>("language", kLanguages, n.language);
  r.seconds("timeout", 1, 300, n.timeout);
  r.integer("retries", 0, 10, n.retries);
  r.integer("alert_after_failures", 0, 100, n.alertAfterFailures);
  typeKeys(r, n);
  templates(r, n);
  r.finish();
  return n;
}

void notifies(TableReader& root, std::vector<NotifyConfig>& out) {
  const toml::array* a = root.array("notify");
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (const auto* t = (*a)[i].as_table())
      out.push_back(readNotify(*t, i + 1, root.errors()));
    else
      root.fail((*a)[i], "notify must be an array of tables ([[notify]])");
  }
}

// [serve]

std::optional<ListenAddress> parseListen(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (host.starts_with('[') != host.ends_with(']')) return std::nullopt;
  if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (host.empty() || ec != std::errc() || end != port.data() + port.size() || v > 65535)
    return std::nullopt;
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(v)};
}

void listen(TableReader& r, ListenAddress& out) {
  const toml::node* n = r.take("listen");
  if (n == nullptr) return;
  const auto s = r.stringOf(*n, "listen");
  if (!s) return;
  if (const auto a = parseListen(*s))
    out = *a;
  else
    r.fail(*n, fmt::format("listen = \"{}\" is not HOST:PORT (\"127.0.0.1:3493\", \"[::1]:3493\")",
                           *s));
}

void allow(TableReader& r, std::vector<lib::IpNetwork>& out) {
  const toml::array* a = r.array("allow");
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto s = r.stringOf((*a)[i], fmt::format("allow[{}]", i));
    if (!s) continue;
    try {
      out.push_back(lib::parseIpNetwork(*s));
    } catch (const std::invalid_argument& e) {
      r.fail((*a)[i], fmt::format("allow: {}", e.what()));
    }
  }
}

void rights(TableReader& r, std::vector<NutRight>& out) {
  const toml::array* a = r.array("rights");
  if (a == nullptr) return;
  const auto names = namesOf<NutRight>(kNutRights);
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto s = r.stringOf((*a)[i], fmt::format("rights[{}]", i));
    const auto* it = std::find_if(std::begin(kNutRights), std::end(kNutRights),
                                  [&](const auto& c) { return s && c.first == *s; });
    if (s && it == std::end(kNutRights))
      r.fail((*a)[i], fmt::format("rights: \"{}\" is not {}", *s, quotedList(names)));
    else if (s && std::find(out.begin(), out.end(), it->second) != out.end())
      r.fail((*a)[i], fmt::format("rights: \"{}\" is listed twice", *s));
    else if (s)
      out.push_back(it->second);
  }
}

NutUser readUser(const toml::table& t, std::size_t number, ErrorList& errors) {
  NutUser u;
  TableReader r(t, fmt::format("in [[serve.nut.users]] #{}", number), errors);
  required(r, "name", u.name, userName);
  requiredSecret(r, "password", u.password, u.secretSources, nonEmpty);
  rights(r, u.rights);
  r.finish();
  return u;
}

void users(TableReader& r, std::vector<NutUser>& out) {
  const toml::array* a = r.array("users");
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* t = (*a)[i].as_table();
    if (t == nullptr) {
      r.fail((*a)[i], "users must be an array of tables ([[serve.nut.users]])");
      continue;
    }
    NutUser u = readUser(*t, i + 1, r.errors());
    const bool twice = !u.name.empty() && std::any_of(out.begin(), out.end(), [&](const auto& o) {
      return o.name == u.name;
    });
    if (twice)
      r.errors().add(
          t->get("name")->source(),
          fmt::format("in [[serve.nut.users]] #{}: user '{}' is defined twice", i + 1, u.name));
    out.push_back(std::move(u));
  }
}

/// certificate, key (read with the secrets' file rules), require_tls.
void tls(TableReader& r, NutServerConfig& n) {
  r.string("certificate", n.certificate, absolutePath);
  const toml::node* key = r.take("key");
  if (key != nullptr) {
    const auto path = r.stringOf(*key, "key");
    if (path && !path->starts_with('/')) {
      r.fail(*key, "key must be an absolute path");
    } else if (path) {
      try {
        n.keyPem = r.errors().secrets().privateKey(*path);
        n.key = *path;
      } catch (const config::SecretError& e) {
        r.fail(*key, fmt::format("key: {}", e.what()));
      }
    }
  }
  r.boolean("require_tls", n.requireTls);
  const toml::node* certificate = r.node().get("certificate");
  if ((certificate == nullptr) != (key == nullptr))
    r.fail(certificate != nullptr ? *certificate : *key,
           "certificate and key go together: give both (or neither: STARTTLS is then answered "
           "FEATURE-NOT-CONFIGURED)");
  if (n.requireTls && certificate == nullptr)
    r.fail(*r.node().get("require_tls"), "require_tls = true needs certificate and key");
}

NutServerConfig readNut(TableReader& r) {
  NutServerConfig n;
  listen(r, n.listen);
  r.string("name", n.name, upsName);
  r.seconds("hostsync", 0, 600, n.hostsync);
  r.integer("max_connections", 1, 4096, n.maxConnections);
  allow(r, n.allow);
  tls(r, n);
  users(r, n.users);
  return n;
}

std::string actionToken(std::string_view token) {
  if (token.size() < 16)
    return "must be at least 16 characters (a guessable token lets anyone on the network start "
           "a battery test)";
  return {};
}

std::string passwordHash(std::string_view hash) { return lib::passwordHashProblem(hash); }

MetricsConfig readHttp(TableReader& r) {
  MetricsConfig m;
  listen(r, m.listen);
  r.integer("max_connections", 1, 1024, m.maxConnections);
  r.boolean("dashboard", m.dashboard);
  r.boolean("nut_exporter", m.nutExporter);
  secret(r, "action_token", m.actionToken, m.secretSources, actionToken);
  secret(r, "action_password_hash", m.actionPasswordHash, m.secretSources, passwordHash);
  allow(r, m.allow);
  return m;
}

/// [serve.http], or [serve.metrics] as it was first called; not both.
void readHttpSection(TableReader& r, Config& c) {
  const bool http = r.has("http"), metrics = r.has("metrics");
  if (http) section(r, "serve.http", c.metrics.emplace(), readHttp);
  if (metrics && http) {
    r.fail(*r.node().get("metrics"),
           "[serve.metrics] is the old name of [serve.http]: keep one of them");
    r.take("metrics");
    return;
  }
  if (metrics) {
    section(r, "serve.metrics", c.metrics.emplace(), readHttp);
    c.metrics->section = "serve.metrics";
  }
}

std::string socketPath(std::string_view s) {
  if (!s.starts_with('/') || s.size() > 107) return "must be an absolute path of at most 107 bytes";
  return s.ends_with('/') ? "must name the socket, not a folder" : "";
}

std::string groupName(std::string_view s) {
  return s.empty() || (allOf(s, "._-") && s.size() <= 32) ? "" : "must be a group name or \"\"";
}

ControlConfig readControl(TableReader& r) {
  ControlConfig c;
  std::string socket = c.socket.string();
  r.string("socket", socket, socketPath);
  c.socket = socket;
  r.string("group", c.group, groupName);
  return c;
}

void serve(TableReader& root, Config& c) {
  const toml::table* t = root.table("serve");
  if (t == nullptr) return;
  TableReader r(*t, "in [serve]", root.errors());
  if (r.has("nut")) section(r, "serve.nut", c.nut.emplace(), readNut);
  readHttpSection(r, c);
  if (r.has("control")) section(r, "serve.control", c.control, readControl);
  r.finish();
}

// [history]

std::string absoluteOrEmpty(std::string_view s) {
  return s.empty() || s.starts_with('/') ? "" : "must be an absolute path, or \"\" (off)";
}

HistoryConfig readHistory(TableReader& r) {
  HistoryConfig h;
  std::string file = h.file.string();
  r.string("file", file, absoluteOrEmpty);
  h.file = file;
  r.integer("keep_years", 1, 50, h.keepYears);
  r.integer("health_warn_below", 0, 100, h.healthWarnBelow, "%");
  r.integer("battery_life", 1, 20, h.batteryLife);
  return h;
}

// [battery_test]

void schedule(TableReader& r, std::string_view key, TestSchedule& out) {
  const toml::node* n = r.take(key);
  if (n == nullptr) return;
  const auto text = r.stringOf(*n, key);
  if (!text) return;
  try {
    out = parseTestSchedule(*text);
  } catch (const std::invalid_argument& e) {
    r.fail(*n, fmt::format("{} = \"{}\": {}", key, *text, e.what()));
  }
}

BatteryTestConfig readBatteryTest(TableReader& r) {
  BatteryTestConfig b;
  schedule(r, "quick", b.quick);
  schedule(r, "deep", b.deep);
  r.integer("min_charge", 0, 100, b.minCharge, "%");
  r.seconds("after_outage", 0, 604800, b.afterOutage);
  r.seconds("max_duration", 30, 14400, b.maxDuration);
  return b;
}

} // namespace

Config readConfig(const toml::table& root, ErrorList& errors) {
  Config c;
  TableReader r(root, "", errors);
  readDevices(r, c);
  section(r, "policy", c.policy, readPolicy);
  checkSupplies(root, c, errors);
  if (c.deviceArray) checkDistinctUsb(root, c, errors);
  section(r, "shutdown", c.shutdown, readShutdown);
  section(r, "proxmox", c.proxmox, readProxmox);
  section(r, "log", c.log, readLog);
  notifies(r, c.notify);
  serve(r, c);
  section(r, "history", c.history, readHistory);
  section(r, "battery_test", c.batteryTest, readBatteryTest);
  readShed(r, c.shed);
  section(r, "comeback", c.comeback, readComeback);
  r.finish();
  return c;
}

} // namespace hidupsd::config
