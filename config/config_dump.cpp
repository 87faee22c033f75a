// SPDX-License-Identifier: GPL-2.0-or-later
// redacted(), annotated(): the configuration as TOML, secrets redacted or commented keys.
#include <iterator>

#include <fmt/format.h>

#include "config/config.hpp"
#include "config/config_reader.hpp"

namespace hidupsd {

namespace {

/// A TOML basic string (TOML 1.0 §String: escapes for '"', '\' and control characters).
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\u{:04X}", u);
    else
      out += c;
  }
  return out + "\"";
}

std::string quoteAll(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& s : items)
    quoted.push_back(quote(s));
  return fmt::format("[{}]", fmt::join(quoted, ", "));
}

/// Appends "key = value" lines under "[section]" headers, each preceded by its notes.
class Writer {
public:
  Writer(bool redact, const KeyNotes* notes) : redact_(redact), notes_(notes) {}

  template <typename T> void line(std::string_view key, const T& value) {
    comments(section_ + "." + std::string(key));
    fmt::format_to(std::back_inserter(out_), "{} = {}\n", key, value);
  }
  void seconds(std::string_view key, std::chrono::seconds s) { line(key, s.count()); }
  void text(std::string_view key, std::string_view s) { line(key, quote(s)); }
  void flag(std::string_view key, bool b) { line(key, b ? "true" : "false"); }
  /// A secret: KEY_file / KEY_credential when it came from one, else "<redacted>" (or the
  /// value itself when not redacting). `shown` is what a redacted dump shows instead.
  void secret(std::string_view key, const std::string& value, const SecretSources& sources,
              const std::string& shown = "<redacted>") {
    if (const auto it = sources.find(key); it != sources.end()) {
      const bool file = it->second.kind == SecretSource::Kind::File;
      text(fmt::format("{}_{}", key, file ? "file" : "credential"), it->second.name);
    } else {
      text(key, !redact_ || value.empty() ? value : shown);
    }
  }
  /// "[device]", "[[notify]]": the section's notes, then its header.
  void header(std::string_view h) {
    section_ = sectionName(h);
    out_ += "\n";
    comments(section_);
    out_ += fmt::format("{}\n", h);
  }
  void raw(std::string_view s) { out_ += s; }
  std::string take() { return std::move(out_); }

private:
  /// "[device]" → "device", the second "[[notify]]" → "notify#2", then "[notify.templates]"
  /// → "notify#2.templates".
  std::string sectionName(std::string_view h) {
    const bool array = h.starts_with("[[");
    std::string name(h.substr(array ? 2 : 1, h.size() - (array ? 4 : 2)));
    if (array) return name + "#" + std::to_string(++counts_[name]);
    const auto dot = name.find('.');
    const std::string parent = name.substr(0, dot);
    if (dot != std::string::npos && counts_.contains(parent))
      return parent + "#" + std::to_string(counts_[parent]) + name.substr(dot);
    return name;
  }
  void comments(const std::string& key) {
    if (notes_ == nullptr) return;
    if (const auto it = notes_->find(key); it != notes_->end())
      for (const auto& note : it->second)
        out_ += tomlComment(note);
  }

  bool redact_;
  const KeyNotes* notes_;
  std::string section_;
  std::map<std::string, int> counts_;
  std::string out_;
};

/// A remote UPS: its keys only (the local ones would be refused beside nut).
void remoteDevice(Writer& w, const DeviceConfig& d) {
  w.text("nut", lib::nutAddressText(*d.nut));
  if (!d.username.empty()) {
    w.text("username", d.username);
    w.secret("password", d.password, d.secretSources);
  }
  w.seconds("nut_timeout", d.nutTimeout);
  w.seconds("poll_interval", d.pollInterval);
}

void device(Writer& w, const DeviceConfig& d, std::string_view header) {
  w.header(header);
  if (!d.name.empty()) w.text("name", d.name);
  if (d.supplies != 1) w.line("supplies", d.supplies); // the default: goldens stay as they were
  if (d.nut) return remoteDevice(w, d);
  if (d.vendorId && d.productId) {
    w.line("vendor_id", fmt::format("0x{:04x}", *d.vendorId));
    w.line("product_id", fmt::format("0x{:04x}", *d.productId));
  } else {
    w.raw("# vendor_id, product_id: not set (the first UPS found, 0463:ffff first)\n");
  }
  w.text("serial", d.serial);
  w.seconds("poll_interval", d.pollInterval);
  if (d.replay) w.text("replay", d.replay->string());
  w.text("backend", nameOf(d.backend));
  w.flag("descriptor_fixups", d.descriptorFixups);
}

void policy(Writer& w, const PolicyConfig& p) {
  w.header("[policy]");
  w.seconds("on_battery_delay", p.onBatteryDelay);
  w.seconds("online_delay", p.onlineDelay);
  w.flag("shutdown_on_low_battery", p.shutdownOnLowBattery);
  w.line("shutdown_charge_below", p.shutdownChargeBelow);
  w.seconds("shutdown_runtime_below", p.shutdownRuntimeBelow);
  w.seconds("shutdown_after_on_battery", p.shutdownAfterOnBattery);
  w.seconds("comms_lost_timeout", p.commsLostTimeout);
  w.seconds("nocomm_warn_time", p.nocommWarnTime);
  w.flag("simulation", p.simulation);
  if (p.minSupplies != 1) w.line("min_supplies", p.minSupplies);
}

void shutdown(Writer& w, const ShutdownConfig& s) {
  w.header("[shutdown]");
  w.text("strategy", nameOf(s.strategy));
  w.seconds("guest_timeout", s.guestTimeout);
  w.flag("force_stop", s.forceStop);
  w.line("host_command", quoteAll(s.hostCommand));
  w.flag("ups_shutdown_return", s.upsShutdownReturn);
  w.seconds("ups_off_delay", s.upsOffDelay);
  w.seconds("ups_on_delay", s.upsOnDelay);
  w.seconds("deadline_margin", s.deadlineMargin);
  w.seconds("deadline", s.deadline);
  w.text("kill_power_flag", s.killPowerFlag.string());
}

void proxmox(Writer& w, const ProxmoxConfig& p) {
  w.header("[proxmox]");
  w.text("qm", p.qm.string());
  w.text("pct", p.pct.string());
  w.text("pvesh", p.pvesh.string());
  if (p.node.empty())
    w.raw("# node: not set (this host's name)\n");
  else
    w.text("node", p.node);
  w.flag("containers", p.containers);
  w.line("exclude", fmt::format("[{}]", fmt::join(p.exclude, ", ")));
  w.text("pmxcfs", p.pmxcfs.string());
  w.seconds("plan_refresh", p.planRefresh);
}

void logSection(Writer& w, const LogConfig& l) {
  w.header("[log]");
  w.text("file", l.file.string());
  w.text("level", config::nameIn<log::Level>(config::kLogLevels, l.level));
}

std::string eventList(const std::vector<core::EventKind>& kinds) {
  std::vector<std::string> names;
  for (const auto k : kinds)
    names.emplace_back(core::eventName(k));
  return quoteAll(names);
}

void typeKeys(Writer& w, const NotifyConfig& n) {
  switch (n.type) {
  case NotifyType::Discord:
    w.secret("url", n.url, n.secretSources, redactUrl(n.url));
    w.text("style", nameOf(n.discordStyle));
    w.flag("embed", n.embed);
    w.flag("fields", n.fields);
    break;
  case NotifyType::Webhook: w.secret("url", n.url, n.secretSources, redactUrl(n.url)); break;
  case NotifyType::Ntfy:
    w.secret("url", n.url, n.secretSources, redactUrl(n.url));
    w.text("topic", n.topic);
    w.secret("token", n.token, n.secretSources);
    if (n.priority) w.line("priority", *n.priority);
    break;
  case NotifyType::Smtp:
    w.text("server", n.server);
    w.line("port", n.port);
    w.flag("starttls", n.starttls);
    w.text("username", n.username);
    w.secret("password", n.password, n.secretSources);
    w.text("from", n.from);
    w.line("to", quoteAll(n.to));
    w.text("subject", n.subject);
    break;
  case NotifyType::Exec: w.line("command", quoteAll(n.command)); break;
  }
}

/// [notify.arguments] or [notify.templates]: event = "text".
void perEvent(Writer& w, std::string_view table, const std::map<core::EventKind, std::string>& m) {
  if (m.empty()) return;
  w.header(fmt::format("[notify.{}]", table));
  for (const auto& [kind, text] : m)
    w.text(core::eventName(kind), text);
}

void notify(Writer& w, const NotifyConfig& n) {
  w.header("[[notify]]");
  w.text("type", nameOf(n.type));
  w.line("events", eventList(n.events));
  w.text("language", nameOf(n.language));
  w.seconds("timeout", n.timeout);
  w.line("retries", n.retries);
  w.line("alert_after_failures", n.alertAfterFailures);
  typeKeys(w, n);
  if (!n.mentions.empty()) {
    w.header("[notify.mentions]");
    for (const auto& [kind, list] : n.mentions)
      w.line(core::eventName(kind), quoteAll(list));
  }
  for (const auto& [name, t] : n.templates) {
    w.header("[notify.templates." + name + "]");
    if (t.title) w.text("title", *t.title);
    if (t.content) w.text("content", *t.content);
    if (t.body) w.text("body", *t.body);
  }
  perEvent(w, "arguments", n.arguments);
}

void allowList(Writer& w, const std::vector<lib::IpNetwork>& allow) {
  if (allow.empty()) return;
  std::vector<std::string> texts;
  for (const auto& n : allow)
    texts.push_back(lib::ipNetworkText(n));
  w.line("allow", quoteAll(texts));
}

void nut(Writer& w, const NutServerConfig& n) {
  w.header("[serve.nut]");
  w.text("listen", hostPort(n.listen));
  w.text("name", n.name);
  w.seconds("hostsync", n.hostsync);
  if (n.maxConnections > 0) w.line("max_connections", n.maxConnections);
  allowList(w, n.allow);
  if (!n.certificate.empty()) w.text("certificate", n.certificate);
  if (!n.key.empty()) w.text("key", n.key); // the path: the key itself is never written
  if (n.requireTls) w.line("require_tls", "true");
  for (const auto& u : n.users) {
    w.header("[[serve.nut.users]]");
    w.text("name", u.name);
    w.secret("password", u.password, u.secretSources);
    std::vector<std::string> rights;
    for (const auto r : u.rights)
      rights.emplace_back(nameOf(r));
    w.line("rights", quoteAll(rights));
  }
}

void http(Writer& w, const MetricsConfig& m) {
  w.header("[" + m.section + "]");
  w.text("listen", hostPort(m.listen));
  w.line("max_connections", m.maxConnections);
  w.flag("dashboard", m.dashboard);
  w.flag("nut_exporter", m.nutExporter);
  // Written in the file: as comments ("<redacted>" would not pass their checks when the dump
  // is read back); from a file or a credential: its key.
  for (const auto& [key, value] :
       {std::pair<std::string_view, const std::string&>{"action_token", m.actionToken},
        {"action_password_hash", m.actionPasswordHash}}) {
    if (m.secretSources.contains(key))
      w.secret(key, value, m.secretSources);
    else if (!value.empty())
      w.raw(fmt::format("# {} = <redacted>\n", key));
  }
  allowList(w, m.allow);
}

void history(Writer& w, const HistoryConfig& h) {
  w.header("[history]");
  w.text("file", h.file.string());
  w.line("keep_years", h.keepYears);
  w.line("health_warn_below", h.healthWarnBelow);
  w.line("battery_life", h.batteryLife);
}

void batteryTest(Writer& w, const BatteryTestConfig& b) {
  w.header("[battery_test]");
  w.text("quick", scheduleText(b.quick));
  w.text("deep", scheduleText(b.deep));
  w.line("min_charge", b.minCharge);
  w.seconds("after_outage", b.afterOutage);
  w.seconds("max_duration", b.maxDuration);
}

void shed(Writer& w, const ShedTier& t) {
  w.header("[[shed]]");
  w.text("name", t.name);
  if (!t.guests.empty()) w.line("guests", fmt::format("[{}]", fmt::join(t.guests, ", ")));
  if (!t.tags.empty()) w.line("tags", quoteAll(t.tags));
  w.line(config::triggerKey(t.trigger), t.threshold);
  w.flag("restart_on_mains", t.restartOnMains);
  w.seconds("timeout", t.timeout);
}

void comeback(Writer& w, const ComebackConfig& c) {
  w.header("[comeback]");
  w.flag("enabled", c.enabled);
  w.line("min_charge", c.minCharge);
  w.text("state_file", c.stateFile.string());
  w.seconds("max_wait", c.maxWait);
  w.line("wake", quoteAll(c.wake));
  w.text("wake_address", c.wakeAddress);
}

void all(Writer& w, const Config& c) {
  for (const auto& d : allDevices(c))
    device(w, d, c.deviceArray ? "[[device]]" : "[device]");
  policy(w, c.policy);
  shutdown(w, c.shutdown);
  proxmox(w, c.proxmox);
  logSection(w, c.log);
  for (const auto& n : c.notify)
    notify(w, n);
  if (c.nut) nut(w, *c.nut);
  if (c.metrics) http(w, *c.metrics);
  w.header("[serve.control]");
  w.text("socket", c.control.socket.string());
  w.text("group", c.control.group);
  history(w, c.history);
  batteryTest(w, c.batteryTest);
  for (const auto& t : c.shed)
    shed(w, t);
  comeback(w, c.comeback);
}

} // namespace

std::string tomlComment(std::string_view text) {
  if (text.empty()) return "#\n";
  std::string out = "# ";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u >= 0x7f ? '?' : c;
  }
  return out + "\n";
}

std::string redacted(const Config& c) {
  Writer w(true, nullptr);
  w.raw("# hidupsd: the effective configuration, secrets redacted\n");
  all(w, c);
  return w.take();
}

std::string annotated(const Config& c, const KeyNotes& notes) {
  Writer w(false, &notes);
  all(w, c);
  return w.take();
}

} // namespace hidupsd
