// SPDX-License-Identifier: GPL-2.0-or-later
// NutClient: a small blocking NUT-protocol client (hidupsd --status, --command).
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/nut_socket.hpp"

namespace hidupsd::serve {

/// The server answered "ERR <code>" (code() = "ACCESS-DENIED", "UNKNOWN-UPS", …), or broke
/// the protocol (code() empty: closed the connection, an unexpected or over-long reply).
class NutError : public std::runtime_error {
public:
  NutError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

private:
  std::string code_;
};

struct NutClientOptions {
  /// A name or an IP literal. A name is looked up within `timeout` too (on a thread of its
  /// own, left behind if the resolver hangs; at most 4 such at a time).
  std::string host = "127.0.0.1";
  std::uint16_t port = 3493;
  /// For connecting, and for each reply line.
  std::chrono::milliseconds timeout{5000};
};

/// One connection to a NUT server (upsd or hidupsd). Requests are sent one at a time and
/// wait for their reply. Not thread-safe: one thread per client.
///
/// Throws: std::system_error for the connection (resolve, connect, timeouts as ETIMEDOUT,
/// send/recv errors); NutError for what the server answers.
class NutClient {
public:
  /// Connects. Throws std::system_error (a failed name lookup as EHOSTUNREACH).
  explicit NutClient(const NutClientOptions& options);
  /// Closes without LOGOUT.
  ~NutClient() = default;
  NutClient(NutClient&&) noexcept = default;
  NutClient& operator=(NutClient&&) noexcept = default;

  /// VER's line.
  std::string version();
  /// LIST VAR: every variable with its value, in the server's order.
  std::vector<std::pair<std::string, std::string>> listVariables(const std::string& ups);
  /// GET VAR's value.
  std::string getVariable(const std::string& ups, const std::string& name);
  /// LIST CMD: the instant commands.
  std::vector<std::string> listCommands(const std::string& ups);
  /// USERNAME and PASSWORD (upsd checks them on the first command that needs them).
  void authenticate(const std::string& user, const std::string& password);
  /// LOGIN (after authenticate()): counted by the server as an upsmon secondary attached to
  /// `ups` (NUMLOGINS; a primary's FSD waits for it to log out, HOSTSYNC).
  void login(const std::string& ups);
  /// INSTCMD (after authenticate()); `value` empty = none.
  void instantCommand(const std::string& ups, const std::string& command,
                      const std::string& value = {});
  /// SET VAR (after authenticate()).
  void setVariable(const std::string& ups, const std::string& name, const std::string& value);
  /// LOGOUT; the server closes the connection.
  void logout();

  /// Sends one request line (no newline) and returns its one-line reply, split into words.
  /// Throws NutError for "ERR …".
  std::vector<std::string> request(std::string_view line);
  /// Sends a LIST request and returns the lines between BEGIN and END, split into words.
  /// A list longer than 10000 lines, or one whose lines keep coming past 4 timeouts, is a
  /// broken server (NutError, resp. ETIMEDOUT): a trickle never holds the caller for ever.
  std::vector<std::vector<std::string>> list(std::string_view line);

private:
  void send(std::string_view line);
  std::vector<std::string> readReply();
  std::string readLine();

  lib::UniqueFd fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_; ///< received, not yet returned
};

/// `value` quoted for a request: "…" with '\', '"' and '#' escaped.
std::string quoteArgument(std::string_view value);

} // namespace hidupsd::serve
