// SPDX-License-Identifier: GPL-2.0-or-later
// TestCertificate: `openssl req -x509` into a temp dir; `certutil -N/-A` for an NSS database.
#include "tests/support/tls_support.hpp"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/test_support.hpp"

namespace hidupsd::test {

namespace fs = std::filesystem;

namespace {

bool onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    if (fs::exists(fs::path(dirs.substr(start, end - start)) / program)) return true;
    start = end + 1;
  }
  return false;
}

void run(const std::vector<std::string>& argv) {
  const auto r = runProcess(argv);
  if (r.status != 0) throw std::runtime_error(argv[0] + " failed: " + r.err + r.out);
}

} // namespace

TestCertificate::TestCertificate(const std::string& name, int days) {
  char pattern[] = "/tmp/hidupsd-tls-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::vector<std::string> argv{"openssl",
                                "req",
                                "-x509",
                                "-newkey",
                                "ec",
                                "-pkeyopt",
                                "ec_paramgen_curve:P-256",
                                "-nodes",
                                "-keyout",
                                key().string(),
                                "-out",
                                certificate().string(),
                                "-subj",
                                "/CN=" + name,
                                "-addext",
                                "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"};
  argv.insert(argv.end(), {"-days", std::to_string(std::max(days, 1))});
  run(argv);
  if (days <= 0) {
    // openssl 3.0's req takes no -days 0 nor a date: the certificate is signed again by x509,
    // valid for 0 days (notAfter = now), and that moment waited past.
    const auto fresh = (dir_ / "fresh.pem").string();
    fs::rename(certificate(), fresh);
    run({"openssl", "x509", "-in", fresh, "-signkey", key().string(), "-days", "0", "-out",
         certificate().string()});
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  }
  fs::permissions(key(), fs::perms::owner_read | fs::perms::owner_write);
}

TestCertificate::~TestCertificate() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string TestCertificate::keyText() const { return readFile(key()); }

fs::path TestCertificate::nssDatabase() const {
  const auto db = dir_ / "nss";
  if (fs::exists(db / "cert9.db")) return db;
  fs::create_directories(db);
  run({"certutil", "-N", "-d", "sql:" + db.string(), "--empty-password"});
  run({"certutil", "-A", "-d", "sql:" + db.string(), "-n", "hidupsd", "-t", "P,,", "-i",
       certificate().string()});
  return db;
}

std::string TestCertificate::unavailable() {
  return onPath("openssl") ? "" : "openssl (package openssl) is not installed";
}

std::string TestCertificate::nssUnavailable() {
  return onPath("certutil") ? "" : "certutil (package libnss3-tools) is not installed";
}

} // namespace hidupsd::test
