// SPDX-License-Identifier: GPL-2.0-or-later
// ActionGate: who may press the dashboard's buttons: same origin, CSRF token, credential, rate.
#include "serve/action_gate.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lib/password.hpp"

namespace hidupsd::serve {

namespace {

using namespace std::chrono_literals;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// The string member `name` of a JSON object, "" when absent or not a string.
std::string member(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

ActionGate::ActionGate(ActionCredentials credentials, std::string csrf)
    : credentials_(std::move(credentials)), csrf_(std::move(csrf)), throttle_(1s, 30s) {}

std::string ActionGate::credentialKind() const {
  if (credentials_.verify) return credentials_.kind;
  if (!credentials_.token.empty() && !credentials_.passwordHash.empty()) return "token or password";
  if (!credentials_.token.empty()) return "token";
  return credentials_.passwordHash.empty() ? "" : "password";
}

GateVerdict ActionGate::sameOrigin(const HttpRequest& r) const {
  if (!lower(r.header("content-type")).starts_with("application/json"))
    return {415, "actions take a JSON body (Content-Type: application/json)"};
  const auto site = r.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin") return {403, "not from this dashboard's page"};
  const auto origin = r.header("origin");
  if (!origin.empty() && lower(origin) != "http://" + lower(r.header("host")))
    return {403, "not from this dashboard's page (origin " + origin + ")"};
  return {};
}

/// A window of one second for everyone, and the per-address wait after a failure.
GateVerdict ActionGate::rate(const std::string& peer, GuardClock::time_point now) {
  const auto waitUntil = throttle_.allowedAt(peer, now);
  if (waitUntil > now) {
    const auto wait = std::chrono::ceil<std::chrono::seconds>(waitUntil - now);
    return {429, "wrong credential: wait before trying again", wait};
  }
  if (now - window_ >= 1s) {
    window_ = now;
    checksInWindow_ = 0;
  }
  if (++checksInWindow_ > kChecksPerSecond) return {429, "too many attempts: try again", 1s};
  return {};
}

bool credentialMatches(const ActionCredentials& credentials, const std::string& presented) {
  if (presented.empty()) return false;
  if (credentials.verify) return credentials.verify(presented);
  if (!credentials.token.empty() && constantTimeEquals(presented, credentials.token)) return true;
  return !credentials.passwordHash.empty() &&
         lib::verifyPassword(presented, credentials.passwordHash);
}

GateVerdict ActionGate::check(const HttpRequest& r, GuardClock::time_point now,
                              std::string* accepted) {
  if (!enabled()) return {404, "actions are off (no action_token or action_password_hash)"};
  if (auto v = sameOrigin(r); !v.allowed()) return v;
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (!body.is_object()) return {400, "the body is not a JSON object"};
  if (!constantTimeEquals(member(body, "csrf"), csrf_))
    return {403, "the page's CSRF token is stale: reload the page"};
  if (auto v = rate(r.peer, now); !v.allowed()) return v;
  auto credential = member(body, "credential");
  if (!credentialMatches(credentials_, credential)) {
    throttle_.failed(r.peer, now);
    return {401, "wrong " + credentialKind()};
  }
  throttle_.succeeded(r.peer);
  if (accepted != nullptr) *accepted = std::move(credential);
  return {};
}

std::string randomToken() {
  std::array<unsigned char, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const auto n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "getrandom");
    got += static_cast<std::size_t>(n);
  }
  std::string out;
  for (const auto b : bytes)
    out += fmt::format("{:02x}", b);
  return out;
}

} // namespace hidupsd::serve
