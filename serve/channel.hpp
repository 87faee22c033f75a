// SPDX-License-Identifier: GPL-2.0-or-later
// The privilege-separation channel: the messages between the root daemon and its unprivileged
// listener (the process that serves the network), and their bounded, versioned encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "serve/dashboard.hpp"
#include "serve/metrics.hpp"
#include "serve/ups_backend.hpp"

namespace hidupsd::serve::channel {

/// The format's version, the first byte of every message. A peer with another version is
/// refused at once (both sides are one binary: a mismatch means a half-upgraded install).
inline constexpr std::uint8_t kVersion = 1;
/// The largest message either side accepts (a year of chart points, a long status document).
/// A frame announcing more is an error before anything is read.
inline constexpr std::size_t kMaxMessage = std::size_t{4} << 20;
/// Limits inside a message: a decoded message never holds more than this many items.
inline constexpr std::size_t kMaxItems = 20000;
/// The largest string inside a message (one JSON document, one variable's value).
inline constexpr std::size_t kMaxString = std::size_t{2} << 20;

/// A malformed message: the reason and the byte offset in the message where it was found.
class ChannelError : public std::runtime_error {
public:
  ChannelError(std::size_t offset, const std::string& what);
  std::size_t offset() const noexcept { return offset_; }

private:
  std::size_t offset_;
};

// --- root → listener --------------------------------------------------------------------

/// A NUT user as the listener knows it: a name and rights, never the password (the root side
/// checks passwords).
struct SetupUser {
  std::string name;
  std::uint8_t rights = 0; ///< bits: kRight* below
};
inline constexpr std::uint8_t kRightSecondary = 1, kRightPrimary = 2, kRightFsd = 4,
                              kRightInstcmd = 8, kRightSet = 16;

/// What the listener serves, from the daemon's own configuration: the first message, and the
/// only one the listener reads as root (it binds, then drops). It never holds a password or a
/// token: only the TLS key STARTTLS needs.
struct Setup {
  bool nut = false;
  std::string nutHost;
  std::uint16_t nutPort = 0;
  std::string upsName;
  std::int64_t nutMaxConnections = 0;
  std::vector<std::string> nutAllow; ///< networks, as lib::ipNetworkText writes them
  std::string certificate;           ///< a path; "" = no STARTTLS
  std::string key;                   ///< the key's path, for messages
  std::string keyPem;                ///< the key (secret)
  bool requireTls = false;
  std::vector<SetupUser> users;
  bool http = false;
  std::string httpHost;
  std::uint16_t httpPort = 0;
  std::int64_t httpMaxConnections = 0;
  std::vector<std::string> httpAllow;
  bool dashboard = false;
  bool nutExporter = false;
  std::string section;    ///< "serve.http" or "serve.metrics", for messages
  std::string actionKind; ///< "token", "password", "token or password"; "" = actions off
};

/// One UPS as the NUT server serves it.
struct Ups {
  UpsState state;
  std::vector<std::string> commands;
  std::vector<RwVariable> writable;
};

/// Several UPSes: one more beside the first, by its name.
struct OtherUps {
  std::string name;
  Ups ups;
};

/// What the listener serves until the next one: the UPSes for the NUT server, the scrape for
/// /metrics, the daemon state for the dashboard. Sent when it changes and every second.
struct State {
  Ups ups;                      ///< the first (or only) UPS
  std::vector<OtherUps> others; ///< several UPSes: the rest, in order
  /// Its snapshot and moreUps are left empty: the UPSes above are the ones.
  MetricsData metrics;
  std::string statusJson;
};

/// The answer to a Request, by its id.
struct Reply {
  std::uint32_t id = 0;
  bool ok = false;
  CommandStatus status = CommandStatus::Failed; ///< instant command, variable write
  std::string text;                             ///< JSON document, or an action's message
  ChartData chart;                              ///< for a chart request
};

/// "Are you alive?": answered with a Pong carrying the same number.
struct Ping {
  std::uint64_t sequence = 0;
};

// --- listener → root --------------------------------------------------------------------

/// The listener's first message, once it listens and has dropped its privileges.
struct Hello {
  std::uint32_t pid = 0;
  std::uint32_t uid = 0;
  std::uint16_t nutPort = 0;  ///< 0: not serving
  std::uint16_t httpPort = 0; ///< 0: not serving
};

/// How many NUT clients are logged in (the primary's HOSTSYNC wait counts them).
struct Logins {
  std::uint32_t count = 0;
};

/// What a network client asked that only the root side may do. The root side checks each
/// against its own configuration (the user's password and right, the dashboard's credential):
/// the listener's word is never taken.
struct Request {
  enum class Kind : std::uint8_t {
    InstantCommand = 1, ///< name, value; user + password with the instcmd right
    SetVariable = 2,    ///< name, value; user + password with the set right
    ForcedShutdown = 3, ///< user + password with the fsd right
    History = 4,        ///< range
    Plan = 5,
    Chart = 6,      ///< name (the metric), range
    Action = 7,     ///< action, credential (token or password)
    Authorize = 8,  ///< user, password, name (the NutAction's number), value ("11": user and
                    ///< password given; "01", "10", "00"): the NUT session's right check
    Credential = 9, ///< credential: the dashboard gate's check
  };
  std::uint32_t id = 0;
  Kind kind = Kind::Plan;
  std::string ups; ///< several UPSes: the one a NUT write is for ("": the first)
  std::string user;
  std::string password;
  std::string peer; ///< the client's address, for the log
  std::string name;
  std::string value;
  HistoryRange range = HistoryRange::Day;
  DashboardAction action = DashboardAction::TestNotification;
  std::string credential;
};

struct Pong {
  std::uint64_t sequence = 0;
};

using Message = std::variant<Setup, State, Reply, Ping, Hello, Logins, Request, Pong>;

/// The bytes of one message (its 4-byte length prefix not included). Throws ChannelError when
/// it would be larger than kMaxMessage.
std::string encode(const Message& message);
/// One message from its bytes. Throws ChannelError (with the byte offset) on anything
/// malformed: wrong version, unknown type, a length past the end, a count over kMaxItems,
/// an enum out of range, bytes left over. Never reads outside `bytes`.
Message decode(std::string_view bytes);

/// `encode` with its frame: the length as 4 bytes, little-endian, then the message.
std::string frame(const Message& message);

/// Collects a byte stream into whole messages. Bounded: a frame announcing more than
/// kMaxMessage is an error at once, and it never holds more than one frame plus one read.
class FrameReader {
public:
  /// Adds bytes read from the stream.
  void feed(std::string_view bytes);
  /// The next whole message's bytes, or false. Throws ChannelError for an oversized frame.
  bool next(std::string& message);
  std::size_t buffered() const noexcept { return buffer_.size() - start_; }

private:
  std::string buffer_;
  std::size_t start_ = 0;
};

} // namespace hidupsd::serve::channel
