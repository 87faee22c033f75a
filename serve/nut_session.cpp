// SPDX-License-Identifier: GPL-2.0-or-later
// NutSession: dispatch (server/upsd.c parse_net), VER/HELP, USERNAME/PASSWORD/LOGIN/LOGOUT
// (server/netuser.c, netmisc.c), and the availability check every read shares.
#include "serve/nut_session.hpp"

#include <fmt/format.h>

#include "lib/log.hpp"

namespace hidupsd::serve {

// upsd's netcmds[] (server/netcmds.h, NUT 2.8.0).
const NutSession::Command NutSession::kCommands[] = {
    {"VER", &NutSession::ver, false},
    {"NETVER", &NutSession::netver, false},
    {"PROTVER", &NutSession::netver, false},
    {"HELP", &NutSession::help, false},
    {"STARTTLS", &NutSession::starttls, false},
    {"GET", &NutSession::get, false},
    {"LIST", &NutSession::list, false},
    {"USERNAME", &NutSession::username, false},
    {"PASSWORD", &NutSession::password, false},
    {"LOGIN", &NutSession::login, true},
    {"LOGOUT", &NutSession::logout, false},
    {"PRIMARY", &NutSession::primary, true},
    {"MASTER", &NutSession::master, true},
    {"FSD", &NutSession::fsd, true},
    {"SET", &NutSession::set, true},
    {"INSTCMD", &NutSession::instcmd, true},
};

std::string nutError(std::string_view code) { return fmt::format("ERR {}\n", code); }

NutSession::NutSession(const NutServiceOptions& options, UpsBackend& backend,
                       NutLoginRegistry& logins, std::string peerAddress, bool onThisHost)
    : options_(options), backend_(backend), logins_(logins), peer_(std::move(peerAddress)),
      onThisHost_(onThisHost), random_(std::random_device{}()) {}

NutSession::~NutSession() {
  if (!loggedIn_) return;
  logins_.remove(peer_);
  if (closing_) return; // LOGOUT said so already
  try {
    // upsmon going down (a secondary shutting its host down) just closes.
    log::info(kNutLogDomain, "User {} disconnected from UPS [{}]", who(), loginUps_);
  } catch (...) {
  }
}

NutReply NutSession::handleLine(std::string_view line) {
  const auto words = splitWords(line);
  authFailed_ = authSucceeded_ = startTls_ = tlsRequired_ = false;
  NutReply reply;
  reply.text = dispatch(words);
  reply.close = closing_;
  reply.authFailed = authFailed_;
  reply.authSucceeded = authSucceeded_;
  reply.startTls = startTls_;
  reply.tlsRequired = tlsRequired_;
  return reply;
}

bool NutSession::checksCredentials(std::string_view line) {
  const auto words = splitWords(line);
  if (words.empty()) return false;
  for (const auto& command : kCommands)
    if (equalsIgnoreCase(command.name, words[0])) return command.needsCredentials;
  return false;
}

std::string NutSession::dispatch(const std::vector<std::string>& words) {
  // An empty line has no command: upsd answers it like an unknown one.
  if (words.empty()) return nutError("UNKNOWN-COMMAND");
  for (const auto& command : kCommands) {
    if (!equalsIgnoreCase(command.name, words[0])) continue;
    if (options_.requireTls && !tls_ && !onThisHost_ && !allowedInClear(command.name)) {
      tlsRequired_ = true; // the server logs it (once per interval)
      return nutError("ACCESS-DENIED");
    }
    if (command.needsCredentials && !username_) return nutError("USERNAME-REQUIRED");
    if (command.needsCredentials && !password_) return nutError("PASSWORD-REQUIRED");
    return (this->*command.handler)(Args(words).subspan(1));
  }
  return nutError("UNKNOWN-COMMAND");
}

std::string NutSession::ver(Args args) {
  if (!args.empty()) return nutError("INVALID-ARGUMENT");
  return fmt::format("hidupsd {} - NUT network protocol 1.3 (upsd-compatible)\n", options_.version);
}

std::string NutSession::netver(Args args) {
  if (!args.empty()) return nutError("INVALID-ARGUMENT");
  return "1.3\n";
}

std::string NutSession::help(Args args) {
  if (!args.empty()) return nutError("INVALID-ARGUMENT");
  return "Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n";
}

bool NutSession::allowedInClear(std::string_view command) {
  for (const std::string_view clear : {"VER", "NETVER", "PROTVER", "HELP", "STARTTLS", "LOGOUT"})
    if (command == clear) return true;
  return false;
}

// upsd's net_starttls (server/netssl.c): arguments ignored; a second STARTTLS is
// ALREADY-SSL-MODE (sent inside TLS); without CERTFILE, FEATURE-NOT-CONFIGURED. After LOGIN
// it is allowed, as in upsd.
std::string NutSession::starttls(Args) {
  if (tls_) return nutError("ALREADY-SSL-MODE");
  if (!options_.tls) return nutError("FEATURE-NOT-CONFIGURED");
  tls_ = startTls_ = true;
  return "OK STARTTLS\n";
}

std::string NutSession::username(Args args) {
  if (args.size() != 1) return nutError("INVALID-ARGUMENT");
  if (username_) {
    log::info(kNutLogDomain, "{} tried to set a username twice", who());
    return nutError("ALREADY-SET-USERNAME");
  }
  username_ = args[0];
  return "OK\n";
}

std::string NutSession::password(Args args) {
  if (args.size() != 1) return nutError("INVALID-ARGUMENT");
  if (password_) {
    log::info(kNutLogDomain, "{} tried to set a password twice", who());
    return nutError("ALREADY-SET-PASSWORD");
  }
  password_ = args[0];
  return "OK\n";
}

std::string NutSession::login(Args args) {
  if (args.size() != 1) return nutError("INVALID-ARGUMENT");
  if (loggedIn_) {
    log::info(kNutLogDomain, "{} tried to log in twice", who());
    return nutError("ALREADY-LOGGED-IN");
  }
  if (!isOurUps(args[0])) return nutError("UNKNOWN-UPS");
  if (!allowed(NutAction::Login, "LOGIN")) return nutError("ACCESS-DENIED");
  loggedIn_ = true;
  loginUps_ = logName(args[0]);
  logins_.add(peer_);
  log::info(kNutLogDomain, "User {} logged into UPS [{}]", who(), logName(args[0]));
  return "OK\n";
}

std::string NutSession::logout(Args args) {
  if (!args.empty()) return nutError("INVALID-ARGUMENT");
  if (loggedIn_) log::info(kNutLogDomain, "User {} logged out from UPS [{}]", who(), loginUps_);
  closing_ = true;
  return "OK Goodbye\n";
}

std::optional<UpsState> NutSession::available(const std::string& ups, std::string& error) {
  UpsBackend* backend = backendFor(ups);
  if (backend == nullptr) {
    error = nutError("UNKNOWN-UPS");
    return std::nullopt;
  }
  try {
    auto state = backend->state();
    if (!state.everRead)
      error = nutError("DRIVER-NOT-CONNECTED");
    else if (state.stale)
      error = nutError("DATA-STALE");
    else
      return state;
  } catch (const std::exception& e) {
    log::error(kNutLogDomain, "reading the UPS state failed: {}", e.what());
    error = nutError("DRIVER-NOT-CONNECTED");
  }
  return std::nullopt;
}

bool NutSession::isOurUps(const std::string& ups) const noexcept {
  return backendFor(ups) != nullptr;
}

UpsBackend* NutSession::backendFor(const std::string& ups) const noexcept {
  if (equalsIgnoreCase(ups, options_.upsName)) return &backend_;
  try {
    return backend_.other(ups);
  } catch (const std::exception&) {
    return nullptr; // out of memory looking it up: as unknown
  }
}

const std::string& NutSession::logName(const std::string& ups) const noexcept {
  return equalsIgnoreCase(ups, options_.upsName) ? options_.upsName : ups;
}

bool NutSession::allowed(NutAction action, std::string_view what) {
  const std::string* user = username_ ? &*username_ : nullptr;
  const std::string* password = password_ ? &*password_ : nullptr;
  const auto denial = options_.authorize ? options_.authorize(user, password, action)
                                         : checkRight(options_.users, user, password, action);
  const bool badCredentials =
      denial == NutDenial::UnknownUser || denial == NutDenial::WrongPassword;
  authFailed_ = badCredentials;
  authSucceeded_ = denial == NutDenial::None || denial == NutDenial::NoRight;
  if (denial == NutDenial::None) return true;
  // Bad credentials are the server's to log (a guessing client would flood the log).
  log::log(badCredentials ? log::Level::Debug : log::Level::Warning, kNutLogDomain,
           "{} denied {}: {}", who(), what, nameOf(denial));
  return false;
}

Requester NutSession::requester() const {
  return {username_.value_or(""), password_.value_or(""), who()};
}

std::string NutSession::who() const {
  return fmt::format("{}@{}", username_ ? *username_ : std::string("(none)"), peer_);
}

} // namespace hidupsd::serve
