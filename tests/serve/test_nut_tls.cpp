// SPDX-License-Identifier: GPL-2.0-or-later
// STARTTLS on the NUT server: a Python ssl client that verifies the certificate, and what a
// hostile client does after STARTTLS (nothing, garbage, injected requests), on 127.0.0.1/::1.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "serve/nut_server.hpp"
#include "serve/tls_context.hpp"
#include "tests/serve/test_nut_support.hpp"
#include "tests/serve/test_raw_connection.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_support.hpp"

using namespace hidupsd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace t = hidupsd::test;

namespace {

fs::path clientScript() {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  REQUIRE(root != nullptr);
  return fs::path(root) / "tests" / "serve" / "nut_tls_client.py";
}

struct Fixture {
  t::TestCertificate cert;
  t::FakeUpsBackend backend;
  t::LogCapture logs;
  std::unique_ptr<serve::NutServer> server;

  explicit Fixture(bool requireTls = false, std::string host = "127.0.0.1") {
    serve::NutServerOptions o;
    o.host = std::move(host);
    o.port = 0;
    o.firstLineTimeout = 1000ms; // the handshake's bound too
    o.service = {"ups", "test UPS", "0.1.0", t::testUsers()};
    o.service.requireTls = requireTls;
    o.clearOnThisHost = false; // every client here is on 127.0.0.1 or ::1
    o.tls = std::make_shared<serve::TlsContext>(cert.certificate().string(), cert.keyText(),
                                                cert.key().string());
    server = std::make_unique<serve::NutServer>(o, backend);
    server->start();
  }
  t::ProcessResult python(const std::string& host, const fs::path& ca,
                          std::vector<std::string> requests, bool pipelined = false) const {
    std::vector<std::string> argv{"python3", clientScript().string()};
    if (pipelined) argv.emplace_back("--pipelined");
    argv.insert(argv.end(), {host, std::to_string(server->port()), ca.string()});
    argv.insert(argv.end(), requests.begin(), requests.end());
    return t::runProcess(argv);
  }
  bool logged(const std::string& text) const {
    for (const auto& l : logs.lines())
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

/// After "OK STARTTLS": the rest of the exchange is the test's.
t::RawConnection startTls(const serve::NutServer& server) {
  t::RawConnection c(server.port());
  c.send("STARTTLS\n");
  REQUIRE(c.receive(1) == "OK STARTTLS\n");
  return c;
}

} // namespace

TEST_CASE("STARTTLS: a Python ssl client verifies the certificate and reads the UPS") {
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  Fixture f;
  const auto r = f.python("127.0.0.1", f.cert.certificate(),
                          {"LIST UPS", "GET VAR ups ups.status", "STARTTLS", "USERNAME monsec",
                           "PASSWORD secpass", "LOGIN ups", "LOGOUT"});
  CHECK_MESSAGE(r.status == 0, r.err);
  CHECK(r.out == "TLS TLSv1.3\n"
                 "BEGIN LIST UPS\n"
                 "UPS ups \"test UPS\"\n"
                 "END LIST UPS\n"
                 "VAR ups ups.status \"OL\"\n"
                 "ERR ALREADY-SSL-MODE\n"
                 "OK\nOK\nOK\n"
                 "OK Goodbye\n");
  CHECK(f.server->tlsFailureCount() == 0);
}

TEST_CASE("over TLS: 1000 pipelined requests all answered, an over-long line refused alone") {
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  Fixture f;
  // 23 KB of requests in one write: more than one read of 4 KB, so the server must read what
  // OpenSSL holds decrypted without waiting for poll(). The line limit (512) applies to the
  // decrypted lines.
  std::vector<std::string> requests(1000, "GET VAR ups ups.status");
  requests[500] = "GET VAR ups " + std::string(20000, 'x');
  const auto r = f.python("127.0.0.1", f.cert.certificate(), requests, true);
  CHECK_MESSAGE(r.status == 0, r.err);
  std::string expected = "TLS TLSv1.3\n";
  for (int i = 0; i < 1000; ++i)
    expected += i == 500 ? "ERR TOO-LONG\n" : "VAR ups ups.status \"OL\"\n";
  CHECK(r.out == expected);
  CHECK(f.server->tlsFailureCount() == 0);
}

TEST_CASE("STARTTLS on ::1, and a client that does not trust the certificate") {
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  std::unique_ptr<Fixture> f;
  try {
    f = std::make_unique<Fixture>(false, "::1");
  } catch (const std::system_error& e) {
    MESSAGE("skipped: no IPv6 loopback here (" << e.what() << ")");
    return;
  }
  const auto ok = f->python("::1", f->cert.certificate(), {"GET VAR ups ups.status"});
  CHECK_MESSAGE(ok.status == 0, ok.err);
  CHECK(ok.out == "TLS TLSv1.3\nVAR ups ups.status \"OL\"\n");

  const t::TestCertificate other("someone-else");
  const auto refused = f->python("::1", other.certificate(), {"GET VAR ups ups.status"});
  CHECK(refused.status == 2);
  CHECK(refused.err.find("certificate refused") != std::string::npos);
  CHECK(refused.out.find("VAR") == std::string::npos);
  CHECK(t::eventually([&] { return f->server->tlsFailureCount() == 1; }));
  CHECK(f->logged("the TLS handshake failed"));
}

TEST_CASE("a client that stalls after STARTTLS is closed within the first-line bound") {
  Fixture f;
  auto c = startTls(*f.server);
  const auto start = std::chrono::steady_clock::now();
  CHECK(c.closedSilently()); // RawConnection waits up to 3 s; the bound is 1 s
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 900ms);
  CHECK(t::eventually([&] { return f.server->tlsFailureCount() == 1; }));
  CHECK(f.logged("the TLS handshake did not end within 1000 ms"));
  CHECK(t::eventually([&] { return f.server->clientCount() == 0; }));
}

TEST_CASE("clear text after STARTTLS is a failed handshake: closed, counted, nothing answered") {
  Fixture f;
  auto c = startTls(*f.server);
  c.send("GET VAR ups ups.status\nLIST UPS\n");
  const auto rest = c.receive(1);
  CHECK(rest.find("VAR") == std::string::npos);
  CHECK(rest.find("UPS") == std::string::npos);
  CHECK(rest.ends_with("<closed>")); // at most a TLS alert before the close
  CHECK(t::eventually([&] { return f.server->tlsFailureCount() == 1; }));
  CHECK(f.logged("the TLS handshake failed"));
  // The server goes on serving.
  t::RawConnection next(f.server->port());
  next.send("VER\n");
  CHECK(next.receive(1).starts_with("hidupsd"));
}

TEST_CASE("requests pipelined after STARTTLS are never answered (STARTTLS injection)") {
  Fixture f;
  t::RawConnection c(f.server->port());
  c.send("STARTTLS\nUSERNAME admin\nPASSWORD adminpass\nINSTCMD ups load.off\n");
  CHECK(c.closedSilently()); // not even "OK STARTTLS"
  CHECK(t::eventually([&] { return f.server->tlsFailureCount() == 1; }));
  CHECK(f.logged("bytes came after STARTTLS, before the TLS handshake"));
  CHECK(f.backend.instantCalls().empty());
  // Lines before STARTTLS are answered in clear as always; STARTTLS alone in its read is fine.
  t::RawConnection d(f.server->port());
  d.send("VER\nSTARTTLS\n");
  CHECK(d.receive(2).ends_with("OK STARTTLS\n"));
}

TEST_CASE("require_tls: nothing is read or logged into in clear, STARTTLS still works") {
  Fixture f(true);
  t::RawConnection c(f.server->port());
  c.send("VER\n");
  CHECK(c.receive(1).starts_with("hidupsd"));
  for (const std::string request : {"USERNAME monsec", "PASSWORD secpass", "LOGIN ups",
                                    "GET VAR ups ups.status", "LIST UPS", "INSTCMD ups x"}) {
    c.send(request + "\n");
    CHECK_MESSAGE(c.receive(1) == "ERR ACCESS-DENIED\n", request);
  }
  CHECK(f.server->loginCount() == 0);
  CHECK(f.logged("refused a request in clear from 127.0.0.1 (require_tls: STARTTLS first)"));
  CHECK_FALSE(f.logged("secpass"));
  if (const auto why = t::TestCertificate::unavailable(); !why.empty()) return;
  const auto r = f.python("127.0.0.1", f.cert.certificate(),
                          {"USERNAME monsec", "PASSWORD secpass", "LOGIN ups", "LOGOUT"});
  CHECK_MESSAGE(r.status == 0, r.err);
  CHECK(r.out == "TLS TLSv1.3\nOK\nOK\nOK\nOK Goodbye\n");
}

TEST_CASE("require_tls spares clients on this host by default (hidupsd --status, --command)") {
  t::TestCertificate cert;
  t::FakeUpsBackend backend;
  serve::NutServerOptions o;
  o.port = 0;
  o.service = {"ups", "test UPS", "0.1.0", t::testUsers()};
  o.service.requireTls = true;
  o.tls = std::make_shared<serve::TlsContext>(cert.certificate().string(), cert.keyText(),
                                              cert.key().string());
  serve::NutServer server(o, backend);
  server.start();
  t::RawConnection c(server.port());
  c.send("USERNAME monsec\nPASSWORD secpass\nLOGIN ups\nGET VAR ups ups.status\n");
  CHECK(c.receive(4) == "OK\nOK\nOK\nVAR ups ups.status \"OL\"\n");
}

TEST_CASE("TlsContext says what is wrong with a certificate and a key") {
  const t::TestCertificate a("a"), b("b");
  const auto cert = a.certificate().string();
  CHECK_THROWS_WITH_AS(serve::TlsContext("/nonexistent/cert.pem", a.keyText(), "/k"),
                       "certificate /nonexistent/cert.pem: cannot open: No such file or directory",
                       serve::TlsError);
  const std::string mismatch = "key /b/key.pem is not the key of certificate " + cert;
  CHECK_THROWS_WITH_AS(serve::TlsContext(cert, b.keyText(), "/b/key.pem"),
                       doctest::Contains(mismatch.c_str()), serve::TlsError);
  CHECK_THROWS_WITH_AS(serve::TlsContext(cert, "not a key\n", "/k"),
                       doctest::Contains("key /k: not a PEM private key"), serve::TlsError);
  CHECK_THROWS_WITH_AS(serve::TlsContext(a.key().string(), a.keyText(), "/k"),
                       doctest::Contains("not a PEM certificate"), serve::TlsError);
  const serve::TlsContext good(cert, a.keyText(), a.key().string());
  CHECK(good.certificate().subject == "CN=a");
  CHECK_FALSE(good.certificate().expired);
  CHECK(good.certificate().expiresSoon); // 2 days
  const t::TestCertificate old("old", 0);
  const serve::TlsContext expired(old.certificate().string(), old.keyText(), "/k");
  CHECK(expired.certificate().expired);
}
