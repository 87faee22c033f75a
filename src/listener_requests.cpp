// SPDX-License-Identifier: GPL-2.0-or-later
// RootRequests: re-check, then act.
#include "src/listener_requests.hpp"

#include "lib/log.hpp"
#include "serve/action_gate.hpp"
#include "src/servers.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "listener";
namespace ch = serve::channel;

ch::Reply refused(std::string text) {
  ch::Reply r;
  r.ok = false;
  r.status = serve::CommandStatus::Failed;
  r.text = std::move(text);
  return r;
}

/// `text` for a log line: at most 128 bytes, control characters (a line break, an escape, a
/// "<0>" priority at a line's start) as '?'.
std::string printable(std::string_view text) {
  std::string out(text.substr(0, 128));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

} // namespace

RootRequests::RootRequests(const Config& config, serve::UpsBackend& ups,
                           serve::DashboardBackend* dashboard)
    : ups_(ups), dashboard_(dashboard) {
  if (config.nut) users_ = nutServerOptions(*config.nut).service.users;
  if (config.metrics) {
    actionToken_ = config.metrics->actionToken;
    actionPasswordHash_ = config.metrics->actionPasswordHash;
  }
}

ch::Reply RootRequests::handle(const ch::Request& request) {
  ch::Request q = request;
  q.user = printable(q.user);
  q.peer = printable(q.peer);
  switch (q.kind) {
  case ch::Request::Kind::InstantCommand: return nutWrite(q, serve::NutAction::InstCmd);
  case ch::Request::Kind::SetVariable: return nutWrite(q, serve::NutAction::Set);
  case ch::Request::Kind::ForcedShutdown: return nutWrite(q, serve::NutAction::Fsd);
  case ch::Request::Kind::Action: return action(q);
  case ch::Request::Kind::Authorize: return authorize(q);
  case ch::Request::Kind::Credential: return credential(q);
  default: break;
  }
  if (dashboard_ == nullptr) return refused("the dashboard is off");
  if (!allowed(readWindow_, readsInWindow_, kReadsPerSecond))
    return refused("the daemon is busy: try again");
  ch::Reply r;
  switch (q.kind) {
  case ch::Request::Kind::History: r.text = dashboard_->history(q.range); break;
  case ch::Request::Kind::Plan: r.text = dashboard_->plan(); break;
  case ch::Request::Kind::Chart: {
    bool known = false;
    for (const auto m : serve::kChartMetrics)
      known = known || m == q.name;
    if (!known) return refused("no such chart");
    r.chart = dashboard_->chart(q.name, q.range);
    break;
  }
  default: return refused("unknown request");
  }
  r.ok = true;
  return r;
}

ch::Reply RootRequests::nutWrite(const ch::Request& q, serve::NutAction what) {
  const auto denial = serve::checkRight(users_, &q.user, &q.password, what);
  if (denial != serve::NutDenial::None) {
    log::warning(kDomain, "refused {} from {} (user \"{}\"): {} — the listener let it through",
                 serve::nameOf(what), q.peer, q.user, serve::nameOf(denial));
    return refused("access denied");
  }
  serve::UpsBackend* ups = q.ups.empty() ? &ups_ : ups_.other(q.ups);
  if (ups == nullptr) return refused("no such UPS");
  const serve::Requester by{q.user, q.password, q.peer};
  ch::Reply r;
  switch (what) {
  case serve::NutAction::InstCmd: r.status = ups->instantCommand(q.name, q.value, by); break;
  case serve::NutAction::Set: r.status = ups->setVariable(q.name, q.value, by); break;
  default: ups->forcedShutdown(by); r.status = serve::CommandStatus::Ok;
  }
  r.ok = r.status == serve::CommandStatus::Ok;
  return r;
}

bool RootRequests::allowed(std::chrono::steady_clock::time_point& window, int& count, int limit) {
  const auto now = std::chrono::steady_clock::now();
  if (now - window >= std::chrono::seconds(1)) {
    window = now;
    count = 0;
  }
  return ++count <= limit;
}

ch::Reply RootRequests::authorize(const ch::Request& q) {
  ch::Reply r;
  int action = -1;
  if (q.name.size() == 1 && q.name[0] >= '0' && q.name[0] <= '4') action = q.name[0] - '0';
  if (action < 0 || q.value.size() != 2) return refused("malformed");
  const auto now = std::chrono::steady_clock::now();
  if (now - authWindow_ >= std::chrono::seconds(1)) {
    authWindow_ = now;
    authFailuresInWindow_ = 0;
  }
  auto denial = serve::NutDenial::NoCredentials;
  if (authFailuresInWindow_ < kChecksPerSecond) {
    denial = serve::checkRight(users_, q.value[0] == '1' ? &q.user : nullptr,
                               q.value[1] == '1' ? &q.password : nullptr,
                               static_cast<serve::NutAction>(action));
    if (denial == serve::NutDenial::WrongPassword || denial == serve::NutDenial::UnknownUser)
      ++authFailuresInWindow_;
  }
  r.ok = denial == serve::NutDenial::None;
  r.text = std::to_string(static_cast<int>(denial));
  return r;
}

ch::Reply RootRequests::credential(const ch::Request& q) {
  serve::ActionCredentials credentials;
  credentials.token = actionToken_;
  credentials.passwordHash = actionPasswordHash_;
  if (!credentials.enabled()) return refused("actions are off");
  if (!allowed(window_, checksInWindow_, kChecksPerSecond)) return refused("too many checks");
  ch::Reply r;
  r.ok = serve::credentialMatches(credentials, q.credential);
  return r;
}

ch::Reply RootRequests::action(const ch::Request& q) {
  if (dashboard_ == nullptr) return refused("the dashboard is off");
  serve::ActionCredentials credentials;
  credentials.token = actionToken_;
  credentials.passwordHash = actionPasswordHash_;
  if (!credentials.enabled()) return refused("actions are off");
  if (!allowed(window_, checksInWindow_, kChecksPerSecond))
    return refused("too many actions: wait a second");
  if (!serve::credentialMatches(credentials, q.credential)) {
    log::warning(kDomain,
                 "refused the action {} from {}: wrong credential — the listener let it "
                 "through",
                 serve::nameOf(q.action), q.peer);
    return refused("wrong credential");
  }
  const auto outcome = dashboard_->act(q.action, q.peer, q.credential);
  ch::Reply r;
  r.ok = outcome.ok;
  r.text = outcome.message;
  return r;
}

} // namespace hidupsd
