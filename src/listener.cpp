// SPDX-License-Identifier: GPL-2.0-or-later
// The listener process: servers fed from the channel; every request that needs the UPS, the
// pipeline or the history goes back to the root side, which decides.
#include "src/listener.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "config/config.hpp"
#include "lib/log.hpp"
#include "lib/privileges.hpp"
#include "serve/channel.hpp"
#include "serve/nut_protocol.hpp"
#include "src/servers.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "listener";
namespace ch = serve::channel;

/// Requests waiting for the root side at once; more are refused at once (the servers answer
/// an error) rather than queued: a flood of clients cannot pile work up for the root side.
constexpr std::size_t kMaxPending = 8;

/// Writes whole frames to the channel, from any thread; a root side that does not read for
/// this long is gone (the listener then ends).
constexpr std::chrono::seconds kWriteTimeout{5};

class Channel {
public:
  explicit Channel(int fd) : fd_(fd) {}

  /// False when the channel is broken (closed, or not read within kWriteTimeout).
  bool send(const ch::Message& message) {
    const auto bytes = ch::frame(message);
    std::lock_guard lock(mutex_);
    if (broken_) return false;
    const auto deadline = std::chrono::steady_clock::now() + kWriteTimeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n =
          ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLOUT, 0};
        if (left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) >= 0) continue;
      }
      broken_ = true;
      return false;
    }
    return true;
  }
  bool broken() const {
    std::lock_guard lock(mutex_);
    return broken_;
  }

private:
  int fd_;
  mutable std::mutex mutex_;
  bool broken_ = false;
};

class ListenerBackend;

/// One UPS as the NUT server sees it, by name ("" for the first): its part of the latest State,
/// and its writes sent back to the root side.
class UpsView final : public serve::UpsBackend {
public:
  UpsView(ListenerBackend& owner, std::string name) : owner_(owner), name_(std::move(name)) {}
  serve::UpsState state() const override;
  std::vector<std::string> commands() const override;
  std::vector<serve::RwVariable> writable() const override;
  serve::CommandStatus instantCommand(const std::string& name, const std::string& value,
                                      const serve::Requester& by) override;
  serve::CommandStatus setVariable(const std::string& name, const std::string& value,
                                   const serve::Requester& by) override;
  void forcedShutdown(const serve::Requester& by) override;
  std::vector<std::string> otherNames() const override;
  serve::UpsBackend* other(const std::string& name) override;

private:
  ListenerBackend& owner_;
  std::string name_;
};

/// What the servers see: the latest State from the root side, and requests sent back to it.
class ListenerBackend final : public serve::DashboardBackend {
public:
  explicit ListenerBackend(Channel& channel) : channel_(channel), first_(*this, "") {}

  serve::UpsBackend& ups() { return first_; }

  void update(ch::State state) {
    std::lock_guard lock(mutex_);
    state_ = std::move(state);
    have_ = true;
  }
  void deliver(ch::Reply reply) {
    std::lock_guard lock(mutex_);
    if (const auto it = pending_.find(reply.id); it != pending_.end()) {
      it->second = std::move(reply);
      answered_.notify_all();
    } // an answer nobody waits for any more (timed out): dropped
  }
  void closed() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    answered_.notify_all();
  }

  serve::MetricsData metrics() const {
    std::lock_guard lock(mutex_);
    if (!have_) throw std::runtime_error("no state from the daemon yet");
    auto m = state_.metrics;
    m.snapshot = state_.ups.state.snapshot;
    for (const auto& o : state_.others) {
      const auto& s = o.ups.state;
      m.moreUps.push_back({o.name, s.snapshot, s.everRead, s.everRead && !s.stale});
    }
    return m;
  }

  /// The part of the State for the UPS `name` ("" the first); an empty one when it is gone.
  ch::Ups upsNamed(const std::string& name) const {
    std::lock_guard lock(mutex_);
    if (name.empty()) return state_.ups;
    for (const auto& o : state_.others)
      if (o.name == name) return o.ups;
    return {};
  }
  std::vector<std::string> otherNames() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& o : state_.others)
      out.push_back(o.name);
    return out;
  }
  /// The view of another UPS, matched case-insensitively as upsd does; made once, kept for
  /// the process's life (the servers hold the pointer).
  serve::UpsBackend* other(const std::string& name) {
    std::string known;
    for (const auto& n : otherNames())
      if (serve::equalsIgnoreCase(n, name)) known = n;
    if (known.empty()) return nullptr;
    std::lock_guard lock(mutex_);
    auto& view = views_[known];
    if (!view) view = std::make_unique<UpsView>(*this, known);
    return view.get();
  }

  /// A NUT write for the UPS `ups`, sent to the root side.
  std::optional<ch::Reply> write(ch::Request::Kind kind, const std::string& ups,
                                 const serve::Requester& by, std::string name, std::string value,
                                 std::chrono::seconds timeout) {
    ch::Request q;
    q.kind = kind;
    q.ups = ups;
    q.user = by.user;
    q.password = by.password;
    q.peer = by.who;
    q.name = std::move(name);
    q.value = std::move(value);
    return ask(std::move(q), timeout);
  }

  /// The NUT session's right check, made by the root side (the listener holds no password).
  serve::NutDenial authorize(const std::string* user, const std::string* password,
                             serve::NutAction action) {
    ch::Request q;
    q.kind = ch::Request::Kind::Authorize;
    q.user = user ? *user : "";
    q.password = password ? *password : "";
    q.name = std::to_string(static_cast<int>(action));
    q.value = std::string(1, user ? '1' : '0') + (password ? '1' : '0');
    const auto r = ask(std::move(q), std::chrono::seconds(5));
    if (!r) return serve::NutDenial::NoCredentials; // no answer: no access
    if (r->ok) return serve::NutDenial::None;
    const int denial = r->text.size() == 1 ? r->text[0] - '0' : 1;
    return denial >= 1 && denial <= 4 ? static_cast<serve::NutDenial>(denial)
                                      : serve::NutDenial::NoCredentials;
  }
  /// The dashboard gate's credential check, made by the root side.
  bool credentialMatches(const std::string& presented) {
    ch::Request q;
    q.kind = ch::Request::Kind::Credential;
    q.credential = presented;
    const auto r = ask(std::move(q), std::chrono::seconds(5));
    return r && r->ok;
  }

  // serve::DashboardBackend
  std::string status() override {
    std::lock_guard lock(mutex_);
    if (!have_) throw std::runtime_error("no state from the daemon yet");
    return state_.statusJson;
  }
  std::string history(serve::HistoryRange range) override {
    ch::Request q;
    q.kind = ch::Request::Kind::History;
    q.range = range;
    return text(std::move(q));
  }
  std::string plan() override {
    ch::Request q;
    q.kind = ch::Request::Kind::Plan;
    return text(std::move(q));
  }
  serve::ChartData chart(std::string_view metric, serve::HistoryRange range) override {
    ch::Request q;
    q.kind = ch::Request::Kind::Chart;
    q.name = std::string(metric);
    q.range = range;
    auto r = ask(std::move(q), std::chrono::seconds(20));
    if (!r || !r->ok) throw std::runtime_error(r ? r->text : "the daemon did not answer");
    return std::move(r->chart);
  }
  serve::ActionOutcome act(serve::DashboardAction action, const std::string& peer,
                           const std::string& credential) override {
    ch::Request q;
    q.kind = ch::Request::Kind::Action;
    q.action = action;
    q.peer = peer;
    q.credential = credential;
    const auto r = ask(std::move(q), std::chrono::seconds(40));
    if (!r) return {false, "the daemon did not answer"};
    return {r->ok, r->text};
  }

private:
  std::string text(ch::Request q) {
    auto r = ask(std::move(q), std::chrono::seconds(20));
    if (!r || !r->ok) throw std::runtime_error(r ? r->text : "the daemon did not answer");
    return std::move(r->text);
  }

  /// Sends `q` and waits for its Reply, at most `timeout`; nullopt: busy, broken or late.
  std::optional<ch::Reply> ask(ch::Request q, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    if (closed_ || pending_.size() >= kMaxPending) return std::nullopt;
    q.id = ++nextId_;
    const auto id = q.id;
    pending_.emplace(id, std::nullopt);
    lock.unlock();
    const bool sent = channel_.send(q);
    lock.lock();
    if (sent)
      answered_.wait_for(lock, timeout, [&] { return closed_ || pending_.at(id).has_value(); });
    auto reply = std::move(pending_.at(id));
    pending_.erase(id);
    return reply;
  }

  Channel& channel_;
  UpsView first_;
  mutable std::mutex mutex_;
  std::condition_variable answered_;
  ch::State state_;
  bool have_ = false;
  bool closed_ = false;
  std::uint32_t nextId_ = 0;
  std::map<std::uint32_t, std::optional<ch::Reply>> pending_;
  std::map<std::string, std::unique_ptr<UpsView>> views_;
};

serve::UpsState UpsView::state() const { return owner_.upsNamed(name_).state; }
std::vector<std::string> UpsView::commands() const { return owner_.upsNamed(name_).commands; }
std::vector<serve::RwVariable> UpsView::writable() const { return owner_.upsNamed(name_).writable; }
serve::CommandStatus UpsView::instantCommand(const std::string& name, const std::string& value,
                                             const serve::Requester& by) {
  const auto r = owner_.write(ch::Request::Kind::InstantCommand, name_, by, name, value,
                              std::chrono::seconds(20));
  return r ? r->status : serve::CommandStatus::Failed;
}
serve::CommandStatus UpsView::setVariable(const std::string& name, const std::string& value,
                                          const serve::Requester& by) {
  const auto r = owner_.write(ch::Request::Kind::SetVariable, name_, by, name, value,
                              std::chrono::seconds(20));
  return r ? r->status : serve::CommandStatus::Failed;
}
void UpsView::forcedShutdown(const serve::Requester& by) {
  const auto r =
      owner_.write(ch::Request::Kind::ForcedShutdown, name_, by, "", "", std::chrono::seconds(5));
  if (!r || !r->ok)
    throw std::runtime_error(r ? r->text : "the daemon did not answer the FSD request");
}
// Only the first UPS's view lists the others (as the daemon's UpsService does).
std::vector<std::string> UpsView::otherNames() const {
  return name_.empty() ? owner_.otherNames() : std::vector<std::string>{};
}
serve::UpsBackend* UpsView::other(const std::string& name) {
  return name_.empty() ? owner_.other(name) : nullptr;
}

/// The kernel's OOM killer takes the listener before the daemon (which runs with
/// OOMScoreAdjust=-900): a client that makes it grow costs the servers, not the shutdown.
void offerToOomKiller() {
  std::ofstream("/proc/self/oom_score_adj") << "500\n";
  ::setpriority(PRIO_PROCESS, 0, 10); // the root side's work comes first
}

/// The checks the servers cannot make (they hold no password): asked of the root side.
Servers::Checks rootChecks(const ch::Setup& setup, ListenerBackend& backend) {
  Servers::Checks checks;
  if (setup.nut)
    checks.nutUser = [&backend](const std::string* u, const std::string* p, serve::NutAction a) {
      return backend.authorize(u, p, a);
    };
  if (!setup.actionKind.empty()) {
    checks.actionKind = setup.actionKind;
    checks.actionCredential = [&backend](const std::string& presented) {
      return backend.credentialMatches(presented);
    };
  }
  return checks;
}

/// Waits (bounded) for the daemon's first message, the Setup.
ch::Setup readSetup(int fd) {
  ch::FrameReader frames;
  std::string buffer(64 * 1024, '\0');
  std::string message;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!frames.next(message)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("no setup from the daemon within 10 s");
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n <= 0) throw std::runtime_error("the daemon closed the channel before the setup");
    frames.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  auto m = ch::decode(message);
  auto* setup = std::get_if<ch::Setup>(&m);
  if (setup == nullptr) throw std::runtime_error("the daemon's first message is not the setup");
  return std::move(*setup);
}

/// Reads the channel until it closes; dispatches each message. False on a protocol error.
bool serveChannel(int fd, Channel& channel, ListenerBackend& backend, const Servers& servers) {
  ch::FrameReader frames;
  std::size_t logins = ~std::size_t{0}; // the first count goes at once: the daemon waits for it
  std::string buffer(64 * 1024, '\0');
  std::string message;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return false;
    if (const auto now = servers.loginCount(); now != logins) {
      logins = now;
      if (!channel.send(ch::Logins{static_cast<std::uint32_t>(now)})) return true;
    }
    if (ready <= 0) continue;
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) return true; // the daemon closed it: time to go
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return true;
    }
    try {
      frames.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      while (frames.next(message)) {
        auto m = ch::decode(message);
        if (auto* s = std::get_if<ch::State>(&m))
          backend.update(std::move(*s));
        else if (auto* r = std::get_if<ch::Reply>(&m))
          backend.deliver(std::move(*r));
        else if (const auto* ping = std::get_if<ch::Ping>(&m)) {
          if (!channel.send(ch::Pong{ping->sequence})) return true;
        } else
          throw ch::ChannelError(0, "a message the daemon does not send");
      }
    } catch (const ch::ChannelError& e) {
      log::error(kDomain, "from the daemon: {}", e.what());
      return false;
    }
  }
}

} // namespace

serve::channel::Setup listenerSetup(const Config& config) {
  ch::Setup s;
  if (config.nut) {
    const auto& n = *config.nut;
    s.nut = true;
    s.nutHost = n.listen.host;
    s.nutPort = n.listen.port;
    // A named UPS (each of several is) goes by its name on the NUT server too.
    s.upsName = config.device.name.empty() ? n.name : config.device.name;
    s.nutMaxConnections = n.maxConnections;
    for (const auto& a : n.allow)
      s.nutAllow.push_back(lib::ipNetworkText(a));
    s.certificate = n.certificate;
    s.key = n.key;
    s.keyPem = n.keyPem;
    s.requireTls = n.requireTls;
    for (const auto& u : n.users) {
      ch::SetupUser user{u.name, 0};
      for (const auto r : u.rights)
        user.rights |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(r));
      s.users.push_back(std::move(user));
    }
  }
  if (config.metrics) {
    const auto& m = *config.metrics;
    s.http = true;
    s.httpHost = m.listen.host;
    s.httpPort = m.listen.port;
    s.httpMaxConnections = m.maxConnections;
    for (const auto& a : m.allow)
      s.httpAllow.push_back(lib::ipNetworkText(a));
    s.dashboard = m.dashboard;
    s.nutExporter = m.nutExporter;
    s.section = m.section;
    const bool token = !m.actionToken.empty();
    const bool password = !m.actionPasswordHash.empty();
    s.actionKind = token && password ? "token or password"
                   : token           ? "token"
                   : password        ? "password"
                                     : "";
  }
  return s;
}

Config configFromSetup(const serve::channel::Setup& s) {
  Config c;
  if (s.nut) {
    NutServerConfig n;
    n.listen = {s.nutHost, s.nutPort};
    n.name = s.upsName;
    n.maxConnections = static_cast<int>(s.nutMaxConnections);
    for (const auto& a : s.nutAllow)
      n.allow.push_back(lib::parseIpNetwork(a));
    n.certificate = s.certificate;
    n.key = s.key;
    n.keyPem = s.keyPem;
    n.requireTls = s.requireTls;
    for (const auto& u : s.users) {
      NutUser user;
      user.name = u.name;
      for (unsigned r = 0; r < 5; ++r)
        if ((u.rights & (1u << r)) != 0) user.rights.push_back(static_cast<NutRight>(r));
      n.users.push_back(std::move(user));
    }
    c.nut = std::move(n);
  }
  if (s.http) {
    MetricsConfig m;
    m.listen = {s.httpHost, s.httpPort};
    m.maxConnections = static_cast<int>(s.httpMaxConnections);
    for (const auto& a : s.httpAllow)
      m.allow.push_back(lib::parseIpNetwork(a));
    m.dashboard = s.dashboard;
    m.nutExporter = s.nutExporter;
    m.section = s.section;
    c.metrics = std::move(m);
  }
  return c;
}

int runListener(const ListenerOptions& options) {
  ::signal(SIGPIPE, SIG_IGN);
  // It ends when the daemon closes the channel, not on the SIGTERM systemd sends the whole
  // service at a stop: the daemon may still be showing FSD to the secondaries then.
  for (const int sig : {SIGTERM, SIGINT, SIGHUP})
    ::signal(sig, SIG_IGN);
  ::prctl(PR_SET_NAME, "hidupsd-listen"); // what ps, top and ss show (15 characters)
  ::close_range(static_cast<unsigned>(options.channelFd) + 1, ~0U, 0);
  Channel channel(options.channelFd);
  ListenerBackend backend(channel);
  try {
    const auto setup = readSetup(options.channelFd);
    const Config config = configFromSetup(setup);
    const bool dashboard = config.metrics && config.metrics->dashboard;
    // Binds now, as root: privileged ports work.
    auto checks = rootChecks(setup, backend);
    Servers servers(
        config, backend.ups(), [&backend] { return backend.metrics(); },
        dashboard ? static_cast<serve::DashboardBackend*>(&backend) : nullptr, std::move(checks));
    offerToOomKiller();
    const auto dropped = lib::dropPrivileges(options.user, options.emptyRoot);
    lib::applySyscallFilter();
    servers.start(); // threads start after the drop and the filter: they inherit both
    if (dropped.wasRoot)
      log::notice(kDomain,
                  "serving as {} (uid {}, gid {}), in {}, no capabilities (CapEff {:x}), "
                  "syscall filter on",
                  dropped.user, dropped.uid, dropped.gid, dropped.root.string(),
                  lib::effectiveCapabilities());
    else
      log::notice(kDomain,
                  "serving as {} (uid {}; started without root: nothing to drop), "
                  "syscall filter on",
                  dropped.user, dropped.uid);
    ch::Hello hello;
    hello.pid = static_cast<std::uint32_t>(::getpid());
    hello.uid = static_cast<std::uint32_t>(::getuid());
    hello.nutPort = servers.nutPort();
    hello.httpPort = servers.metricsPort();
    if (!channel.send(hello)) return 1;
    const bool clean = serveChannel(options.channelFd, channel, backend, servers);
    backend.closed();
    servers.stop();
    return clean ? 0 : 1;
  } catch (const std::exception& e) {
    log::error(kDomain, "cannot serve: {}", e.what());
    backend.closed();
    return 1;
  }
}

} // namespace hidupsd
