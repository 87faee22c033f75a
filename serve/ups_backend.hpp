// SPDX-License-Identifier: GPL-2.0-or-later
// UpsBackend: what the NUT server and the metrics endpoint read from, and ask of, the UPS side.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/snapshot.hpp"

namespace hidupsd::serve {

/// A variable clients may write (upsrw), as NUT's GET TYPE describes it.
struct RwVariable {
  enum class Kind : std::uint8_t { String, Number, Enum, Range };
  std::string name; ///< NUT name, e.g. "ups.delay.shutdown"
  Kind kind = Kind::String;
  int maxLength = 0;                         ///< String: STRING:n
  std::vector<std::string> enumValues;       ///< Enum: LIST ENUM
  std::vector<std::pair<long, long>> ranges; ///< Range: LIST RANGE (inclusive)
};

/// The UPS side as the servers see it.
struct UpsState {
  core::Snapshot snapshot; ///< latest variables incl. ups.status (FSD already added)
  bool everRead = false;   ///< false: no reading yet (ERR DRIVER-NOT-CONNECTED)
  bool stale = false;      ///< true: comms lost (ERR DATA-STALE)
};

/// Who asked for a command, a write or FSD, as the NUT session knows them. The daemon's root
/// side checks the user's password and right again against its own configuration (the process
/// that parsed the request is not trusted with the decision).
struct Requester {
  std::string user;     ///< as sent with USERNAME
  std::string password; ///< as sent with PASSWORD
  std::string who;      ///< "user@address", for the log
};

enum class CommandStatus : std::uint8_t {
  Ok,
  NotSupported,    ///< CMD-NOT-SUPPORTED / VAR-NOT-SUPPORTED
  InvalidArgument, ///< INVALID-ARGUMENT / INVALID-VALUE
  Failed,          ///< INSTCMD-FAILED / SET-FAILED
};

/// Implemented by the daemon (src/), faked in tests. Thread rules: every
/// method may be called from any server thread; implementations synchronise.
/// instantCommand and setVariable block at most a few seconds (one device
/// write); the others never block.
class UpsBackend {
public:
  virtual ~UpsBackend() = default;
  virtual UpsState state() const = 0;
  /// The instant commands the UPS supports (NUT names), sorted.
  virtual std::vector<std::string> commands() const = 0;
  /// The writable variables, sorted by name.
  virtual std::vector<RwVariable> writable() const = 0;
  virtual CommandStatus instantCommand(const std::string& name, const std::string& value,
                                       const Requester& by) = 0;
  virtual CommandStatus setVariable(const std::string& name, const std::string& value,
                                    const Requester& by) = 0;
  /// A client with the fsd right sent FSD: the daemon starts its shutdown.
  virtual void forcedShutdown(const Requester& by) = 0;
  /// Several UPSes: the names of the others served beside this one (LIST UPS), in order;
  /// none by default.
  virtual std::vector<std::string> otherNames() const { return {}; }
  /// The other UPS named `name` (matched case-insensitively, as upsd does), nullptr when none.
  virtual UpsBackend* other(const std::string& name) {
    (void)name;
    return nullptr;
  }
};

} // namespace hidupsd::serve
