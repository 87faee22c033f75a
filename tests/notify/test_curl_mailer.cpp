// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for CurlMailer against a scripted SMTP server on 127.0.0.1.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "notify/curl_easy.hpp"
#include "notify/curl_mailer.hpp"

using namespace hidupsd::notify;
using namespace std::chrono_literals;

namespace {

const CurlGlobal curlGlobal;

/// One SMTP session on 127.0.0.1: answers EHLO, MAIL, RCPT (with
/// `rcptReply`), DATA, QUIT, and records what the client sent. Silent: never
/// greets (for timeouts).
class FakeSmtp {
public:
  explicit FakeSmtp(std::string rcptReply = "250 OK", bool silent = false)
      : rcptReply_(std::move(rcptReply)), silent_(silent) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(listener_, 1) == 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSmtp() {
    if (thread_.joinable()) thread_.join();
    close(listener_);
  }
  int port() const { return port_; }
  /// Everything the client sent; call after the mail is done.
  const std::string& transcript() {
    if (thread_.joinable()) thread_.join();
    return transcript_;
  }

private:
  void serve() {
    pollfd p{listener_, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) return;
    int fd = accept(listener_, nullptr, nullptr);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (silent_) {
      char c;
      while (recv(fd, &c, 1, 0) > 0) {
      }
    } else {
      session(fd);
    }
    close(fd);
  }
  void session(int fd) {
    say(fd, "220 fake ESMTP");
    for (std::string line; readLine(fd, line);) {
      if (line.starts_with("EHLO"))
        say(fd, "250 fake");
      else if (line.starts_with("MAIL FROM"))
        say(fd, "250 OK");
      else if (line.starts_with("RCPT TO"))
        say(fd, rcptReply_);
      else if (line == "DATA")
        readData(fd);
      else if (line == "QUIT")
        return say(fd, "221 bye");
      else
        say(fd, "502 what");
    }
  }
  void readData(int fd) {
    say(fd, "354 go ahead");
    for (std::string line; readLine(fd, line) && line != ".";) {
    }
    say(fd, "250 queued");
  }
  bool readLine(int fd, std::string& line) {
    line.clear();
    char c;
    while (recv(fd, &c, 1, 0) == 1) {
      transcript_ += c;
      if (c == '\n') {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
      line += c;
    }
    return false;
  }
  static void say(int fd, const std::string& reply) {
    const std::string out = reply + "\r\n";
    CHECK(send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size()));
  }

  std::string rcptReply_;
  bool silent_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string transcript_;
};

MailRequest mail(int port) {
  MailRequest r;
  r.server = "127.0.0.1";
  r.port = port;
  r.starttls = false;
  r.from = "ups@example.org";
  r.to = {"a@example.org", "b@example.org"};
  r.message = "From: ups@example.org\r\nSubject: On battery\r\n\r\nBattery: 87 %\r\n.hidden\r\n";
  r.timeout = 3000ms;
  return r;
}

} // namespace

TEST_CASE("a mail goes to every recipient, dot-stuffed") {
  FakeSmtp server;
  CurlMailer mailer;
  mailer.send(mail(server.port()));
  const std::string& t = server.transcript();
  CHECK(t.find("MAIL FROM:<ups@example.org>") != std::string::npos);
  CHECK(t.find("RCPT TO:<a@example.org>\r\n") != std::string::npos);
  CHECK(t.find("RCPT TO:<b@example.org>\r\n") != std::string::npos);
  CHECK(t.find("Subject: On battery\r\n\r\nBattery: 87 %\r\n..hidden\r\n.\r\n") !=
        std::string::npos);
}

TEST_CASE("a refused recipient is a permanent MailError") {
  FakeSmtp server("550 no such user");
  CurlMailer mailer;
  MailRequest request = mail(server.port());
  request.to = {"nobody@example.org"};
  request.password = "hunter2";
  try {
    mailer.send(request);
    FAIL("no MailError");
  } catch (const MailError& e) {
    CHECK(e.permanent());
    CHECK_FALSE(e.timedOut());
    CHECK(std::string(e.what()).starts_with("127.0.0.1: "));
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
  }
}

TEST_CASE("STARTTLS required but not offered: a permanent MailError") {
  FakeSmtp server;
  CurlMailer mailer;
  MailRequest request = mail(server.port());
  request.starttls = true;
  try {
    mailer.send(request);
    FAIL("no MailError");
  } catch (const MailError& e) {
    CHECK(e.permanent());
  }
}

TEST_CASE("a server that never greets: MailError timedOut within the timeout") {
  FakeSmtp server("", true);
  CurlMailer mailer;
  MailRequest request = mail(server.port());
  request.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    mailer.send(request);
    FAIL("no MailError");
  } catch (const MailError& e) {
    CHECK(e.timedOut());
    CHECK_FALSE(e.permanent());
    CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  }
}
