// SPDX-License-Identifier: GPL-2.0-or-later
// Password hashes as crypt(3) writes them (libxcrypt): check, verify, make.
#pragma once

#include <string>
#include <string_view>

namespace hidupsd::lib {

/// "" when `hash` is a crypt(3) hash this system verifies and still recommends (yescrypt
/// "$y$…" as `mkpasswd` makes it, SHA-512 "$6$…" as `openssl passwd -6` does, bcrypt
/// "$2b$…"), else why not, to follow the key's name ("is not a crypt(3) hash (…)", "uses a
/// legacy method …").
std::string passwordHashProblem(std::string_view hash);

/// Whether `password` hashes to `hash` (crypt_r; the outputs compared in constant time).
/// False for any hash passwordHashProblem refuses. Costs what the hash's method costs (tens of
/// milliseconds for yescrypt: callers rate-limit). Thread-safe.
bool verifyPassword(const std::string& password, const std::string& hash);

/// A new hash of `password` with the system's preferred method (yescrypt on Debian 12) and a
/// random salt. Throws std::runtime_error when libxcrypt cannot make one.
std::string hashPassword(const std::string& password);

} // namespace hidupsd::lib
