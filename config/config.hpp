// SPDX-License-Identifier: GPL-2.0-or-later
// Config: the TOML configuration file as typed values, strictly checked, secrets redacted.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/secret_reader.hpp"
#include "core/event.hpp"
#include "lib/ip_network.hpp"
#include "lib/log.hpp"
#include "lib/nut_address.hpp"

namespace hidupsd {

// Every struct below is a plain value; its member defaults are the defaults of
// the key named in its comment (see hidupsd.toml, which documents each key).
// Durations are whole seconds in the file: a TOML integer, never a float or a string.

/// Where a secret came from when it is not written in the config itself: KEY_file (a file
/// holding it on one line) or KEY_credential (a systemd credential, LoadCredential=).
struct SecretSource {
  enum class Kind : std::uint8_t { File, Credential };
  Kind kind = Kind::File;
  std::string name; ///< the absolute path (File) or the credential's name (Credential)
  bool operator==(const SecretSource&) const = default;
};
/// Secret key ("url", "token", "password") → where it was read from; inline keys are absent.
using SecretSources = std::map<std::string, SecretSource, std::less<>>;

/// [device] backend: how a USB UPS is reached (hid::Backend; src/ maps one to the other).
enum class DeviceBackend : std::uint8_t { Auto, Hidraw, Libusb };

/// [device] (one UPS) or one [[device]] entry (several): which UPS, how often to poll it.
struct DeviceConfig {
  /// name: how every view names this UPS (notifications, --status), [A-Za-z0-9_.-]+; required
  /// for each of several [[device]] entries, unique. "" = the default (upsNameOf).
  std::string name;
  /// supplies, 0..16: the host's power supplies this UPS feeds (upsmon's POWERVALUE); 0 = a
  /// UPS that is only watched, never a reason to shut down.
  int supplies = 1;
  /// vendor_id / product_id: TOML integers (0x0463) or hex strings ("0463"), 0..0xffff,
  /// both or neither. Neither: the first UPS found, an Eaton 0463:ffff first.
  std::optional<std::uint16_t> vendorId;
  std::optional<std::uint16_t> productId;
  std::string serial;                          ///< serial; "" = any
  std::chrono::seconds pollInterval{2};        ///< poll_interval, 1..3600 s
  std::optional<std::filesystem::path> replay; ///< replay; set = replay backend, not USB
  DeviceBackend backend = DeviceBackend::Auto; ///< backend "auto" | "hidraw" | "libusb"
  bool descriptorFixups = true;                ///< descriptor_fixups (NUT's fix_report_desc)
  /// nut = "ups@host[:port]": set = follow that UPS on a NUT server (upsd or hidupsd) instead
  /// of a USB one; excludes vendor_id, product_id, serial and replay.
  std::optional<lib::NutAddress> nut;
  std::string username;               ///< username: LOGIN as a secondary ("" = read only)
  std::string password;               ///< password (secret; with username)
  SecretSources secretSources;        ///< password read from a file or a credential
  std::chrono::seconds nutTimeout{5}; ///< nut_timeout, 1..60 s: connect, and each reply
  bool operator==(const DeviceConfig&) const = default;
};

/// [policy]: when events fire and when the shutdown starts. 0 s or 0 % = off.
struct PolicyConfig {
  std::chrono::seconds onBatteryDelay{5};         ///< on_battery_delay, 0..3600 s
  std::chrono::seconds onlineDelay{5};            ///< online_delay, 0..3600 s (anti-flapping)
  bool shutdownOnLowBattery = true;               ///< shutdown_on_low_battery
  int shutdownChargeBelow = 0;                    ///< shutdown_charge_below, 0..100 %
  std::chrono::seconds shutdownRuntimeBelow{0};   ///< shutdown_runtime_below, 0..86400 s
  std::chrono::seconds shutdownAfterOnBattery{0}; ///< shutdown_after_on_battery, 0..86400 s
  std::chrono::seconds commsLostTimeout{15};      ///< comms_lost_timeout, 1..3600 s
  std::chrono::seconds nocommWarnTime{300};       ///< nocomm_warn_time, 1..86400 s
  bool simulation = true;                         ///< simulation: log, run nothing destructive
  /// min_supplies, 1..64: the host shuts down when fewer of its power supplies than this are
  /// still fed by a UPS that is not critical (upsmon's MINSUPPLIES); at most the sum of the
  /// devices' supplies.
  int minSupplies = 1;
  bool operator==(const PolicyConfig&) const = default;
};

enum class ShutdownStrategy : std::uint8_t { Guests, StopAll };

/// [shutdown]: how the host goes down.
struct ShutdownConfig {
  ShutdownStrategy strategy = ShutdownStrategy::Guests; ///< strategy "guests" | "stopall"
  std::chrono::seconds guestTimeout{180};               ///< guest_timeout, 1..3600 s per guest
  bool forceStop = true;                                ///< force_stop
  /// host_command: argv, no shell; non-empty, no empty element.
  std::vector<std::string> hostCommand{"systemctl", "poweroff"};
  bool upsShutdownReturn = true;           ///< ups_shutdown_return
  std::chrono::seconds upsOffDelay{60};    ///< ups_off_delay, 0..32767 s
  std::chrono::seconds upsOnDelay{90};     ///< ups_on_delay, 1..32767 s, > ups_off_delay
  std::chrono::seconds deadlineMargin{60}; ///< deadline_margin, 0..3600 s
  /// deadline, 10..86400 s: the longest the guest phase may take. The effective
  /// deadline is min(deadline, battery.runtime - deadline_margin).
  std::chrono::seconds deadline{600};
  /// kill_power_flag: absolute path; written before the host command, read by
  /// the systemd-shutdown hook (on the root file system: /etc, as NUT's /etc/killpower).
  std::filesystem::path killPowerFlag{"/etc/hidupsd/killpower"};
  bool operator==(const ShutdownConfig&) const = default;
};

/// [proxmox]: the tools and which guests.
struct ProxmoxConfig {
  std::filesystem::path qm{"/usr/sbin/qm"};      ///< qm: absolute path
  std::filesystem::path pct{"/usr/sbin/pct"};    ///< pct: absolute path
  std::filesystem::path pvesh{"/usr/bin/pvesh"}; ///< pvesh: absolute path
  std::string node;         ///< node: "" = this host's name (the daemon asks); [A-Za-z0-9.-]
  bool containers = true;   ///< containers: also stop LXC containers
  std::vector<int> exclude; ///< exclude: VM/CT ids, each 100..999999999, no repeats
  /// pmxcfs: where Proxmox's cluster file system is mounted (absolute path); the
  /// guest list and configs are read there instead of one `qm config` per guest.
  /// "" = never read it. Another path only for tests.
  std::filesystem::path pmxcfs{"/etc/pve"};
  /// plan_refresh, 5..3600 s: while on battery, the guests are discovered again
  /// this often, so the shutdown plan is at most this old at low battery.
  std::chrono::seconds planRefresh{60};
  bool operator==(const ProxmoxConfig&) const = default;
};

/// [log]
struct LogConfig {
  std::filesystem::path file{"/var/log/ups-shutdown.log"}; ///< file: event log; "" = none
  log::Level level = log::Level::Info; ///< level "debug"|"info"|"notice"|"warning"|"error"
  bool operator==(const LogConfig&) const = default;
};

enum class NotifyType : std::uint8_t { Discord, Webhook, Ntfy, Smtp, Exec };
enum class Language : std::uint8_t { En, Fr };
/// discord: style "embed" (the title, an embed with the values) | "plain" (the old script's
/// message: one code block, a line per value)
enum class DiscordStyle : std::uint8_t { Embed, Plain };

/// [notify.templates.EVENT] (or .progress): the parts of one message this entry says in its
/// own words; an unset part stays built in. `EVENT = "..."` alone sets the body.
struct TemplateConfig {
  std::optional<std::string> title;
  std::optional<std::string> content; ///< discord only: the message line
  std::optional<std::string> body;
  bool operator==(const TemplateConfig&) const = default;
};

/// One [[notify]] entry. Keys that do not belong to its type are errors.
struct NotifyConfig {
  NotifyType type = NotifyType::Discord; ///< type (required)
  /// events: names from core::kEventNames, no repeats, non-empty; absent = all.
  std::vector<core::EventKind> events = allEvents();
  Language language = Language::En; ///< language "en" | "fr"
  std::chrono::seconds timeout{10}; ///< timeout, 1..300 s per attempt
  int retries = 3;                  ///< retries, 0..10 after the first attempt
  std::string url;                  ///< url: discord, webhook (required, secret); ntfy (read as
                                    ///< "https://ntfy.sh" when absent)
  std::string topic;                ///< ntfy: topic (required), 1..64 of [A-Za-z0-9_-]
  std::string token;                ///< ntfy: token (secret), "" = none
  std::optional<int> priority;      ///< ntfy: priority 1..5; absent = by event
  std::string server;               ///< smtp: server host (required)
  int port = 587;                   ///< smtp: port 1..65535
  bool starttls = true;             ///< smtp: starttls
  std::string username;             ///< smtp: username, "" = no AUTH
  std::string password;             ///< smtp: password (secret)
  std::string from;                 ///< smtp: from (required, contains '@')
  std::vector<std::string> to;      ///< smtp: to (required, non-empty, each contains '@')
  std::string subject;              ///< smtp: subject template, "" = the built-in one
  std::vector<std::string> command; ///< exec: command argv (required), no shell
  DiscordStyle discordStyle = DiscordStyle::Embed; ///< discord: style
  bool embed = true;                               ///< discord: embed (style "embed")
  bool fields = true;                              ///< discord: fields (style "embed")
  /// discord: [notify.mentions] EVENT = ["@here", "<@&ROLE_ID>", "<@USER_ID>", "@everyone"];
  /// none by default
  std::map<core::EventKind, std::vector<std::string>> mentions;
  /// alert_after_failures, 0..100: after this many failed attempts in a row the other
  /// entries send a notifyfail; 0 = never
  int alertAfterFailures = 3;
  /// [notify.templates]: keyed by event name or "progress"
  std::map<std::string, TemplateConfig, std::less<>> templates;
  /// exec: [notify.arguments] event = "word": the last argument for that event instead of
  /// its name (an upssched-cmd script that expects its own words); each non-empty
  std::map<core::EventKind, std::string> arguments;
  SecretSources secretSources; ///< url, token, password read from a file or a credential

  static std::vector<core::EventKind> allEvents();
  /// Whether this entry passes event `kind` on.
  bool wants(core::EventKind kind) const noexcept;
  bool operator==(const NotifyConfig&) const = default;
};

/// "host:port"; IPv6 hosts as "[::1]:3493" (stored without the brackets).
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0; ///< 0..65535; 0 = any free port (tests)
  bool operator==(const ListenAddress&) const = default;
};

enum class NutRight : std::uint8_t { Secondary, Primary, Fsd, Instcmd, Set };

/// [[serve.nut.users]]
struct NutUser {
  std::string name;     ///< name (required, unique), [A-Za-z0-9._@-]+
  std::string password; ///< password (required, secret)
  /// rights: "secondary" (LOGIN: an upsmon secondary), "primary" (LOGIN, PRIMARY, FSD),
  /// "fsd", "instcmd", "set"; [] = read only (LIST and GET need no login)
  std::vector<NutRight> rights;
  SecretSources secretSources; ///< password read from a file or a credential
  bool operator==(const NutUser&) const = default;
};

/// [serve.nut]: present = the NUT protocol server runs.
struct NutServerConfig {
  ListenAddress listen{"127.0.0.1", 3493}; ///< listen
  std::string name = "ups";                ///< name: [A-Za-z0-9_.-]+
  /// hostsync, 0..600 s: after FSD, how long the shutdown waits for logged-in
  /// secondaries to log out before this host powers off (upsmon's HOSTSYNC)
  std::chrono::seconds hostsync{15};
  /// max_connections, 1..4096; 0 (absent) = sized from the descriptor limit (as upsd's
  /// MAXCONN), at most 1024. Either way never past half the free descriptors (the rest is
  /// the shutdown's reserve). When full, a new client closes the longest-idle one that has
  /// not logged in.
  int maxConnections = 0;
  /// allow: the addresses and networks that may connect ("192.168.1.0/24", "::1"); [] or
  /// absent = everyone. Others are closed before a byte is read, logged once per address a
  /// minute.
  std::vector<lib::IpNetwork> allow;
  /// certificate: an absolute path to the PEM certificate (then its chain) STARTTLS serves;
  /// "" = no STARTTLS (answered FEATURE-NOT-CONFIGURED). Goes with `key`.
  std::string certificate;
  /// key: an absolute path to the PEM private key, unencrypted, read as a secret file (owner
  /// root or the daemon's user, mode 0600 or 0640) when the config is read.
  std::string key;
  std::string keyPem; ///< the key's text (secret: never dumped, never logged)
  /// require_tls: clear-text clients may only say VER, NETVER, HELP, STARTTLS and LOGOUT;
  /// anything else (USERNAME, PASSWORD, GET, LIST...) is ERR ACCESS-DENIED. Needs
  /// certificate and key.
  bool requireTls = false;
  std::vector<NutUser> users;
  bool operator==(const NutServerConfig&) const = default;
};

/// [serve.http] (or its first name [serve.metrics], with the same keys): present = the HTTP
/// server runs: /metrics, the dashboard at / and the JSON API under /api/v1/.
struct MetricsConfig {
  ListenAddress listen{"127.0.0.1", 9199}; ///< listen
  /// max_connections, 1..1024: HTTP connections at once; a new one closes the longest-idle.
  int maxConnections = 64;
  bool dashboard = true;    ///< dashboard: the page at / and /api/v1/ (false: /metrics only)
  bool nutExporter = false; ///< nut_exporter: also network_ups_tools_* (+ /ups_metrics)
  /// action_token (secret, at least 16 characters; or action_token_file/_credential): lets
  /// the dashboard's actions run
  std::string actionToken;
  /// action_password_hash (or _file/_credential): a crypt(3) hash (yescrypt, SHA-512) of a
  /// password that does too
  std::string actionPasswordHash;
  SecretSources secretSources;        ///< where the action token and hash came from
  std::string section = "serve.http"; ///< the name the file used (for messages and the dump)
  /// allow: as [serve.nut]'s
  std::vector<lib::IpNetwork> allow;
  bool operator==(const MetricsConfig&) const = default;
};

/// [serve.control]: the local control socket (`hidupsd --status`); always on.
struct ControlConfig {
  /// socket: an absolute path of at most 107 bytes; its folder is made (0755) when missing
  std::filesystem::path socket{"/run/hidupsd/control.sock"};
  /// group: who besides root may ask (mode 0660); "" = root only (0600). A group that does
  /// not exist is a warning at start (root only), not an error.
  std::string group = "hidupsd";
  bool operator==(const ControlConfig&) const = default;
};

/// [history]: the SQLite history (events, outages, samples, tests, battery health).
struct HistoryConfig {
  std::filesystem::path file{"/var/lib/hidupsd/history.db"}; ///< file: absolute; "" = off
  int keepYears = 5;        ///< keep_years, 1..50: hourly samples and events kept this long
  int healthWarnBelow = 50; ///< health_warn_below, 0..100 %: replbatt below this health
  int batteryLife = 4;      ///< battery_life, 1..20 years: replbatt at this age
  bool operator==(const HistoryConfig&) const = default;
};

/// One [battery_test] schedule: "off", "daily [HH:MM]", "weekly [DAY] [HH:MM]",
/// "monthly [1-28] [HH:MM]", "every N days [HH:MM]" (local time; 03:00, Sunday, the 1st
/// by default).
struct TestSchedule {
  enum class Every : std::uint8_t { Off, Days, Week, Month };
  Every every = Every::Off;
  int days = 1;     ///< Days: every N days, 1..365 (daily = 1)
  int weekday = 0;  ///< Week: 0 = Sunday … 6 = Saturday
  int monthday = 1; ///< Month: 1..28
  int hour = 3;     ///< 0..23, local time
  int minute = 0;   ///< 0..59
  bool operator==(const TestSchedule&) const = default;
};

/// The schedule `text` means; throws std::invalid_argument saying what is wrong.
TestSchedule parseTestSchedule(std::string_view text);
/// The canonical text of `schedule` ("weekly sun 03:00"), which parseTestSchedule reads back.
std::string scheduleText(const TestSchedule& schedule);

/// [battery_test]: self-tests on a schedule, and how a test is told from an outage.
struct BatteryTestConfig {
  TestSchedule quick;                     ///< quick: test.battery.start.quick; "off" by default
  TestSchedule deep;                      ///< deep: test.battery.start.deep; "off" by default
  int minCharge = 90;                     ///< min_charge, 0..100 %: only above this charge
  std::chrono::seconds afterOutage{3600}; ///< after_outage, 0..604800 s: not this soon after one
  std::chrono::seconds maxDuration{900};  ///< max_duration, 30..14400 s: the longest test hold
  bool operator==(const BatteryTestConfig&) const = default;
};

/// One [[shed]] tier: guests stopped early on battery to stretch the runtime (load shedding).
struct ShedTier {
  /// name: for the log and the messages, [A-Za-z0-9_.-]{1,32}; absent = "tier N" (N from 1)
  std::string name;
  /// guests: VM/CT ids (100..999999999, no repeats); tags: Proxmox tags. At least one of the
  /// two, both allowed (a guest matching either belongs to the tier).
  std::vector<int> guests;
  std::vector<std::string> tags;
  /// Exactly one trigger: after_on_battery (1..86400 s on battery), charge_below (1..100 %),
  /// runtime_below (1..86400 s of battery.runtime).
  enum class Trigger : std::uint8_t { AfterOnBattery, ChargeBelow, RuntimeBelow };
  Trigger trigger = Trigger::AfterOnBattery;
  int threshold = 0;                 ///< the trigger's value (seconds or percent)
  bool restartOnMains = true;        ///< restart_on_mains: started again when mains are back
  std::chrono::seconds timeout{120}; ///< timeout, 5..3600 s: clean shutdown, then forced
  bool operator==(const ShedTier&) const = default;
};

/// [comeback]: after a UPS shutdown, the guests it stopped come back once the battery holds.
struct ComebackConfig {
  bool enabled = true; ///< enabled: start the recorded guests that Proxmox will not (no onboot)
  int minCharge = 50;  ///< min_charge, 0..100 %: only once battery.charge reaches it
  /// state_file: absolute path; the guests the shutdown stopped (and shed), written atomically
  std::filesystem::path stateFile{"/var/lib/hidupsd/comeback"};
  /// max_wait, 0..604800 s: give up when the charge is not reached this long after the start
  /// (0 = wait for ever)
  std::chrono::seconds maxWait{86400};
  /// wake: MAC addresses ("aa:bb:cc:dd:ee:ff", stored lowercase) woken with a magic packet
  /// (UDP port 9) once the comeback is due, after a UPS shutdown
  std::vector<std::string> wake;
  /// wake_address: the IPv4 address the packets go to; default the broadcast
  std::string wakeAddress = "255.255.255.255";
  bool operator==(const ComebackConfig&) const = default;
};

const char* nameOf(ShedTier::Trigger t) noexcept;

/// How many [[device]] entries a config may have.
inline constexpr std::size_t kMaxDevices = 8;

struct Config {
  DeviceConfig device; ///< [device], or the first [[device]]
  /// The second and later [[device]] entries, in file order (empty with [device]).
  std::vector<DeviceConfig> moreDevices;
  bool deviceArray = false; ///< the file wrote [[device]] (even a single one)
  PolicyConfig policy;
  ShutdownConfig shutdown;
  ProxmoxConfig proxmox;
  LogConfig log;
  std::vector<NotifyConfig> notify;
  std::optional<NutServerConfig> nut;   ///< [serve.nut]
  std::optional<MetricsConfig> metrics; ///< [serve.http] or [serve.metrics]
  ControlConfig control;                ///< [serve.control]
  HistoryConfig history;
  BatteryTestConfig batteryTest;
  std::vector<ShedTier> shed; ///< [[shed]], in file order
  ComebackConfig comeback;
  bool operator==(const Config&) const = default;
};

/// Every UPS the daemon follows, [device] (or the first [[device]]) first. Throws
/// std::bad_alloc only.
std::vector<DeviceConfig> allDevices(const Config& config);

/// The name a UPS goes by: its `name`, else [serve.nut]'s name, else "ups".
std::string upsNameOf(const Config& config, const DeviceConfig& device);

inline constexpr std::string_view kDefaultConfigPath = "/etc/hidupsd/hidupsd.toml";

/// Every problem found in a config file. what() is one "FILE:LINE:COL: message"
/// line per entry, in file order.
class ConfigError : public std::runtime_error {
public:
  struct Entry {
    std::string file;
    std::uint32_t line = 0;   ///< 1-based; 0 = the file as a whole (cannot read it)
    std::uint32_t column = 0; ///< 1-based
    std::string message;
    bool operator==(const Entry&) const = default;
  };
  explicit ConfigError(std::vector<Entry> entries);
  const std::vector<Entry>& entries() const noexcept { return entries_; }

private:
  std::vector<Entry> entries_;
};

/// "FILE:LINE:COL: message", or "FILE: message" when line is 0.
std::string formatEntry(const ConfigError::Entry& e);

/// Parses TOML `text`; `sourceName` names it in errors. A missing section or key
/// takes its default. Throws ConfigError with every problem: TOML syntax (only the
/// first: the parser stops there), unknown keys, wrong types, values out of range,
/// secrets that `secrets` cannot read (KEY_file, KEY_credential: at that key).
Config parseConfig(std::string_view text, const std::string& sourceName,
                   const config::SecretReader& secrets = config::systemSecrets());

/// Reads and parses `path`. Throws ConfigError (an unreadable file is one entry
/// "PATH: cannot read: REASON").
Config loadConfig(const std::filesystem::path& path,
                  const config::SecretReader& secrets = config::systemSecrets());

/// The effective config as TOML that parseConfig reads back, every secret (webhook
/// and Discord URLs through redactUrl, ntfy token, SMTP and NUT passwords) as "<redacted>"
/// (the dashboard's action token and password hash as comments: "<redacted>" would not pass
/// their checks); a secret read from a file or a credential as its KEY_file / KEY_credential
/// key.
std::string redacted(const Config& config);

/// Comment lines to write above keys: "device.vendor_id" → {"from ups.conf:3: …"}. Keys
/// are named by their section: "policy.simulation", "notify#2.events" (the second
/// [[notify]]), "notify#2.arguments.onbatt", "serve.nut.users#1.password"; a section's own
/// comment is under its name ("notify#2", "serve.nut").
using KeyNotes = std::map<std::string, std::vector<std::string>, std::less<>>;

/// The config as TOML that parseConfig reads back, secrets in clear (what --import-nut
/// prints), each key preceded by its notes as tomlComment() lines.
std::string annotated(const Config& config, const KeyNotes& notes);

/// "# TEXT\n" ("#\n" for ""), TEXT with every byte TOML forbids in a comment (controls, DEL)
/// and every non-ASCII byte as '?'.
std::string tomlComment(std::string_view text);

/// A URL safe to log: scheme and host kept, user info, path and query replaced by
/// "<redacted>" ("https://discord.com/api/webhooks/<redacted>": Discord's fixed
/// prefix is kept). Not a URL at all: "<redacted>".
std::string redactUrl(std::string_view url);

/// Whether the config file itself holds a secret (a webhook or Discord URL, an ntfy token, an
/// SMTP or NUT password, the dashboard's action token or password hash written in it; one read
/// from KEY_file or KEY_credential is not).
bool holdsSecrets(const Config& config);

/// A warning when `path` holds secrets (holdsSecrets) and other users may read it
/// ("PATH is readable by other users (mode 0644) and holds secrets: chmod 600 PATH"); "" when
/// fine or when the file cannot be examined.
std::string secretsExposureWarning(const std::filesystem::path& path, const Config& config);

/// "host:port", "[v6]:port".
std::string hostPort(const ListenAddress& address);

const char* nameOf(ShutdownStrategy s) noexcept;
const char* nameOf(NotifyType t) noexcept;
const char* nameOf(Language l) noexcept;
const char* nameOf(DiscordStyle s) noexcept;
const char* nameOf(NutRight r) noexcept;
const char* nameOf(DeviceBackend b) noexcept;

} // namespace hidupsd
