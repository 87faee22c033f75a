// SPDX-License-Identifier: GPL-2.0-or-later
// NutClient: connect with a deadline, send a line, read lines with a deadline.
#include "serve/nut_client.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "serve/nut_protocol.hpp"

namespace hidupsd::serve {
namespace {

/// Replies longer than this are a broken server (upsd's are under 512 bytes).
constexpr std::size_t kMaxReplyLine = 64 * 1024;
/// A list longer than this is a broken server (a UPS has a few hundred variables at most).
constexpr std::size_t kMaxListLines = 10000;
/// A whole list is read within this many timeouts.
constexpr int kListTimeouts = 4;

[[noreturn]] void throwErrno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

using AddressList = std::shared_ptr<addrinfo>;

/// Name lookups still running on their own thread (left behind by a timeout); more than this
/// and a new one is refused at once: a hung resolver costs a few threads, never more.
constexpr int kMaxPendingLookups = 4;
std::atomic<int> pendingLookups{0};

struct Lookup {
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  int rc = EAI_AGAIN;
  AddressList found;
};

AddressList lookup(const std::string& host, const std::string& port, int flags, int& rc) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | flags;
  addrinfo* found = nullptr;
  rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  return rc == 0 && found != nullptr ? AddressList(found, &::freeaddrinfo) : AddressList();
}

/// getaddrinfo within options.timeout: an IP literal at once; a name on a thread of its own,
/// given up (the thread left to end on its own) when the resolver hangs, so the caller's
/// bound holds (a follower's device thread must reach its commbad on time).
AddressList resolve(const NutClientOptions& options) {
  const auto endpoint = formatEndpoint(options.host, options.port);
  const auto port = std::to_string(options.port);
  int rc = 0;
  if (auto literal = lookup(options.host, port, AI_NUMERICHOST, rc)) return literal;
  if (pendingLookups.load() >= kMaxPendingLookups)
    throwErrno(EAGAIN, endpoint + ": earlier name lookups still hang (the resolver does not "
                                  "answer)");
  auto state = std::make_shared<Lookup>();
  ++pendingLookups;
  try {
    std::thread([state, host = options.host, port] {
      int code = 0;
      auto found = lookup(host, port, 0, code);
      {
        std::lock_guard lock(state->mutex);
        state->rc = code;
        state->found = std::move(found);
        state->finished = true;
      }
      state->done.notify_all();
      --pendingLookups;
    }).detach();
  } catch (const std::system_error&) {
    --pendingLookups;
    throw;
  }
  std::unique_lock lock(state->mutex);
  if (!state->done.wait_for(lock, options.timeout, [&] { return state->finished; }))
    throwErrno(ETIMEDOUT, endpoint + ": the name lookup took longer than " +
                              std::to_string(options.timeout.count()) + " ms");
  if (state->rc != 0 || !state->found)
    throwErrno(EHOSTUNREACH, endpoint + ": " + ::gai_strerror(state->rc));
  return state->found;
}

/// Connects a non-blocking socket to `address` within `timeout`; an invalid fd and `error`
/// set on failure.
lib::UniqueFd connectOne(const addrinfo& address, std::chrono::milliseconds timeout, int& error) {
  auto fd = openStreamSocket(address.ai_family);
  if (::connect(fd.get(), address.ai_addr, address.ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    error = errno;
    return {};
  }
  if (!waitFor(fd.get(), POLLOUT, timeout)) {
    error = ETIMEDOUT;
    return {};
  }
  socklen_t length = sizeof(error);
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  return error == 0 ? std::move(fd) : lib::UniqueFd();
}

/// "ERR CODE …" → NutError(CODE).
void throwIfError(const std::vector<std::string>& words, std::string_view request) {
  if (words.empty() || words[0] != "ERR") return;
  const auto code = words.size() > 1 ? words[1] : std::string("UNKNOWN");
  throw NutError(code, "NUT server refused \"" + std::string(request) + "\": " + code);
}

std::string firstWord(std::string_view line) { return std::string(line.substr(0, line.find(' '))); }

} // namespace

std::string quoteArgument(std::string_view value) { return "\"" + escapeValue(value) + "\""; }

NutClient::NutClient(const NutClientOptions& options) : timeout_(options.timeout) {
  const auto addresses = resolve(options);
  int error = ECONNREFUSED;
  for (const addrinfo* a = addresses.get(); a != nullptr && !fd_.valid(); a = a->ai_next)
    fd_ = connectOne(*a, options.timeout, error);
  if (!fd_.valid())
    throwErrno(error, "cannot connect to " + formatEndpoint(options.host, options.port));
}

std::string NutClient::version() {
  send("VER");
  return readLine();
}

std::vector<std::pair<std::string, std::string>> NutClient::listVariables(const std::string& ups) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& words : list("LIST VAR " + ups))
    if (words.size() >= 4 && words[0] == "VAR") out.emplace_back(words[2], words[3]);
  return out;
}

std::string NutClient::getVariable(const std::string& ups, const std::string& name) {
  const auto words = request("GET VAR " + ups + " " + name);
  if (words.size() < 4 || words[0] != "VAR") throw NutError({}, "unexpected reply to GET VAR");
  return words[3];
}

std::vector<std::string> NutClient::listCommands(const std::string& ups) {
  std::vector<std::string> out;
  for (auto& words : list("LIST CMD " + ups))
    if (words.size() >= 3 && words[0] == "CMD") out.push_back(words[2]);
  return out;
}

void NutClient::authenticate(const std::string& user, const std::string& password) {
  request("USERNAME " + quoteArgument(user));
  request("PASSWORD " + quoteArgument(password));
}

void NutClient::login(const std::string& ups) { request("LOGIN " + ups); }

void NutClient::instantCommand(const std::string& ups, const std::string& command,
                               const std::string& value) {
  auto line = "INSTCMD " + ups + " " + command;
  if (!value.empty()) line += " " + quoteArgument(value);
  request(line);
}

void NutClient::setVariable(const std::string& ups, const std::string& name,
                            const std::string& value) {
  request("SET VAR " + ups + " " + name + " " + quoteArgument(value));
}

void NutClient::logout() { request("LOGOUT"); }

std::vector<std::string> NutClient::request(std::string_view line) {
  send(line);
  auto words = readReply();
  throwIfError(words, firstWord(line));
  return words;
}

std::vector<std::vector<std::string>> NutClient::list(std::string_view line) {
  const auto begin = request(line);
  if (begin.size() < 2 || begin[0] != "BEGIN" || begin[1] != "LIST")
    throw NutError({}, "unexpected reply to " + std::string(line));
  const auto deadline = std::chrono::steady_clock::now() + kListTimeouts * timeout_;
  std::vector<std::vector<std::string>> out;
  for (auto words = readReply(); !(words.size() >= 2 && words[0] == "END"); words = readReply()) {
    if (out.size() >= kMaxListLines) throw NutError({}, "NUT list too long: " + std::string(line));
    if (std::chrono::steady_clock::now() > deadline) throwErrno(ETIMEDOUT, "NUT list");
    out.push_back(std::move(words));
  }
  return out;
}

void NutClient::send(std::string_view line) {
  std::string data(line);
  data += '\n';
  std::size_t sent = 0;
  while (sent < data.size()) {
    if (!waitFor(fd_.get(), POLLOUT, timeout_)) throwErrno(ETIMEDOUT, "NUT send");
    const auto n = ::send(fd_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) throwErrno(errno, "NUT send");
    sent += static_cast<std::size_t>(n);
  }
}

std::vector<std::string> NutClient::readReply() { return splitWords(readLine()); }

std::string NutClient::readLine() {
  for (;;) {
    if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
      auto line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    if (buffer_.size() > kMaxReplyLine) throw NutError({}, "NUT reply line too long");
    if (!waitFor(fd_.get(), POLLIN, timeout_)) throwErrno(ETIMEDOUT, "NUT reply");
    char chunk[4096];
    const auto n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) throwErrno(errno, "NUT recv");
    if (n == 0) throw NutError({}, "NUT server closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

} // namespace hidupsd::serve
