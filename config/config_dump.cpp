// SPDX-License-Identifier: GPL-2.0-or-later
// redacted(): the effective configuration as TOML, every secret replaced by "<redacted>".
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

std::string secret(const std::string& s) { return quote(s.empty() ? "" : "<redacted>"); }

/// Appends "key = value".
class Writer {
public:
  template <typename T> void line(std::string_view key, const T& value) {
    fmt::format_to(std::back_inserter(out_), "{} = {}\n", key, value);
  }
  void seconds(std::string_view key, std::chrono::seconds s) { line(key, s.count()); }
  void text(std::string_view key, std::string_view s) { line(key, quote(s)); }
  void flag(std::string_view key, bool b) { line(key, b ? "true" : "false"); }
  void header(std::string_view h) { out_ += fmt::format("\n{}\n", h); }
  void raw(std::string_view s) { out_ += s; }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

void device(Writer& w, const DeviceConfig& d) {
  w.header("[device]");
  if (d.vendorId && d.productId) {
    w.line("vendor_id", fmt::format("0x{:04x}", *d.vendorId));
    w.line("product_id", fmt::format("0x{:04x}", *d.productId));
  } else {
    w.raw("# vendor_id, product_id: not set (the first UPS found, 0463:ffff first)\n");
  }
  w.text("serial", d.serial);
  w.seconds("poll_interval", d.pollInterval);
  if (d.replay) w.text("replay", d.replay->string());
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
  case NotifyType::Webhook: w.text("url", redactUrl(n.url)); break;
  case NotifyType::Ntfy:
    w.text("url", redactUrl(n.url));
    w.text("topic", n.topic);
    w.line("token", secret(n.token));
    if (n.priority) w.line("priority", *n.priority);
    break;
  case NotifyType::Smtp:
    w.text("server", n.server);
    w.line("port", n.port);
    w.flag("starttls", n.starttls);
    w.text("username", n.username);
    w.line("password", secret(n.password));
    w.text("from", n.from);
    w.line("to", quoteAll(n.to));
    w.text("subject", n.subject);
    break;
  case NotifyType::Exec: w.line("command", quoteAll(n.command)); break;
  }
}

void notify(Writer& w, const NotifyConfig& n) {
  w.header("[[notify]]");
  w.text("type", nameOf(n.type));
  w.line("events", eventList(n.events));
  w.text("language", nameOf(n.language));
  w.seconds("timeout", n.timeout);
  w.line("retries", n.retries);
  typeKeys(w, n);
  if (n.templates.empty()) return;
  w.header("[notify.templates]");
  for (const auto& [kind, text] : n.templates)
    w.text(core::eventName(kind), text);
}

void nut(Writer& w, const NutServerConfig& n) {
  w.header("[serve.nut]");
  w.text("listen", hostPort(n.listen));
  w.text("name", n.name);
  w.seconds("hostsync", n.hostsync);
  if (n.maxConnections > 0) w.line("max_connections", n.maxConnections);
  for (const auto& u : n.users) {
    w.header("[[serve.nut.users]]");
    w.text("name", u.name);
    w.line("password", secret(u.password));
    std::vector<std::string> rights;
    for (const auto r : u.rights)
      rights.emplace_back(nameOf(r));
    w.line("rights", quoteAll(rights));
  }
}

void http(Writer& w, const MetricsConfig& m) {
  w.header("[serve.http]");
  w.text("listen", hostPort(m.listen));
  w.line("max_connections", m.maxConnections);
  w.flag("dashboard", m.dashboard);
  w.flag("nut_exporter", m.nutExporter);
  // As comments: "<redacted>" would not pass their checks when the dump is read back.
  if (!m.actionToken.empty()) w.raw("# action_token = <redacted>\n");
  if (!m.actionPasswordHash.empty()) w.raw("# action_password_hash = <redacted>\n");
}

} // namespace

std::string redacted(const Config& c) {
  Writer w;
  w.raw("# hidupsd: the effective configuration, secrets redacted\n");
  device(w, c.device);
  policy(w, c.policy);
  shutdown(w, c.shutdown);
  proxmox(w, c.proxmox);
  logSection(w, c.log);
  for (const auto& n : c.notify)
    notify(w, n);
  if (c.nut) nut(w, *c.nut);
  if (c.metrics) http(w, *c.metrics);
  return w.take();
}

} // namespace hidupsd
