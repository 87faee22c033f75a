// SPDX-License-Identifier: GPL-2.0-or-later
// NutSession: one client connection's state and upsd's answer to each request line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "serve/nut_protocol.hpp"
#include "serve/ups_backend.hpp"

namespace hidupsd::serve {

/// What to send back for one request line.
struct NutReply {
  std::string text;           ///< whole lines, each ending in '\n' (never empty)
  bool close = false;         ///< send `text`, then close the connection (LOGOUT)
  bool authFailed = false;    ///< a wrong password or unknown user was tried (not logged here)
  bool authSucceeded = false; ///< the credentials were checked and are right
  /// "OK STARTTLS" was answered: send `text` in clear, then the TLS handshake; whatever the
  /// client sent after the STARTTLS line, before the handshake, must not be read as requests.
  bool startTls = false;
  bool tlsRequired = false; ///< refused: require_tls and the client has not done STARTTLS
};

/// One connection's protocol state (USERNAME, PASSWORD, LOGIN, tracking) and upsd 2.8's
/// answers, line for line: the same replies, error codes and order of checks as
/// server/net*.c. Pure: no sockets, no threads, no clock. Differences from upsd, on purpose:
/// a line always ends a request (upsd carries an open quote to the next line); ATTACH and
/// DETACH (NUT 2.8.1+) are unknown commands; INSTCMD and SET VAR answer after the backend
/// has done the work (upsd answers once the driver has the request).
///
/// Thread rules: one thread at a time per session (the server thread); the backend and the
/// registry are shared and thread-safe. The options, backend and registry must outlive
/// the session. Nothing throws but std::bad_alloc (a backend exception is logged and answered
/// as ERR INSTCMD-FAILED / SET-FAILED / DRIVER-NOT-CONNECTED).
class NutSession {
public:
  /// `onThisHost`: the client runs on this host (require_tls does not apply to it).
  NutSession(const NutServiceOptions& options, UpsBackend& backend, NutLoginRegistry& logins,
             std::string peerAddress, bool onThisHost = false);
  /// A client that had logged in leaves the registry (upsd's declogins at disconnect).
  ~NutSession();
  NutSession(const NutSession&) = delete;
  NutSession& operator=(const NutSession&) = delete;

  /// Answers one request line (without its '\n'; a trailing '\r' is white space).
  NutReply handleLine(std::string_view line);

  bool loggedIn() const noexcept { return loggedIn_; }
  /// STARTTLS was answered OK (the server then runs TLS or closes the connection).
  bool tls() const noexcept { return tls_; }
  /// Whether `line` names a command that checks the password (LOGIN, PRIMARY, FSD, SET,
  /// INSTCMD...): what a throttled address must wait for.
  static bool checksCredentials(std::string_view line);
  const std::string& peerAddress() const noexcept { return peer_; }

private:
  using Args = std::span<const std::string>;
  using Handler = std::string (NutSession::*)(Args);
  struct Command {
    std::string_view name;
    Handler handler;
    bool needsCredentials; ///< upsd's FLAG_USER: USERNAME and PASSWORD first
  };
  static const Command kCommands[];
  /// What a client may send in clear when require_tls is set.
  static bool allowedInClear(std::string_view command);

  std::string dispatch(const std::vector<std::string>& words);
  std::string ver(Args args);
  std::string netver(Args args);
  std::string help(Args args);
  std::string starttls(Args args);
  std::string username(Args args);
  std::string password(Args args);
  std::string login(Args args);
  std::string logout(Args args);
  std::string primary(Args args);
  std::string master(Args args);
  std::string fsd(Args args);
  std::string get(Args args);
  std::string list(Args args);
  std::string set(Args args);
  std::string instcmd(Args args);

  // GET and LIST, one per subcommand (nut_session_queries.cpp).
  std::string getVar(const std::string& ups, const std::string& var);
  std::string getServerVar(const std::string& ups, const std::string& var) const;
  std::string getType(const std::string& ups, const std::string& var);
  std::string getDesc(const std::string& ups, const std::string& var);
  std::string getCmdDesc(const std::string& ups, const std::string& cmd);
  std::string getUpsDesc(const std::string& ups) const;
  std::string getNumLogins(const std::string& ups);
  std::string getTracking(Args args) const;
  std::string listUps() const;
  std::string listVar(const std::string& ups, bool rwOnly);
  std::string listCmd(const std::string& ups);
  /// LIST ENUM (`ranges` false) or LIST RANGE: a writable variable's allowed values.
  std::string listAllowed(const std::string& ups, const std::string& var, bool ranges);
  std::string listClient(const std::string& ups) const;

  // Writes (nut_session_writes.cpp).
  std::string primaryGrant(Args args, std::string_view granted);
  std::string setVar(const std::string& ups, const std::string& var, const std::string& value);
  std::string setTracking(const std::string& mode);
  std::string checkNewValue(const RwVariable& rw, const std::string& value) const;
  std::string answerDone(CommandStatus status, bool isSet);

  /// What GET TYPE and LIST ENUM/RANGE need of a variable: the error line (unknown UPS or
  /// variable, UPS not available), else how it is written (nullopt: read-only).
  struct VariableLookup {
    std::string error;
    std::optional<RwVariable> writable;
  };
  VariableLookup lookUpVariable(const std::string& ups, const std::string& var);
  /// The UPS state if `ups` names our UPS and it is available; else the error line is in
  /// `error` (UNKNOWN-UPS, DRIVER-NOT-CONNECTED, DATA-STALE).
  std::optional<UpsState> available(const std::string& ups, std::string& error);
  bool isOurUps(const std::string& ups) const noexcept;
  /// The backend of the UPS `ups` names (ours, or one of the others it serves), or nullptr.
  UpsBackend* backendFor(const std::string& ups) const noexcept;
  /// The name the log gives the UPS `ups` names: ours as configured, another as asked.
  const std::string& logName(const std::string& ups) const noexcept;
  bool allowed(NutAction action, std::string_view what);
  std::string who() const;
  Requester requester() const;

  const NutServiceOptions& options_;
  UpsBackend& backend_;
  NutLoginRegistry& logins_;
  std::string peer_;

  std::optional<std::string> username_;
  std::optional<std::string> password_;
  bool loggedIn_ = false;
  std::string loginUps_; ///< the UPS LOGIN named, as the log says it
  bool closing_ = false;
  bool tracking_ = false;
  bool tls_ = false;
  bool onThisHost_ = false;
  bool startTls_ = false;      ///< set by starttls() for the reply being built
  bool tlsRequired_ = false;   ///< set by dispatch() for the reply being built
  bool authFailed_ = false;    ///< set by allowed() for the reply being built
  bool authSucceeded_ = false; ///< likewise
  std::map<std::string, std::string> trackingResults_; ///< id → GET TRACKING answer
  std::mt19937_64 random_;
};

/// "ERR <code>\n".
std::string nutError(std::string_view code);

} // namespace hidupsd::serve
