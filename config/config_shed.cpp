// SPDX-License-Identifier: GPL-2.0-or-later
// The [[shed]] tiers and [comeback]: keys, ranges and cross-checks (see hidupsd.toml.5).
#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "config/config_reader.hpp"
#include "lib/wake_on_lan.hpp"

namespace hidupsd::config {

namespace {

struct TriggerKey {
  std::string_view key;
  ShedTier::Trigger trigger;
  std::int64_t min;
  std::int64_t max;
  std::string_view unit;
};
constexpr TriggerKey kTriggers[] = {
    {"after_on_battery", ShedTier::Trigger::AfterOnBattery, 1, 86400, "s"},
    {"charge_below", ShedTier::Trigger::ChargeBelow, 1, 100, "%"},
    {"runtime_below", ShedTier::Trigger::RuntimeBelow, 1, 86400, "s"},
};

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string tierName(std::string_view s) {
  if (s.empty() || s.size() > 32) return "must be 1 to 32 characters";
  for (const char c : s)
    if (!nameChar(c)) return "may hold only letters, digits, '_', '.' and '-'";
  return "";
}

/// Proxmox's tag syntax (pve-common's pve-tag): [a-z0-9_][a-z0-9_+.-]*, any case.
bool validTag(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.front() == '+' || s.front() == '.') return false;
  for (const char c : s)
    if (!nameChar(c) && c != '+') return false;
  return true;
}

/// The one trigger of a tier; an error when there is none or more than one.
void trigger(TableReader& r, ShedTier& tier) {
  const toml::node* first = nullptr;
  std::string_view firstKey;
  for (const auto& t : kTriggers) {
    const toml::node* n = r.take(t.key);
    if (n == nullptr) continue;
    if (first != nullptr) {
      r.fail(*n, fmt::format("{} and {}: a tier has exactly one trigger", firstKey, t.key));
      continue;
    }
    first = n;
    firstKey = t.key;
    if (const auto v = r.integerOf(*n, t.key, t.min, t.max, t.unit)) {
      tier.trigger = t.trigger;
      tier.threshold = static_cast<int>(*v);
    }
  }
  if (first == nullptr)
    r.fail(r.node(), "missing trigger: after_on_battery, charge_below or runtime_below");
}

/// The ids of `guests`; returns how many entries the array has.
std::size_t guestIds(TableReader& r, ShedTier& tier, std::map<int, std::string>& owners) {
  const toml::array* a = r.array("guests");
  if (a == nullptr) return 0;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto id = r.integerOf((*a)[i], fmt::format("guests[{}]", i), 100, 999999999);
    if (!id) continue;
    const int v = static_cast<int>(*id);
    if (const auto [it, fresh] = owners.emplace(v, tier.name); !fresh)
      r.fail((*a)[i],
             it->second == tier.name
                 ? fmt::format("guests[{}]: {} is listed twice", i, v)
                 : fmt::format("guests[{}]: {} is already in tier \"{}\"", i, v, it->second));
    else
      tier.guests.push_back(v);
  }
  return a->size();
}

/// The tags of `tags`; returns how many entries the array has.
std::size_t tags(TableReader& r, ShedTier& tier) {
  const toml::array* a = r.array("tags");
  if (a == nullptr) return 0;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto tag = r.stringOf((*a)[i], fmt::format("tags[{}]", i));
    if (!tag) continue;
    if (!validTag(*tag))
      r.fail((*a)[i], fmt::format("tags[{}] = \"{}\" is not a Proxmox tag ([a-z0-9_][a-z0-9_+.-]*)",
                                  i, *tag));
    else if (!seen.insert(*tag).second)
      r.fail((*a)[i], fmt::format("tags[{}]: \"{}\" is listed twice", i, *tag));
    else
      tier.tags.push_back(*tag);
  }
  return a->size();
}

ShedTier readTier(const toml::table& t, std::size_t number, std::set<std::string>& names,
                  std::map<int, std::string>& owners, ErrorList& errors) {
  ShedTier tier;
  TableReader r(t, fmt::format("in [[shed]] #{}", number), errors);
  r.string("name", tier.name, tierName);
  if (tier.name.empty()) tier.name = fmt::format("tier-{}", number);
  if (!names.insert(tier.name).second) r.fail(*r.take("name"), "name: another tier has this name");
  const bool listed = r.has("guests") || r.has("tags");
  const std::size_t entries = guestIds(r, tier, owners) + tags(r, tier);
  if (!listed)
    r.fail(t, "missing key 'guests' or 'tags': which guests the tier stops");
  else if (entries == 0)
    r.fail(t, "guests and tags are both empty: the tier would stop nothing");
  trigger(r, tier);
  r.boolean("restart_on_mains", tier.restartOnMains);
  r.seconds("timeout", 5, 3600, tier.timeout);
  r.finish();
  return tier;
}

std::string absolute(std::string_view s) {
  return s.starts_with('/') ? "" : "must be an absolute path";
}

std::string ipv4(std::string_view s) {
  in_addr a{};
  return ::inet_pton(AF_INET, std::string(s).c_str(), &a) == 1 ? "" : "must be an IPv4 address";
}

void wakeList(TableReader& r, std::vector<std::string>& out) {
  const toml::array* a = r.array("wake");
  if (a == nullptr) return;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto text = r.stringOf((*a)[i], fmt::format("wake[{}]", i));
    if (!text) continue;
    const auto mac = lib::parseMac(*text);
    if (!mac) {
      r.fail((*a)[i],
             fmt::format("wake[{}] = \"{}\" is not a MAC address (aa:bb:cc:dd:ee:ff)", i, *text));
      continue;
    }
    const auto canonical = lib::macText(*mac);
    if (std::find(out.begin(), out.end(), canonical) != out.end())
      r.fail((*a)[i], fmt::format("wake[{}]: {} is listed twice", i, canonical));
    else
      out.push_back(canonical);
  }
}

} // namespace

void readShed(TableReader& root, std::vector<ShedTier>& out) {
  const toml::array* a = root.array("shed");
  if (a == nullptr) return;
  std::set<std::string> names;
  std::map<int, std::string> owners;
  for (std::size_t i = 0; i < a->size(); ++i) {
    if (const auto* t = (*a)[i].as_table())
      out.push_back(readTier(*t, i + 1, names, owners, root.errors()));
    else
      root.fail((*a)[i], "shed must be an array of tables ([[shed]])");
  }
}

ComebackConfig readComeback(TableReader& r) {
  ComebackConfig c;
  r.boolean("enabled", c.enabled);
  r.integer("min_charge", 0, 100, c.minCharge, "%");
  std::string file = c.stateFile.string();
  r.string("state_file", file, absolute);
  c.stateFile = file;
  r.seconds("max_wait", 0, 604800, c.maxWait);
  wakeList(r, c.wake);
  r.string("wake_address", c.wakeAddress, ipv4);
  return c;
}

std::string_view triggerKey(ShedTier::Trigger t) noexcept {
  for (const auto& k : kTriggers)
    if (k.trigger == t) return k.key;
  return {};
}

} // namespace hidupsd::config

namespace hidupsd {

const char* nameOf(ShedTier::Trigger t) noexcept { return config::triggerKey(t).data(); }

} // namespace hidupsd
