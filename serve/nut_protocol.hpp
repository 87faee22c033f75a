// SPDX-License-Identifier: GPL-2.0-or-later
// NUT network protocol basics: upsd's request tokenizer and value escaping, users and rights,
// the shared login registry, and the options every session reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::serve {

/// The log domain of the NUT server's lines (lib/log.hpp): "mon@127.0.0.1 logged into UPS
/// [ups]". Never a password.
inline constexpr std::string_view kNutLogDomain = "nut";

/// upsd's parser limits (common/parseconf.h): a word is cut at 512 characters, words after
/// the 32nd are dropped. Both silently, as upsd does.
inline constexpr std::size_t kMaxWordLength = 512;
inline constexpr std::size_t kMaxWords = 32;

/// Splits one request (or reply) line into words as upsd's parseconf does: words are
/// separated by white space; "double quotes" group a word (an empty "" is a word); a
/// backslash takes the next character literally, inside or outside quotes; '#' outside
/// quotes starts a comment; '=' outside quotes is a word of its own; characters outside
/// 0x20..0x7f are dropped. A quote left open ends at the end of the line (upsd would carry it
/// to the next line). `line` has no newline. Never throws but std::bad_alloc.
std::vector<std::string> splitWords(std::string_view line);

/// `value` with '\', '"' and '#' escaped by a backslash (parseconf's pconf_encode), ready to
/// go between double quotes. splitWords("\"" + escapeValue(v) + "\"") == {v} for any
/// printable ASCII v.
std::string escapeValue(std::string_view value);

/// Case-insensitive ASCII comparison, as upsd compares names (strcasecmp).
bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept;

/// One upsd.users entry. Rights are checked when they are used (LOGIN, PRIMARY, FSD, SET,
/// INSTCMD), never at USERNAME/PASSWORD time, as upsd does: a wrong password answers
/// ERR ACCESS-DENIED to the command that needed it.
struct NutUserEntry {
  std::string name;
  std::string password;
  bool login = false;   ///< "upsmon secondary": LOGIN
  bool primary = false; ///< "upsmon primary": LOGIN, PRIMARY/MASTER and FSD
  bool fsd = false;     ///< "actions = FSD"
  bool set = false;     ///< "actions = SET"
  bool instcmd = false; ///< "instcmds = ALL"
};

enum class NutAction : std::uint8_t { Login, Primary, Fsd, Set, InstCmd };

/// Why a user may not do something (for the log; the client only sees ACCESS-DENIED).
enum class NutDenial : std::uint8_t { None, NoCredentials, UnknownUser, WrongPassword, NoRight };

/// upsd's user_checkaction: the first entry named `user` decides; a wrong password or a
/// missing right denies. `user`/`password` null = not given.
NutDenial checkRight(const std::vector<NutUserEntry>& users, const std::string* user,
                     const std::string* password, NutAction action) noexcept;

/// "LOGIN", "PRIMARY", ... (for log lines).
std::string_view nameOf(NutAction action) noexcept;
/// "no such user", "wrong password", ... (for log lines).
std::string_view nameOf(NutDenial denial) noexcept;

/// What every session of one server answers with.
struct NutServiceOptions {
  std::string upsName = "ups";         ///< the one UPS served (matched case-insensitively)
  std::string description = "hidupsd"; ///< LIST UPS, GET UPSDESC; empty = "Unavailable"
  std::string version;                 ///< hidupsd's version, for VER and server.version
  std::vector<NutUserEntry> users;
  /// STARTTLS is answered "OK STARTTLS" (the server has a certificate); else
  /// FEATURE-NOT-CONFIGURED, as upsd without CERTFILE.
  bool tls = false;
  /// Before STARTTLS only VER, NETVER, PROTVER, HELP, STARTTLS and LOGOUT are answered;
  /// everything else (USERNAME and PASSWORD included: no credential is taken in clear, nor
  /// anything read) is ERR ACCESS-DENIED. Needs `tls`. Clients on this host are spared
  /// (NutSession's onThisHost).
  bool requireTls = false;
  /// When set, decides instead of checkRight(users, …): the listener asks the daemon's root
  /// side, which holds the passwords (the listener's `users` then have none).
  std::function<NutDenial(const std::string* user, const std::string* password, NutAction action)>
      authorize{};
};

/// The clients logged into the UPS (LOGIN), shared by the sessions of one server: NUMLOGINS,
/// LIST CLIENT, and the daemon's wait for secondaries (HOSTSYNC). Thread-safe.
class NutLoginRegistry {
public:
  void add(const std::string& address);
  /// Removes one entry for `address` (no-op if none).
  void remove(const std::string& address);
  std::size_t count() const noexcept;
  /// The addresses, in login order (one per login: two clients from one host = twice).
  std::vector<std::string> addresses() const;

private:
  mutable std::mutex mutex_;
  std::vector<std::string> addresses_;
};

} // namespace hidupsd::serve
