// SPDX-License-Identifier: GPL-2.0-or-later
// GuestConfig: PVE's config line rules (QemuServer.pm parse_vm_config, LXC/Config.pm
// parse_pct_config, JSONSchema.pm pve_parse_startup_order and parse_boolean, ParseUtils
// split_list).
#include "proxmox/guest_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace hidupsd::proxmox {

namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

/// Digits only, as PVE's `\d+`; nullopt for anything else or out of int range.
std::optional<int> digits(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// A section header: `[` first, `]` last but for trailing blanks (PVE: `^\[...\]\s*$`).
bool isSection(std::string_view line) {
  if (line.empty() || line.front() != '[') return false;
  line = trim(line);
  return line.size() >= 2 && line.back() == ']';
}

/// `key: value` with PVE's key shape (a letter, then letters, '_', '-', digits).
bool splitKey(std::string_view line, std::string_view& key, std::string_view& value) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  key = line.substr(0, colon);
  if (!std::islower(static_cast<unsigned char>(key.front()))) return false;
  value = trim(line.substr(colon + 1));
  return true;
}

} // namespace

Startup parseStartupValue(std::string_view value) {
  Startup s;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto item = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto key = eq == std::string_view::npos ? std::string_view("order") : item.substr(0, eq);
    const auto number = digits(eq == std::string_view::npos ? item : item.substr(eq + 1));
    if (!number) return {};
    if (key == "order")
      s.order = number;
    else if (key == "up")
      s.up = number;
    else if (key == "down")
      s.down = number;
    else
      return {};
  }
  return s;
}

bool parseBoolean(std::string_view value) {
  for (const char* yes : {"1", "on", "yes", "true"})
    if (equalsIgnoringCase(value, yes)) return true;
  return false;
}

std::vector<std::string> parseTags(std::string_view value) {
  std::vector<std::string> tags;
  std::string current;
  for (char c : value) {
    if (c == ';' || c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) tags.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) tags.push_back(std::move(current));
  return tags;
}

GuestConfig parseGuestConfig(std::string_view text, GuestType type) {
  GuestConfig c;
  const std::string_view nameKey = type == GuestType::Vm ? "name" : "hostname";
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (isSection(line)) break; // snapshots, pending changes: not the running config
    if (line.empty() || line.front() == '#') continue;
    std::string_view key;
    std::string_view value;
    if (!splitKey(line, key, value) || value.empty()) continue;
    if (key == nameKey)
      c.name = std::string(value);
    else if (key == "startup")
      c.startup = parseStartupValue(value);
    else if (key == "onboot")
      c.onboot = parseBoolean(value);
    else if (key == "tags")
      c.tags = parseTags(value);
  }
  return c;
}

} // namespace hidupsd::proxmox
