// SPDX-License-Identifier: GPL-2.0-or-later
// ActionGate: who may press the dashboard's buttons: same origin, CSRF token, credential, rate.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "serve/http_server.hpp"
#include "serve/nut_guard.hpp"

namespace hidupsd::serve {

/// The credential the config gives for actions. Both empty: actions are off.
struct ActionCredentials {
  std::string token;        ///< compared as is (constant time)
  std::string passwordHash; ///< crypt(3) (lib/password.hpp)
  /// When set, checks a credential instead of token/passwordHash (then both empty): the
  /// listener asks the daemon's root side, which holds them.
  std::function<bool(const std::string& presented)> verify;
  std::string kind; ///< with verify: "token", "password" or "token or password"
  bool enabled() const noexcept {
    return !token.empty() || !passwordHash.empty() || static_cast<bool>(verify);
  }
};

/// The outcome of one check, as the HTTP answer it becomes.
struct GateVerdict {
  int status = 200;                   ///< 200: allowed; else 400, 401, 403, 404 (off), 415, 429
  std::string why;                    ///< for the answer and the log (never the credential)
  std::chrono::seconds retryAfter{0}; ///< with 429
  bool allowed() const noexcept { return status == 200; }
};

/// Decides whether an action request may run. A request must:
///  1. come while actions are on (else 404: the routes do not exist);
///  2. be JSON (Content-Type application/json: a cross-site form cannot send it, and a
///     cross-origin fetch would need a CORS preflight that this server never grants) (415);
///  3. be same-origin when the browser says (Sec-Fetch-Site, Origin = http://Host) (403);
///  4. carry this daemon's CSRF token (from GET /api/v1/session, which another origin cannot
///     read) (403);
///  5. not come from an address still waiting after a wrong credential (1 s doubling to
///     30 s), nor past kChecksPerSecond credential checks a second from everyone (429);
///  6. carry the credential: the token, or the password of the hash (401, and the address
///     waits).
/// The body is {"csrf": "…", "credential": "…"}. Thread rules: the HTTP server thread.
class ActionGate {
public:
  /// Credential checks a second, from all addresses together: a yescrypt check costs tens of
  /// milliseconds of the server thread.
  static constexpr int kChecksPerSecond = 4;

  /// `csrf`: a random token for this daemon's life (randomToken()).
  ActionGate(ActionCredentials credentials, std::string csrf);

  /// Allowed: `accepted` (when given) gets the credential that matched, passed on with the
  /// action so that the daemon's root side checks it again (the listener's verdict is not
  /// trusted with the decision).
  GateVerdict check(const HttpRequest& request, GuardClock::time_point now,
                    std::string* accepted = nullptr);
  bool enabled() const noexcept { return credentials_.enabled(); }
  /// "token", "password", "token or password"; "" when off.
  std::string credentialKind() const;
  const std::string& csrf() const noexcept { return csrf_; }

private:
  GateVerdict sameOrigin(const HttpRequest& request) const;
  GateVerdict rate(const std::string& peer, GuardClock::time_point now);

  ActionCredentials credentials_;
  std::string csrf_;
  AuthThrottle throttle_;
  GuardClock::time_point window_{};
  int checksInWindow_ = 0;
};

/// Whether `presented` is the token or the password of the hash (constant-time for the token).
/// False when empty or when `credentials` has neither.
bool credentialMatches(const ActionCredentials& credentials, const std::string& presented);

/// 32 hex digits from getrandom(2). Throws std::system_error.
std::string randomToken();

} // namespace hidupsd::serve
