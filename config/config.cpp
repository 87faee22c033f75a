// SPDX-License-Identifier: GPL-2.0-or-later
// Config: loading, errors, and the redacted dump of the effective configuration.
#include "config/config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "config/config_reader.hpp"

namespace hidupsd {

namespace {

std::string joinEntries(const std::vector<ConfigError::Entry>& entries) {
  std::string out;
  for (const auto& e : entries)
    out += (out.empty() ? "" : "\n") + formatEntry(e);
  return out;
}

constexpr std::string_view kRedacted = "<redacted>";

} // namespace

ConfigError::ConfigError(std::vector<Entry> entries)
    : std::runtime_error(joinEntries(entries)), entries_(std::move(entries)) {}

std::string formatEntry(const ConfigError::Entry& e) {
  if (e.line == 0) return fmt::format("{}: {}", e.file, e.message);
  return fmt::format("{}:{}:{}: {}", e.file, e.line, e.column, e.message);
}

std::vector<core::EventKind> NotifyConfig::allEvents() {
  std::vector<core::EventKind> all;
  for (const auto name : core::kEventNames)
    all.push_back(*core::eventKind(name));
  return all;
}

bool NotifyConfig::wants(core::EventKind kind) const noexcept {
  return std::find(events.begin(), events.end(), kind) != events.end();
}

bool holdsSecrets(const Config& c) {
  // A secret read from a file or a credential (secretSources) is not in the file.
  const auto inFile = [](const std::string& value, const SecretSources& sources,
                         std::string_view key) { return !value.empty() && !sources.contains(key); };
  for (const auto& d : allDevices(c))
    if (inFile(d.password, d.secretSources, "password")) return true;
  for (const auto& n : c.notify) {
    const bool urlIsSecret = n.type == NotifyType::Discord || n.type == NotifyType::Webhook;
    if ((urlIsSecret && inFile(n.url, n.secretSources, "url")) ||
        inFile(n.token, n.secretSources, "token") ||
        inFile(n.password, n.secretSources, "password"))
      return true;
  }
  if (c.metrics &&
      (inFile(c.metrics->actionToken, c.metrics->secretSources, "action_token") ||
       inFile(c.metrics->actionPasswordHash, c.metrics->secretSources, "action_password_hash")))
    return true;
  return c.nut && std::any_of(c.nut->users.begin(), c.nut->users.end(), [&](const NutUser& u) {
           return inFile(u.password, u.secretSources, "password");
         });
}

std::string secretsExposureWarning(const std::filesystem::path& path, const Config& config) {
  struct stat st {};
  if (!holdsSecrets(config) || ::stat(path.c_str(), &st) != 0) return {};
  if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0) return {};
  return fmt::format("{} is readable by {} (mode {:04o}) and holds secrets (webhook URLs, tokens "
                     "or passwords): chmod 600 {}",
                     path.string(), (st.st_mode & S_IROTH) != 0 ? "every user" : "its group",
                     st.st_mode & 07777, path.string());
}

Config parseConfig(std::string_view text, const std::string& sourceName,
                   const config::SecretReader& secrets) {
  config::ErrorList errors(sourceName, secrets);
  toml::table root;
  try {
    root = toml::parse(text, sourceName);
  } catch (const toml::parse_error& e) {
    errors.add(e.source(), std::string(e.description()));
    throw ConfigError(errors.take());
  }
  Config c = config::readConfig(root, errors);
  if (!errors.empty()) throw ConfigError(errors.take());
  return c;
}

Config loadConfig(const std::filesystem::path& path, const config::SecretReader& secrets) {
  const auto fail = [&](const std::string& why) {
    return ConfigError({{path.string(), 0, 0, "cannot read: " + why}});
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw fail("is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail(std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw fail(std::strerror(errno));
  return parseConfig(text.str(), path.string(), secrets);
}

std::string hostPort(const ListenAddress& address) {
  if (address.host.find(':') != std::string::npos)
    return fmt::format("[{}]:{}", address.host, address.port);
  return fmt::format("{}:{}", address.host, address.port);
}

const char* nameOf(ShutdownStrategy s) noexcept {
  return config::nameIn<ShutdownStrategy>(config::kStrategies, s).data();
}
const char* nameOf(NotifyType t) noexcept {
  return config::nameIn<NotifyType>(config::kNotifyTypes, t).data();
}
const char* nameOf(Language l) noexcept {
  return config::nameIn<Language>(config::kLanguages, l).data();
}
const char* nameOf(DiscordStyle s) noexcept {
  return config::nameIn<DiscordStyle>(config::kDiscordStyles, s).data();
}
const char* nameOf(NutRight r) noexcept {
  return config::nameIn<NutRight>(config::kNutRights, r).data();
}
const char* nameOf(DeviceBackend b) noexcept {
  return config::nameIn<DeviceBackend>(config::kBackends, b).data();
}

std::vector<DeviceConfig> allDevices(const Config& c) {
  std::vector<DeviceConfig> all{c.device};
  all.insert(all.end(), c.moreDevices.begin(), c.moreDevices.end());
  return all;
}

std::string upsNameOf(const Config& c, const DeviceConfig& d) {
  if (!d.name.empty()) return d.name;
  return c.nut ? c.nut->name : "ups";
}

std::string redactUrl(std::string_view url) {
  const auto schemeEnd = url.find("://");
  if (schemeEnd == std::string_view::npos || schemeEnd == 0) return std::string(kRedacted);
  const std::string_view rest = url.substr(schemeEnd + 3);
  const auto pathStart = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, pathStart);
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (host.empty()) return std::string(kRedacted);
  std::string out = fmt::format("{}{}", url.substr(0, schemeEnd + 3), host);
  const std::string_view path = pathStart == std::string_view::npos ? "" : rest.substr(pathStart);
  if (path.empty() || path == "/") return out + std::string(path);
  // Discord's webhook prefix is the same for everyone; the id and token after it are the secret.
  constexpr std::string_view kDiscordPrefix = "/api/webhooks/";
  if (path.starts_with(kDiscordPrefix)) return out + std::string(kDiscordPrefix) + "<redacted>";
  return out + "/<redacted>";
}

} // namespace hidupsd
