// SPDX-License-Identifier: GPL-2.0-or-later
// TableReader: reads typed, range-checked keys from one toml++ table, marks them, reports the rest.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "config/config.hpp"
#include "config/secret_reader.hpp"

namespace hidupsd::config {

/// The errors of one file, collected as they are found, and the reader of the secrets it
/// names (KEY_file, KEY_credential).
class ErrorList {
public:
  ErrorList(std::string file, const SecretReader& secrets)
      : file_(std::move(file)), secrets_(secrets) {}
  const SecretReader& secrets() const noexcept { return secrets_; }
  void add(const toml::source_region& where, std::string message);
  bool empty() const noexcept { return entries_.empty(); }
  /// The entries sorted by position (stable: same position keeps its order).
  std::vector<ConfigError::Entry> take();

private:
  std::string file_;
  const SecretReader& secrets_;
  std::vector<ConfigError::Entry> entries_;
};

/// One name of an enum-valued key: {"guests", ShutdownStrategy::Guests}.
template <typename E> using Choice = std::pair<std::string_view, E>;

// The names of enum-valued keys, the one table both reading and nameOf() use.
inline constexpr Choice<ShutdownStrategy> kStrategies[] = {{"guests", ShutdownStrategy::Guests},
                                                           {"stopall", ShutdownStrategy::StopAll}};
inline constexpr Choice<NotifyType> kNotifyTypes[] = {{"discord", NotifyType::Discord},
                                                      {"webhook", NotifyType::Webhook},
                                                      {"ntfy", NotifyType::Ntfy},
                                                      {"smtp", NotifyType::Smtp},
                                                      {"exec", NotifyType::Exec}};
inline constexpr Choice<DeviceBackend> kBackends[] = {{"auto", DeviceBackend::Auto},
                                                      {"hidraw", DeviceBackend::Hidraw},
                                                      {"libusb", DeviceBackend::Libusb}};
inline constexpr Choice<Language> kLanguages[] = {{"en", Language::En}, {"fr", Language::Fr}};
inline constexpr Choice<DiscordStyle> kDiscordStyles[] = {{"embed", DiscordStyle::Embed},
                                                          {"plain", DiscordStyle::Plain}};
inline constexpr Choice<NutRight> kNutRights[] = {{"secondary", NutRight::Secondary},
                                                  {"primary", NutRight::Primary},
                                                  {"fsd", NutRight::Fsd},
                                                  {"instcmd", NutRight::Instcmd},
                                                  {"set", NutRight::Set}};
inline constexpr Choice<log::Level> kLogLevels[] = {{"debug", log::Level::Debug},
                                                    {"info", log::Level::Info},
                                                    {"notice", log::Level::Notice},
                                                    {"warning", log::Level::Warning},
                                                    {"error", log::Level::Error}};

/// The name of `value` in `names` ("" if absent: a bug).
template <typename E> constexpr std::string_view nameIn(std::span<const Choice<E>> names, E value) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return {};
}

template <typename E> std::vector<std::string_view> namesOf(std::span<const Choice<E>> names) {
  std::vector<std::string_view> out;
  for (const auto& [name, value] : names)
    out.push_back(name);
  return out;
}

/// Reads the keys of one table. Each read marks the key; finish() reports every key
/// that was never read as unknown. Errors go to the ErrorList prefixed with the
/// context ("in [device]: "); the target keeps its default then.
class TableReader {
public:
  TableReader(const toml::table& table, std::string context, ErrorList& errors);

  /// The node of `key`, marked as read; nullptr when absent. Every reader goes through here.
  const toml::node* take(std::string_view key);
  /// Whether `key` is present (without marking it read).
  bool has(std::string_view key) {
    asked_.emplace(key);
    return table_.contains(key);
  }

  void boolean(std::string_view key, bool& out);
  void integer(std::string_view key, std::int64_t min, std::int64_t max, int& out,
               std::string_view unit = {});
  void seconds(std::string_view key, std::int64_t min, std::int64_t max, std::chrono::seconds& out);
  /// A string; `check` returns "" when fine, else why it is not.
  void string(std::string_view key, std::string& out,
              std::string (*check)(std::string_view) = nullptr);
  void strings(std::string_view key, std::vector<std::string>& out);
  /// An enum by name; true when a valid name was read.
  template <typename E> bool choice(std::string_view key, std::span<const Choice<E>> names, E& out);

  /// An integer value node in min..max (unit for the message), or nullopt after an error.
  std::optional<std::int64_t> integerOf(const toml::node& n, std::string_view what,
                                        std::int64_t min, std::int64_t max,
                                        std::string_view unit = {});
  /// A string value node, or nullopt after an error.
  std::optional<std::string> stringOf(const toml::node& n, std::string_view what);
  /// The array at `key` (nullptr when absent or not an array: the latter is an error).
  const toml::array* array(std::string_view key);
  /// The sub-table at `key` (nullptr when absent or not a table: the latter is an error).
  const toml::table* table(std::string_view key);

  void fail(const toml::node& at, std::string_view message);
  void fail(const toml::source_region& at, std::string_view message);
  /// Reports every key never read; a near miss of a key asked for gets "did you mean".
  void finish();

  const toml::table& node() const noexcept { return table_; }
  const std::string& context() const noexcept { return context_; }
  ErrorList& errors() noexcept { return errors_; }

private:
  const toml::table& table_;
  std::string context_;
  ErrorList& errors_;
  std::set<std::string, std::less<>> read_;  ///< keys present and read
  std::set<std::string, std::less<>> asked_; ///< keys asked for, present or not
};

/// "a string", "an integer", … for "must be X, not Y" messages.
std::string_view typeName(toml::node_type t) noexcept;
/// The closest of `known` to `word` when it is a likely typo, else "".
std::string_view closest(std::string_view word, std::span<const std::string_view> known);
/// "\"a\", \"b\" or \"c\"".
std::string quotedList(std::span<const std::string_view> names);

template <typename E>
bool TableReader::choice(std::string_view key, std::span<const Choice<E>> names, E& out) {
  const toml::node* n = take(key);
  if (n == nullptr) return false;
  const auto s = stringOf(*n, key);
  if (!s) return false;
  for (const auto& [name, value] : names) {
    if (name == *s) {
      out = value;
      return true;
    }
  }
  fail(*n, std::string(key) + " = \"" + *s + "\" is not " + quotedList(namesOf(names)));
  return false;
}

/// [[shed]] (config_shed.cpp): every tier, ids unique across tiers, exactly one trigger each.
void readShed(TableReader& root, std::vector<ShedTier>& out);
/// [comeback] (config_shed.cpp).
ComebackConfig readComeback(TableReader& r);
/// "after_on_battery", "charge_below", "runtime_below": the key of a trigger.
std::string_view triggerKey(ShedTier::Trigger t) noexcept;

/// The whole file: every section into its struct (config_schema.cpp).
Config readConfig(const toml::table& root, ErrorList& errors);

} // namespace hidupsd::config
