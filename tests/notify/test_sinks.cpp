// SPDX-License-Identifier: GPL-2.0-or-later
// The sinks for real: an HTTP server and an SMTP receiver on 127.0.0.1, scripts in a temp dir.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "lib/child_process.hpp"
#include "notify/curl_easy.hpp"
#include "notify/curl_http_client.hpp"
#include "notify/curl_mailer.hpp"
#include "notify/discord_sink.hpp"
#include "notify/exec_sink.hpp"
#include "notify/ntfy_sink.hpp"
#include "notify/smtp_sink.hpp"
#include "notify/webhook_sink.hpp"

namespace hidupsd::notify {
namespace {

using lib::ProcessOptions;
using lib::ProcessResult;
using lib::runProcess;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;
using R = Delivery::Result;
using core::EventKind;

constexpr std::int64_t kWallTime = 1795638662; // 2026-11-25T20:31:02Z

/// {time} renders local time: make it UTC for every test of this executable.
const bool kUtc = [] {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  return true;
}();
const CurlGlobal kCurl;

/// The outage of the old script's message: every value it showed.
Notification outage(EventKind kind = EventKind::OnBattery) {
  Notification n;
  n.host = "pve1";
  n.wallTime = kWallTime;
  n.event.kind = kind;
  n.event.reason = "on battery for 5 s";
  n.event.snapshot.variables = {{"battery.charge", "100"},    {"battery.runtime", "1772"},
                                {"ups.load", "29"},           {"input.voltage", "229.0"},
                                {"output.voltage", "228.4"},  {"ups.power", "137"},
                                {"ups.status", "OB DISCHRG"}, {"ups.model", "Ellipse PRO 850"}};
  return n;
}

MessageTemplate rendered(const Notification& n, Language language = Language::En) {
  return render(builtinTemplateFor(n, language), n, language);
}

SinkOptions quick(int index = 1, std::chrono::milliseconds timeout = 5000ms) {
  SinkOptions o;
  o.index = index;
  o.timeout = timeout;
  return o;
}

/// An HTTP server on 127.0.0.1:<free port> that records every POST and
/// answers as told.
class Receiver {
public:
  struct Seen {
    std::string target; ///< path and query, as sent
    std::string body;
    httplib::Headers headers;
    std::string header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? "" : it->second;
    }
  };

  Receiver() {
    server_.Post(".*",
                 [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void respond(int status, std::string body = "{}", httplib::Headers headers = {}) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
    headers_ = std::move(headers);
  }
  void hang() { hang_ = true; }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  Seen only() const {
    auto all = seen();
    REQUIRE(all.size() == 1);
    return all.front();
  }

private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back({req.target, req.body, req.headers});
      res.status = status_;
      res.set_content(body_, "application/json");
      for (const auto& [name, value] : headers_)
        res.set_header(name.c_str(), value);
    }
    for (int i = 0; hang_ && !stopping_ && i < 500; ++i)
      std::this_thread::sleep_for(10ms);
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
  int status_ = 200;
  std::string body_ = "{}";
  httplib::Headers headers_;
  std::atomic<bool> hang_{false};
  std::atomic<bool> stopping_{false};
};

// ---- Discord ---------------------------------------------------------------

TEST_CASE("discord: the exact JSON of an outage, posted to ?wait=true") {
  Receiver receiver;
  CurlHttpClient http;
  DiscordSink sink({quick(), receiver.url("/api/webhooks/123/secret-token")}, http);
  const Notification n = outage();
  Delivery d = sink.deliver(n);
  CHECK(d.result == R::Delivered);
  CHECK(d.detail == "HTTP 200");
  CHECK(sink.name() == "discord #1");

  auto seen = receiver.only();
  CHECK(seen.target == "/api/webhooks/123/secret-token?wait=true");
  CHECK(seen.header("Content-Type") == "application/json");
  const std::string body = rendered(n).body;
  Json expected = Json::parse(R"({
    "content": "⚡ Power outage on pve1",
    "embeds": [{
      "title": "⚡ Power outage on pve1",
      "description": "",
      "color": 15105570,
      "timestamp": "2026-11-25T20:31:02Z",
      "fields": [
        {"name": "Battery", "value": "100 %", "inline": true},
        {"name": "Runtime", "value": "30 min", "inline": true},
        {"name": "Load", "value": "29 %", "inline": true},
        {"name": "Input → Output", "value": "229.0 V → 228.4 V", "inline": true},
        {"name": "Power", "value": "137 VA", "inline": true},
        {"name": "Status", "value": "OB DISCHRG", "inline": true},
        {"name": "Model", "value": "Ellipse PRO 850", "inline": true}],
      "footer": {"text": "hidupsd"}}],
    "allowed_mentions": {"parse": []}})");
  expected["embeds"][0]["description"] = body;
  CHECK(seen.body == expected.dump());
  // The old message's seven values, in the words people read.
  for (const char* value :
       {"Model: Ellipse PRO 850", "Battery: 100 %", "runtime: 30 min", "Load: 29 %",
        "Input 229.0 V → Output 228.4 V", "Power: 137 VA", "Status: OB DISCHRG"})
    CHECK_MESSAGE(body.find(value) != std::string::npos, value);
}

TEST_CASE("discord: French field names, real power, critical colour") {
  Receiver receiver;
  CurlHttpClient http;
  SinkOptions options = quick();
  options.language = Language::Fr;
  DiscordSink sink({options, receiver.url("/hook")}, http);
  Notification n = outage(EventKind::LowBattery);
  n.event.snapshot.variables["ups.realpower"] = "120";
  CHECK(sink.deliver(n).result == R::Delivered);
  auto sent = Json::parse(receiver.only().body);
  CHECK(sent["embeds"][0]["color"] == 0xe74c3c);
  CHECK(sent["embeds"][0]["fields"][0]["name"] == "Batterie");
  CHECK(sent["embeds"][0]["fields"][5] ==
        Json::parse(R"({"name": "Puissance réelle", "value": "120 W", "inline": true})"));
}

TEST_CASE("discord: wait=true joins an existing query") {
  CHECK(DiscordSink::postUrl("https://d/api/webhooks/1/t") ==
        "https://d/api/webhooks/1/t?wait=true");
  CHECK(DiscordSink::postUrl("https://d/w?thread_id=7") == "https://d/w?thread_id=7&wait=true");
  CHECK(DiscordSink::postUrl("https://d/w?wait=false") == "https://d/w?wait=false");
}

TEST_CASE("discord: statuses as outcomes") {
  Receiver receiver;
  CurlHttpClient http;
  DiscordSink sink({quick(1, 500ms), receiver.url("/api/webhooks/9/tok")}, http);
  SUBCASE("429 with Discord's retry_after") {
    receiver.respond(429, R"({"message": "You are being rate limited.", "retry_after": 1.5})");
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.retryAfter == 1500ms);
  }
  SUBCASE("429 with only a Retry-After header") {
    receiver.respond(429, "slow down", {{"Retry-After", "3"}});
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.retryAfter == 3000ms);
  }
  SUBCASE("500") {
    receiver.respond(500);
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Retry);
    CHECK(d.detail == "HTTP 500");
  }
  SUBCASE("404") {
    receiver.respond(404, R"({"message": "Unknown Webhook", "code": 10015})");
    Delivery d = sink.deliver(outage());
    CHECK(d.result == R::Failed);
    CHECK(d.detail == "HTTP 404");
  }
  SUBCASE("a server that never answers") {
    receiver.hang();
    auto start = std::chrono::steady_clock::now();
    Delivery d = sink.deliver(outage());
    CHECK(std::chrono::steady_clock::now() - start < 2s);
    CHECK(d.result == R::Retry);
    CHECK(d.detail.find("tok") == std::string::npos);
  }
}

TEST_CASE("discord: long texts cut to Discord's limits, UTF-8 intact") {
  CHECK(truncateUtf8("aé€😀b", 5) == "aé€😀b");
  CHECK(truncateUtf8("aé€😀b", 4) == "aé€…");
  CHECK(truncateUtf8("😀😀", 1) == "…");
  CHECK(utf8Length("aé€😀") == 4);

  Receiver receiver;
  CurlHttpClient http;
  SinkOptions options = quick();
  std::string longBody;
  for (int i = 0; i < 5000; ++i)
    longBody += "é😀";
  options.templates[EventKind::OnBattery] = longBody;
  DiscordSink sink({options, receiver.url("/hook")}, http);
  Notification n = outage();
  n.host.clear();
  for (int i = 0; i < 2100; ++i)
    n.host += "ü";
  n.event.snapshot.variables["ups.model"] = std::string(1500, 'M');
  n.event.snapshot.variables["ups.status"] = std::string(1500, 'S');
  n.event.snapshot.variables["input.voltage"] = std::string(1500, '9');
  CHECK(sink.deliver(n).result == R::Delivered);

  const std::string raw = receiver.only().body;
  CHECK(raw.find("\xEF\xBF\xBD") == std::string::npos); // no sequence was broken
  auto sent = Json::parse(raw);
  auto length = [](const Json& j) { return utf8Length(j.get<std::string>()); };
  const Json& embed = sent["embeds"][0];
  CHECK(length(sent["content"]) == 2000);
  CHECK(length(embed["title"]) == 256);
  CHECK(length(embed["fields"][6]["value"]) == 1024);
  CHECK(embed["fields"][6]["value"].get<std::string>().ends_with("M…"));
  std::size_t total =
      length(embed["title"]) + length(embed["description"]) + length(embed["footer"]["text"]);
  for (const auto& f : embed["fields"])
    total += length(f["name"]) + length(f["value"]);
  CHECK(length(embed["description"]) < 4096); // gave way to the fields
  CHECK(total == 6000);
  CHECK(embed["description"].get<std::string>().ends_with("…"));
}

// ---- generic webhook, ntfy ---------------------------------------------------

TEST_CASE("webhook: the documented schema, extra headers, statuses") {
  Receiver receiver;
  CurlHttpClient http;
  WebhookSink sink({quick(2), receiver.url("/in/abc"), {{"X-Api-Key", "k3y"}}}, http);
  const Notification n = outage();
  CHECK(sink.deliver(n).result == R::Delivered);
  CHECK(sink.name() == "webhook #2");
  auto seen = receiver.only();
  CHECK(seen.target == "/in/abc");
  CHECK(seen.header("X-Api-Key") == "k3y");
  CHECK(seen.header("Content-Type") == "application/json");
  Json expected = Json::parse(R"({
    "event": "onbatt", "severity": "warning",
    "time": "2026-11-25T20:31:02Z", "unix_time": 1795638662,
    "host": "pve1", "reason": "on battery for 5 s",
    "message": {"title": "⚡ Power outage on pve1", "body": ""},
    "ups": {"battery.charge": "100", "battery.runtime": "1772", "input.voltage": "229.0",
            "output.voltage": "228.4", "ups.load": "29", "ups.model": "Ellipse PRO 850",
            "ups.power": "137", "ups.status": "OB DISCHRG"},
    "status": ["OB", "DISCHRG"]})");
  expected["message"]["body"] = rendered(n).body;
  CHECK(seen.body == expected.dump());

  receiver.respond(503);
  CHECK(sink.deliver(n).result == R::Retry);
  receiver.respond(400);
  CHECK(sink.deliver(n).result == R::Failed);
}

TEST_CASE("ntfy: topic URL, title, priority, tags, token") {
  Receiver receiver;
  CurlHttpClient http;
  NtfyOptions options{quick(), receiver.url("/"), "ups-pve1", "tk_secret", std::nullopt};
  SUBCASE("onbatt, with a token") {
    NtfySink sink(options, http);
    const Notification n = outage();
    CHECK(sink.deliver(n).result == R::Delivered);
    auto seen = receiver.only();
    CHECK(seen.target == "/ups-pve1");
    CHECK(seen.header("Title") == "⚡ Power outage on pve1");
    CHECK(seen.header("Priority") == "4");
    CHECK(seen.header("Tags") == "zap");
    CHECK(seen.header("Authorization") == "Bearer tk_secret");
    CHECK(seen.body == rendered(n).body);
  }
  SUBCASE("lowbatt is urgent; online is default") {
    NtfySink sink(options, http);
    sink.deliver(outage(EventKind::LowBattery));
    sink.deliver(outage(EventKind::Online));
    auto seen = receiver.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].header("Priority") == "5");
    CHECK(seen[0].header("Tags") == "rotating_light,battery");
    CHECK(seen[1].header("Priority") == "3");
    CHECK(seen[1].header("Tags") == "electric_plug");
  }
  SUBCASE("a configured priority, no token") {
    options.token.clear();
    options.priority = 2;
    NtfySink sink(options, http);
    sink.deliver(outage());
    auto seen = receiver.only();
    CHECK(seen.header("Priority") == "2");
    CHECK(seen.headers.count("Authorization") == 0);
  }
  SUBCASE("403") {
    receiver.respond(403);
    NtfySink sink(options, http);
    CHECK(sink.deliver(outage()).result == R::Failed);
  }
}

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
  options.common.templates[EventKind::OnBattery] = std::string(2000, 'x') + "\n.dot";
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
  options.common.templates[EventKind::OnBattery] = "first line\n.starts with a dot\n..two";
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
                         "UPS_REASON=on battery for 5 s\nUPS_TIME=2026-11-25T20:31:02Z\n"
                         "UPS_UPS_LOAD=29\nUPS_UPS_MODEL=Ellipse PRO 850\n"
                         "UPS_UPS_POWER=137\nUPS_UPS_STATUS=OB DISCHRG\n");
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

TEST_CASE("runProcess: output cap, signals") {
  const std::vector<std::string> env = {"PATH=/usr/bin:/bin"};
  ProcessResult r =
      runProcess({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}, env, {5s, 2s, 1000});
  CHECK(r.succeeded());
  CHECK(r.output == std::string(1000, 'x'));
  CHECK(r.truncated);
  r = runProcess({"/bin/sh", "-c", "kill -SEGV $$"}, env, {5s, 2s, 1000});
  CHECK(r.signaled);
  CHECK(r.termSignal == SIGSEGV);
  CHECK(ExecSink::variableName("ups.beeper-status") == "UPS_UPS_BEEPER_STATUS");
}

} // namespace
} // namespace hidupsd::notify
