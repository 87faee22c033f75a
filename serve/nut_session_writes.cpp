// SPDX-License-Identifier: GPL-2.0-or-later
// NutSession's requests that act: PRIMARY/MASTER, FSD (server/netuser.c, netmisc.c), SET
// (netset.c) and INSTCMD (netinstcmd.c), with upsd's order of checks.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "lib/log.hpp"
#include "serve/nut_session.hpp"
#include "serve/nut_session_util.hpp"

namespace hidupsd::serve {
namespace {

constexpr std::size_t kMaxTrackedResults = 64;

/// GET TRACKING's answer for a finished request (upsd's tracking_get).
std::string trackingAnswer(CommandStatus status) {
  switch (status) {
  case CommandStatus::Ok: return "SUCCESS\n";
  case CommandStatus::NotSupported: return "ERR UNKNOWN\n";
  case CommandStatus::InvalidArgument: return "ERR INVALID-ARGUMENT\n";
  case CommandStatus::Failed: return "ERR FAILED\n";
  }
  return "ERR UNKNOWN\n";
}

/// upsd's atoi(): leading blanks, a sign, digits; anything else ends the number (0 if none).
long leadingNumber(const std::string& text) { return std::strtol(text.c_str(), nullptr, 10); }

} // namespace

std::string NutSession::primary(Args args) { return primaryGrant(args, "OK PRIMARY-GRANTED\n"); }

std::string NutSession::master(Args args) { return primaryGrant(args, "OK MASTER-GRANTED\n"); }

std::string NutSession::primaryGrant(Args args, std::string_view granted) {
  if (args.size() != 1) return nutError("INVALID-ARGUMENT");
  if (!isOurUps(args[0])) return nutError("UNKNOWN-UPS");
  if (!allowed(NutAction::Primary, "PRIMARY")) return nutError("ACCESS-DENIED");
  return std::string(granted); // only an access check, as in upsd
}

std::string NutSession::fsd(Args args) {
  if (args.size() != 1) return nutError("INVALID-ARGUMENT");
  if (!isOurUps(args[0])) return nutError("UNKNOWN-UPS");
  if (!allowed(NutAction::Fsd, "FSD")) return nutError("ACCESS-DENIED");
  log::warning(kNutLogDomain, "Client {} set FSD on UPS [{}]", who(), logName(args[0]));
  try {
    backendFor(args[0])->forcedShutdown(requester());
  } catch (const std::exception& e) {
    log::error(kNutLogDomain, "FSD from {} failed: {}", who(), e.what());
    return nutError("DRIVER-NOT-CONNECTED");
  }
  return "OK FSD-SET\n";
}

std::string NutSession::set(Args args) {
  if (args.size() < 2) return nutError("INVALID-ARGUMENT");
  if (equalsIgnoreCase(args[0], "VAR")) {
    if (args.size() < 4) return nutError("INVALID-ARGUMENT");
    return setVar(args[1], args[2], args[3]);
  }
  if (equalsIgnoreCase(args[0], "TRACKING")) return setTracking(args[1]);
  return nutError("INVALID-ARGUMENT");
}

std::string NutSession::setTracking(const std::string& mode) {
  if (equalsIgnoreCase(mode, "ON"))
    tracking_ = true;
  else if (equalsIgnoreCase(mode, "OFF"))
    tracking_ = false;
  else
    return nutError("INVALID-ARGUMENT");
  return "OK\n";
}

std::string NutSession::setVar(const std::string& ups, const std::string& var,
                               const std::string& value) {
  std::string error;
  const auto state = available(ups, error);
  if (!state) return error;
  if (!allowed(NutAction::Set, "SET")) return nutError("ACCESS-DENIED");
  const auto* found = findVariable(state->snapshot, var);
  if (found == nullptr) return nutError("VAR-NOT-SUPPORTED");
  UpsBackend& backend = *backendFor(ups);
  const auto writable = backend.writable();
  const auto* rw = findWritable(writable, found->first);
  if (rw == nullptr) return nutError("READONLY");
  if (auto refused = checkNewValue(*rw, value); !refused.empty()) return refused;
  log::info(kNutLogDomain, "Set variable: {} set {} on {} to {}", who(), rw->name, logName(ups),
            value);
  CommandStatus status = CommandStatus::Failed;
  try {
    status = backend.setVariable(rw->name, value, requester());
  } catch (const std::exception& e) {
    log::error(kNutLogDomain, "SET {} failed: {}", rw->name, e.what());
  }
  return answerDone(status, true);
}

/// upsd's checks of a new value, in its order: string length, enum membership, range.
std::string NutSession::checkNewValue(const RwVariable& rw, const std::string& value) const {
  if (rw.kind == RwVariable::Kind::String) {
    if (rw.maxLength < 1) return nutError("SET-FAILED"); // upsd: "auxdata ... is invalid"
    if (value.size() > static_cast<std::size_t>(rw.maxLength)) return nutError("TOO-LONG");
  }
  if (!rw.enumValues.empty() &&
      std::find(rw.enumValues.begin(), rw.enumValues.end(), value) == rw.enumValues.end())
    return nutError("INVALID-VALUE");
  if (!rw.ranges.empty()) {
    const long number = leadingNumber(value);
    const bool inside = std::any_of(rw.ranges.begin(), rw.ranges.end(), [&](const auto& range) {
      return number >= range.first && number <= range.second;
    });
    if (!inside) return nutError("INVALID-VALUE");
  }
  return {};
}

std::string NutSession::instcmd(Args args) {
  if (args.size() < 2) return nutError("INVALID-ARGUMENT");
  // upsd takes a value only when it is the third and last argument.
  const std::string value = args.size() == 3 ? args[2] : std::string();
  std::string error;
  if (!available(args[0], error)) return error;
  UpsBackend& backend = *backendFor(args[0]);
  std::vector<std::string> commands;
  try {
    commands = backend.commands();
  } catch (const std::exception& e) {
    log::error(kNutLogDomain, "listing commands failed: {}", e.what());
  }
  const auto it = std::find_if(commands.begin(), commands.end(),
                               [&](const std::string& c) { return equalsIgnoreCase(c, args[1]); });
  if (it == commands.end()) return nutError("CMD-NOT-SUPPORTED");
  if (!allowed(NutAction::InstCmd, "INSTCMD")) return nutError("ACCESS-DENIED");
  log::info(kNutLogDomain, "Instant command: {} did {}{}{} on {}", who(), *it,
            value.empty() ? "" : " with value ", value, logName(args[0]));
  CommandStatus status = CommandStatus::Failed;
  try {
    status = backend.instantCommand(*it, value, requester());
  } catch (const std::exception& e) {
    log::error(kNutLogDomain, "INSTCMD {} failed: {}", *it, e.what());
  }
  return answerDone(status, false);
}

/// The reply to a SET or INSTCMD the backend has carried out: with tracking on, "OK TRACKING
/// <id>" and the outcome kept for GET TRACKING; else OK or the matching error.
std::string NutSession::answerDone(CommandStatus status, bool isSet) {
  if (tracking_) {
    const auto id = fmt::format("{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}", random_() & 0xffffffffU,
                                random_() & 0xffffU, random_() & 0xfffU,
                                (random_() & 0x3fffU) | 0x8000U, random_() & 0xffffffffffffU);
    if (trackingResults_.size() >= kMaxTrackedResults)
      trackingResults_.erase(trackingResults_.begin());
    trackingResults_[id] = trackingAnswer(status);
    return fmt::format("OK TRACKING {}\n", id);
  }
  switch (status) {
  case CommandStatus::Ok: return "OK\n";
  case CommandStatus::NotSupported:
    return nutError(isSet ? "VAR-NOT-SUPPORTED" : "CMD-NOT-SUPPORTED");
  case CommandStatus::InvalidArgument:
    return nutError(isSet ? "INVALID-VALUE" : "INVALID-ARGUMENT");
  case CommandStatus::Failed: break;
  }
  return nutError(isSet ? "SET-FAILED" : "INSTCMD-FAILED");
}

} // namespace hidupsd::serve
