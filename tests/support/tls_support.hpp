// SPDX-License-Identifier: GPL-2.0-or-later
// TestCertificate: a self-signed certificate and key made at test time with `openssl req`,
// and an NSS database (certutil) trusting it, for upsmon's CERTPATH. No key is committed.
#pragma once

#include <filesystem>
#include <string>

namespace hidupsd::test {

/// A temp dir holding cert.pem and key.pem (mode 0600): EC P-256, subject CN=`name`,
/// subjectAltName IP:127.0.0.1, IP:::1, DNS:localhost. Removed on destruction.
class TestCertificate {
public:
  /// `days` 0: a certificate that has just expired (valid for 0 days; the constructor waits
  /// a second). Throws std::runtime_error
  /// naming what failed.
  explicit TestCertificate(const std::string& name = "hidupsd-test", int days = 2);
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path certificate() const { return dir_ / "cert.pem"; }
  std::filesystem::path key() const { return dir_ / "key.pem"; }
  std::string keyText() const;
  /// An NSS database (dir()/nss, cert9.db) trusting this certificate as a peer ("P,,"), as
  /// an admin makes one for upsmon's CERTPATH. Throws std::runtime_error without certutil.
  std::filesystem::path nssDatabase() const;

  /// Why the tools are missing ("" when `openssl` is there).
  static std::string unavailable();
  /// Likewise for certutil (package libnss3-tools).
  static std::string nssUnavailable();

private:
  std::filesystem::path dir_;
};

} // namespace hidupsd::test
