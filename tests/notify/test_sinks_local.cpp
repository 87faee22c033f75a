// SPDX-License-Identifier: GPL-2.0-or-later
// The local sinks for real: smtp (a fake Mailer, then an SMTP receiver on 127.0.0.1 through
// CurlMailer) and exec (scripts in a temporary directory), and the process runner under them.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "lib/child_process.hpp"
#include "notify/curl_mailer.hpp"
#include "notify/exec_sink.hpp"
#include "notify/smtp_sink.hpp"
#include "tests/notify/sink_support.hpp"

namespace hidupsd::notify {
namespace {

using namespace test;
using lib::ProcessOptions;
using lib::ProcessResult;
using lib::runProcess;

// ---- smtp ----------------------------------------------------------------------

class FakeMailer final : public Mailer {
public:
  void send(const MailRequest& request) override {
    sent.push_back(request);
    if (error) throw *error;
  }
  std::vector<MailRequest> sent;
  std::optional<MailError> error;
};

SmtpOptions smtpOptions() {
  SmtpOptions o;
  o.common = quick();
  o.server = "127.0.0.1";
  o.from = "ups@example.org";
  o.to = {"admin@example.org", "oncall@example.org"};
  o.username = "ups";
  o.password = "hunter2";
  return o;
}

TEST_CASE("smtp: the RFC 5322 message handed to the Mailer") {
  FakeMailer mailer;
  SmtpSink sink(smtpOptions(), mailer);
  const Notification n = outage();
  Delivery d = sink.deliver(n);
  CHECK(d.result == R::Delivered);
  CHECK(d.detail.find("hunter2") == std::string::npos);
  REQUIRE(mailer.sent.size() == 1);
  const MailRequest& r = mailer.sent[0];
  CHECK(r.server == "127.0.0.1");
  CHECK(r.port == 587);
  CHECK(r.starttls);
  CHECK(r.password == "hunter2");
  CHECK(r.to == std::vector<std::string>{"admin@example.org", "oncall@example.org"});
  CHECK(r.timeout == 5000ms);

  const std::string& m = r.message;
  auto split = m.find("\r\n\r\n");
  REQUIRE(split != std::string::npos);
  std::string head = m.substr(0, split + 2);
  CHECK(head.starts_with("From: ups@example.org\r\n"
                         "To: admin@example.org, oncall@example.org\r\n"
                         "Subject: =?UTF-8?B?4pqhIFBvd2VyIG91dGFnZSBvbiBwdmUx?=\r\n"
                         "Date: Wed, 25 Nov 2026 20:31:02 +0000\r\n"
                         "Message-ID: <1795638662."));
  CHECK(head.find("@example.org>\r\n") != std::string::npos);
  CHECK(head.ends_with("MIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n"
                       "Auto-Submitted: auto-generated\r\n"));
  std::string body = rendered(n).body;
  std::string crlf;
  for (char c : body)
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  CHECK(m.substr(split + 4) == crlf + "\r\n");
}

TEST_CASE("smtp: subject template, header encoding, long lines, errors") {
  FakeMailer mailer;
  SmtpOptions options = smtpOptions();
  options.subject = "[UPS] {event} on {host}";
  options.common.templates["onbatt"].body = std::string(2000, 'x') + "\n.dot";
  SmtpSink sink(options, mailer);
  CHECK(sink.deliver(outage()).result == R::Delivered);
  const std::string& m = mailer.sent.at(0).message;
  CHECK(m.find("\r\nSubject: [UPS] onbatt on pve1\r\n") != std::string::npos);
  CHECK(m.ends_with("\r\n\r\n" + std::string(998, 'x') + "\r\n" + std::string(998, 'x') + "\r\n" +
                    "xxxx\r\n.dot\r\n")); // dot-stuffing is libcurl's

  std::string words = encodeHeaderWord(std::string(30, 'a') + "é" + std::string(40, 'b'));
  CHECK(words.find("\r\n =?UTF-8?B?") != std::string::npos);
  for (std::size_t start = 0, end; start < words.size(); start = end + 3) {
    end = words.find("\r\n ", start);
    if (end == std::string::npos) end = words.size();
    CHECK(end - start <= 75); // RFC 2047 §2
  }

  mailer.error = MailError("127.0.0.1: Couldn't connect to server", false, false);
  Delivery d = sink.deliver(outage());
  CHECK(d.result == R::Retry);
  CHECK(d.detail == "127.0.0.1: Couldn't connect to server");
  mailer.error = MailError("127.0.0.1: Login denied", false, true);
  CHECK(sink.deliver(outage()).result == R::Failed);
}

struct TempDir {
  TempDir() {
    std::string tpl = (fs::temp_directory_path() / "hidupsd-sinks-XXXXXX").string();
    REQUIRE(::mkdtemp(tpl.data()) != nullptr);
    path = tpl;
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool waitForFile(const fs::path& path, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!fs::exists(path) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  return fs::exists(path);
}

TEST_CASE("smtp: a real SMTP session through CurlMailer") {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  if (root == nullptr || ::access("/usr/bin/python3", X_OK) != 0) {
    MESSAGE("skipped: needs HIDUPSD_SOURCE_ROOT and /usr/bin/python3");
    return;
  }
  TempDir dir;
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   std::string(root) + "/tests/notify/smtp_receiver.py",
                                   (dir.path / "port").string(), (dir.path / "mail").string()};
  ProcessResult receiver;
  std::thread thread([&] { receiver = runProcess(argv, {}, {30s, 2s, 16384}); });
  REQUIRE(waitForFile(dir.path / "port", 10s));

  SmtpOptions options = smtpOptions();
  options.port = std::stoi(slurp(dir.path / "port"));
  options.starttls = false;
  options.username.clear();
  options.common.templates["onbatt"].body = "first line\n.starts with a dot\n..two";
  CurlMailer mailer;
  SmtpSink sink(options, mailer);
  Delivery d = sink.deliver(outage());
  thread.join();
  CHECK_MESSAGE(d.result == R::Delivered, d.detail);
  CHECK_MESSAGE(receiver.succeeded(), receiver.output);

  std::string got = slurp(dir.path / "mail");
  CHECK(got.starts_with("MAIL FROM:<ups@example.org>"));
  CHECK(got.find("RCPT TO:<admin@example.org>\nRCPT TO:<oncall@example.org>\n\n") !=
        std::string::npos);
  CHECK(got.find("\r\nSubject: =?UTF-8?B?4pqhIFBvd2VyIG91dGFnZSBvbiBwdmUx?=\r\n") !=
        std::string::npos);
  CHECK(got.ends_with("\r\n\r\nfirst line\r\n.starts with a dot\r\n..two\r\n"));
}

// ---- exec ----------------------------------------------------------------------

fs::path writeScript(const fs::path& dir, const std::string& name, const std::string& text) {
  fs::path path = dir / name;
  std::ofstream(path) << "#!/bin/sh\n" << text;
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

/// Running: not gone and not a zombie (a container's pid 1 may never reap).
bool alive(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

/// A signalled process outside our own children (a grandchild in the killed
/// group) dies on its own schedule: wait for it, bounded.
bool goneWithin(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (alive(pid)) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TEST_CASE("exec: $1 is the event, the UPS in the environment, output in detail") {
  TempDir dir;
  const fs::path record = dir.path / "record";
  fs::path script = writeScript(dir.path, "upssched-cmd",
                                "{ for a in \"$@\"; do echo \"arg=$a\"; done\n"
                                "  read line || echo stdin=eof\n"
                                "  env | grep -E '^(UPS_|HIDUPSD_MARK)' | sort; } > '" +
                                    record.string() + "'\necho done\n");
  ::setenv("HIDUPSD_MARK", "kept", 1);
  ::setenv("UPS_HOST", "stale", 1); // ours replaces the daemon's
  ExecSink sink({quick(3), {script.string(), "--flag"}});
  Delivery d = sink.deliver(outage());
  ::unsetenv("HIDUPSD_MARK");
  ::unsetenv("UPS_HOST");
  CHECK(sink.name() == "exec #3");
  CHECK(d.result == R::Delivered);
  CHECK(d.detail == "exit 0: done");
  CHECK(slurp(record) == "arg=--flag\narg=onbatt\nstdin=eof\n"
                         "HIDUPSD_MARK=kept\n"
                         "UPS_BATTERY_CHARGE=100\nUPS_BATTERY_RUNTIME=1772\n"
                         "UPS_EVENT=onbatt\nUPS_HOST=pve1\n"
                         "UPS_INPUT_VOLTAGE=229.0\nUPS_OUTPUT_VOLTAGE=228.4\n"
                         "UPS_REASON=on battery for 5 s\nUPS_REASON_KEY=reason.on_battery\n"
                         "UPS_TIME=2026-11-25T20:31:02Z\n"
                         "UPS_UPS_LOAD=29\nUPS_UPS_MODEL=Ellipse PRO 850\n"
                         "UPS_UPS_POWER=137\nUPS_UPS_STATUS=OB DISCHRG\n");
}

TEST_CASE("exec: [notify.arguments] gives an event the script's own word") {
  TempDir dir;
  const fs::path record = dir.path / "record";
  fs::path script = writeScript(dir.path, "upssched-cmd",
                                "echo \"$# $1 $UPS_EVENT\" >> '" + record.string() + "'\n");
  ExecSink sink({quick(), {script.string()}, {{core::EventKind::OnBattery, "power-lost"}}});
  CHECK(sink.deliver(outage()).result == R::Delivered);
  Notification back = outage();
  back.event.kind = core::EventKind::Online; // no word given: its name
  CHECK(sink.deliver(back).result == R::Delivered);
  CHECK(slurp(record) == "1 power-lost onbatt\n1 online online\n");
}

TEST_CASE("exec: a test or simulation run says so in UPS_MARKER") {
  Notification n;
  n.event.kind = core::EventKind::OnBattery;
  auto has = [](const std::vector<std::string>& env, const std::string& entry) {
    return std::find(env.begin(), env.end(), entry) != env.end();
  };
  CHECK_FALSE(has(ExecSink::environment(n, {}), "UPS_MARKER=test"));
  n.marker = Marker::Test;
  CHECK(has(ExecSink::environment(n, {}), "UPS_MARKER=test"));
  n.marker = Marker::Simulation;
  CHECK(has(ExecSink::environment(n, {}), "UPS_MARKER=simulation"));
}

TEST_CASE("exec: failures, timeouts and kills, no zombies") {
  TempDir dir;
  SUBCASE("non-zero exit: the first line of the output") {
    fs::path script = writeScript(dir.path, "fail", "echo 'no route' >&2\necho more\nexit 3\n");
    Delivery d = ExecSink({quick(), {script.string()}}).deliver(outage());
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "exit 3: no route");
  }
  SUBCASE("a missing program, a file that is not executable") {
    Delivery d = ExecSink({quick(), {"/nonexistent/upssched-cmd", "secret"}}).deliver(outage());
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "cannot run upssched-cmd: No such file or directory");
    fs::path plain = dir.path / "plain";
    std::ofstream(plain) << "#!/bin/sh\n";
    d = ExecSink({quick(), {plain.string()}}).deliver(outage());
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "cannot run plain: Permission denied");
  }
  SUBCASE("timeout: SIGTERM to the group") {
    const fs::path pids = dir.path / "pids";
    fs::path script = writeScript(dir.path, "slow",
                                  "sleep 60 & echo \"$$ $!\" > '" + pids.string() + "'\nwait\n");
    auto start = std::chrono::steady_clock::now();
    Delivery d = ExecSink({quick(1, 500ms), {script.string()}}).deliver(outage());
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "timed out after 500 ms");
    std::istringstream in(slurp(pids));
    pid_t shell = 0;
    pid_t sleeper = 0;
    in >> shell >> sleeper;
    REQUIRE(sleeper > 0);
    CHECK(goneWithin(shell, std::chrono::seconds(2)));
    CHECK(goneWithin(sleeper, std::chrono::seconds(2)));
  }
  SUBCASE("timeout: SIGKILL when SIGTERM is ignored, 2 s later") {
    fs::path script = writeScript(dir.path, "stubborn", "trap '' TERM\necho started\nsleep 60\n");
    auto start = std::chrono::steady_clock::now();
    Delivery d = ExecSink({quick(1, 500ms), {script.string()}}).deliver(outage());
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 2500ms);
    CHECK(took < 3500ms);
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "timed out after 500 ms: started");
  }
  errno = 0;
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

TEST_CASE("exec: variable names") {
  CHECK(ExecSink::variableName("ups.beeper-status") == "UPS_UPS_BEEPER_STATUS");
}

} // namespace
} // namespace hidupsd::notify
