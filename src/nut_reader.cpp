// SPDX-License-Identifier: GPL-2.0-or-later
// NutReader: connect, LOGIN as a secondary, LIST VAR each poll, reconnect with back-off.
#include "src/nut_reader.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "lib/log.hpp"
#include "serve/nut_client.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kDomain = "device";

} // namespace

core::Snapshot remoteSnapshot(const std::vector<std::pair<std::string, std::string>>& variables,
                              core::Clock::time_point time) {
  core::Snapshot s;
  s.time = time;
  for (const auto& [name, value] : variables)
    s.variables[name] = value;
  if (s.statusFlags().empty()) throw std::runtime_error("the server gives no ups.status");
  return s;
}

namespace {

serve::NutClient connectTo(const lib::NutAddress& address, std::chrono::milliseconds timeout) {
  serve::NutClientOptions o;
  o.host = address.host;
  o.port = address.port;
  o.timeout = timeout;
  return serve::NutClient(o);
}

} // namespace

core::Snapshot readRemoteOnce(const lib::NutAddress& address, std::chrono::milliseconds timeout,
                              core::Clock::time_point now) {
  auto client = connectTo(address, timeout);
  return remoteSnapshot(client.listVariables(address.ups), now);
}

std::string remoteProbe(const lib::NutAddress& address, std::chrono::milliseconds timeout,
                        bool json) {
  auto client = connectTo(address, timeout);
  const auto version = client.version();
  const auto variables = client.listVariables(address.ups);
  std::vector<std::string> commands;
  std::string note;
  try {
    commands = client.listCommands(address.ups);
  } catch (const serve::NutError& e) {
    note = e.what();
  }
  if (json) {
    nlohmann::ordered_json out;
    out["server"] = version;
    out["variables"] = nlohmann::ordered_json::object();
    for (const auto& [name, value] : variables)
      out["variables"][name] = value;
    out["commands"] = commands;
    return out.dump(2) + "\n";
  }
  std::string out =
      fmt::format("Server: {} ({})\n\nVariables:\n", lib::nutAddressText(address), version);
  for (const auto& [name, value] : variables)
    out += fmt::format("{}: {}\n", name, value);
  out += "\nInstant commands:\n";
  for (const auto& c : commands)
    out += c + "\n";
  if (!note.empty()) out += "(" + note + ")\n";
  return out;
}

NutReader::NutReader(NutReaderOptions options, core::Clock& clock, ReaderListener& listener)
    : options_(std::move(options)), name_(lib::nutAddressText(options_.address)), clock_(clock),
      listener_(listener) {
  log::notice(kDomain,
              "following {} over the NUT protocol{}; instant commands and variable writes are "
              "its primary's (none here)",
              name_,
              options_.username.empty() ? " (read only: no LOGIN, its primary will not wait for "
                                          "this host)"
                                        : " as secondary " + options_.username);
}

NutReader::~NutReader() = default;

void NutReader::run() {
  while (!stop_.load())
    step();
  logoutNow();
}

void NutReader::step() {
  const auto now = clock_.now();
  if (!started_) {
    started_ = true;
    lastAnswer_ = now; // comms_lost_timeout counts from the start when nothing ever answered
  }
  if (logoutAsked_.load() && !loggedOut_.load()) logoutNow();
  if (!client_ && now >= nextAttempt_)
    connect();
  else if (client_ && now >= nextPoll_)
    poll();
  checkCommLost();
  listener_.onIdle(clock_.now());
  sleepTowards(client_ ? nextPoll_ : nextAttempt_);
}

void NutReader::connect() {
  try {
    client_ = std::make_unique<serve::NutClient>(connectTo(options_.address, options_.timeout));
  } catch (const std::exception& e) {
    return drop(e.what());
  }
  log::log(failing_ ? log::Level::Notice : log::Level::Info, kDomain, "connected to {}", name_);
  login();
  nextPoll_ = clock_.now();
}

// upsmon's secondary: USERNAME, PASSWORD, LOGIN. A refusal is the config's (a wrong
// password, no secondary right): said loudly, and the UPS still followed (a host that
// cannot log in still shuts down on its own; the primary only does not wait for it).
void NutReader::login() {
  if (options_.username.empty() || loggedOut_.load()) return;
  try {
    client_->authenticate(options_.username, options_.password);
    client_->login(options_.address.ups);
    log::info(kDomain, "logged in to {} as secondary {}", name_, options_.username);
  } catch (const serve::NutError& e) {
    if (e.code().empty()) return drop(e.what());
    log::error(kDomain,
               "{} refused the login of {} ({}): following it read-only; its primary will "
               "not wait for this host before it powers off",
               name_, options_.username, e.code());
  } catch (const std::exception& e) {
    drop(e.what());
  }
}

void NutReader::poll() {
  nextPoll_ = clock_.now() + options_.pollInterval;
  try {
    answered(remoteSnapshot(client_->listVariables(options_.address.ups), clock_.now()));
  } catch (const serve::NutError& e) {
    // ERR DATA-STALE, DRIVER-NOT-CONNECTED, UNKNOWN-UPS: the server is fine, its UPS is not.
    if (!e.code().empty()) return miss(e.what());
    drop(e.what());
  } catch (const std::exception& e) {
    drop(e.what());
  }
}

void NutReader::answered(const core::Snapshot& snapshot) {
  lastAnswer_ = clock_.now();
  backoff_ = {};
  if (failing_) log::notice(kDomain, "{} answers again", name_);
  failing_ = false;
  if (commLost_) {
    commLost_ = false;
    listener_.onCommRestored();
  }
  listener_.onSnapshot(snapshot);
}

void NutReader::miss(const std::string& why) {
  lastError_ = name_ + ": " + why;
  log::log(failing_ ? log::Level::Debug : log::Level::Warning, kDomain, "{}", lastError_);
  failing_ = true;
}

void NutReader::drop(const std::string& why) {
  client_.reset();
  miss(why);
  backoff_ = backoff_ == core::Clock::duration{}
                 ? core::Clock::duration(options_.backoffMin)
                 : std::min(backoff_ * 2, core::Clock::duration(options_.backoffMax));
  nextAttempt_ = clock_.now() + backoff_;
}

void NutReader::checkCommLost() {
  if (commLost_ || clock_.now() - lastAnswer_ < options_.commsLostTimeout) return;
  commLost_ = true;
  log::error(kDomain, "no answer from {} for {} s: communication lost ({})", name_,
             std::chrono::duration_cast<std::chrono::seconds>(options_.commsLostTimeout).count(),
             lastError_);
  listener_.onCommLost(lastError_);
}

void NutReader::post(DeviceTask task) {
  // The UPS is the primary's: nothing here reaches it. UpsService reports the commands as
  // unsupported before it gets here; a task that does (a scheduled test) is told at once.
  task(nullptr);
}

bool NutReader::logout(std::chrono::milliseconds wait) noexcept {
  logoutAsked_.store(true);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!loggedOut_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return loggedOut_.load();
}

void NutReader::logoutNow() noexcept {
  if (loggedOut_.load()) return;
  try {
    if (client_ && !options_.username.empty()) {
      client_->logout(); // upsd closes the connection after its OK
      log::notice(kDomain, "logged out of {}: its primary may power off", name_);
    }
  } catch (const std::exception& e) {
    log::warning(kDomain, "LOGOUT from {}: {} (the connection is closed anyway)", name_, e.what());
  }
  client_.reset();
  nextAttempt_ = clock_.now();
  loggedOut_.store(true);
}

void NutReader::sleepTowards(core::Clock::time_point t) {
  if (stop_.load() || (logoutAsked_.load() && !loggedOut_.load())) return;
  auto until = std::min(t, clock_.now() + core::Clock::duration(options_.readSlice));
  if (const auto wake = listener_.wakeAt()) until = std::min(until, *wake);
  const auto now = clock_.now();
  if (until > now) clock_.sleepFor(until - now);
}

} // namespace hidupsd
