// SPDX-License-Identifier: GPL-2.0-or-later
// Password hashes as crypt(3) writes them (libxcrypt): check, verify, make.
#include "lib/password.hpp"

#include <crypt.h>

#include <memory>
#include <stdexcept>

namespace hidupsd::lib {

namespace {

/// crypt_r's state is ~32 KiB: on the heap, zeroed (its "initialized" field must be 0).
std::unique_ptr<crypt_data> cryptData() { return std::make_unique<crypt_data>(); }

bool sameBytes(std::string_view a, std::string_view b) noexcept {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const auto n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

} // namespace

std::string passwordHashProblem(std::string_view hash) {
  const std::string text(hash);
  if (text.empty() || text.front() != '$')
    return "is not a crypt(3) hash (make one with `mkpasswd` from the whois package, or "
           "`openssl passwd -6`)";
  switch (crypt_checksalt(text.c_str())) {
  case CRYPT_SALT_OK: break;
  case CRYPT_SALT_METHOD_LEGACY:
    return "uses a legacy method (DES, MD5…) anyone can crack: use yescrypt (`mkpasswd`) or "
           "SHA-512 (`openssl passwd -6`)";
  default: return "is not a crypt(3) hash this system can verify";
  }
  auto data = cryptData();
  const char* out = crypt_r("", text.c_str(), data.get());
  if (out == nullptr || out[0] == '*') return "is not a crypt(3) hash this system can verify";
  if (std::string_view(out).size() != text.size()) return "is a crypt(3) hash of a wrong length";
  return {};
}

bool verifyPassword(const std::string& password, const std::string& hash) {
  if (!passwordHashProblem(hash).empty()) return false;
  auto data = cryptData();
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  return out != nullptr && out[0] != '*' && sameBytes(out, hash);
}

std::string hashPassword(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(nullptr, 0, nullptr, 0, setting, sizeof setting) == nullptr)
    throw std::runtime_error("libxcrypt cannot make a salt");
  auto data = cryptData();
  const char* out = crypt_r(password.c_str(), setting, data.get());
  if (out == nullptr || out[0] == '*') throw std::runtime_error("libxcrypt cannot hash");
  return out;
}

} // namespace hidupsd::lib
