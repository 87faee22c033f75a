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

ch::Reply RootRequests::handle(const ch::Request& q) {
  switch (q.kind) {
  case ch::Request::Kind::InstantCommand: return nutWrite(q, serve::NutAction::InstCmd);
  case ch::Request::Kind::SetVariable: return nutWrite(q, serve::NutAction::Set);
  case ch::Request::Kind::ForcedShutdown: return nutWrite(q, serve::NutAction::Fsd);
  case ch::Request::Kind::Action: return action(q);
  default: break;
  }
  if (dashboard_ == nullptr) return refused("the dashboard is off");
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

bool RootRequests::credentialCheckAllowed() {
  const auto now = std::chrono::steady_clock::now();
  if (now - window_ >= std::chrono::seconds(1)) {
    window_ = now;
    checksInWindow_ = 0;
  }
  return ++checksInWindow_ <= kChecksPerSecond;
}

ch::Reply RootRequests::action(const ch::Request& q) {
  if (dashboard_ == nullptr) return refused("the dashboard is off");
  const serve::ActionCredentials credentials{actionToken_, actionPasswordHash_};
  if (!credentials.enabled()) return refused("actions are off");
  if (!credentialCheckAllowed()) return refused("too many actions: wait a second");
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
