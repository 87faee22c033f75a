// SPDX-License-Identifier: GPL-2.0-or-later
// Password hashes: yescrypt and SHA-512 verified, legacy and malformed hashes refused.
#include <doctest/doctest.h>

#include "lib/password.hpp"

using namespace hidupsd::lib;

TEST_CASE("a made hash verifies its password and no other") {
  const auto hash = hashPassword("correct horse");
  CHECK(hash.starts_with("$y$")); // yescrypt, Debian 12's default
  CHECK(passwordHashProblem(hash).empty());
  CHECK(verifyPassword("correct horse", hash));
  CHECK_FALSE(verifyPassword("correct horse ", hash));
  CHECK_FALSE(verifyPassword("", hash));
  CHECK(hashPassword("correct horse") != hash); // a fresh salt each time
}

TEST_CASE("SHA-512 as `openssl passwd -6 -salt saltsalt secret` writes it") {
  const std::string hash = "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8w"
                           "iOQSpT0Y77vwPZN.Pq.H91p5hVO1";
  CHECK(passwordHashProblem(hash).empty());
  CHECK(verifyPassword("secret", hash));
  CHECK_FALSE(verifyPassword("Secret", hash));
}

TEST_CASE("legacy, malformed and empty hashes are refused, and never verify") {
  CHECK(passwordHashProblem("").find("not a crypt(3) hash") != std::string::npos);
  CHECK(passwordHashProblem("hunter2").find("not a crypt(3) hash") != std::string::npos);
  CHECK(passwordHashProblem("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/").find("uses a legacy") !=
        std::string::npos); // MD5
  CHECK_FALSE(passwordHashProblem("$y$j9T$broken").empty());
  CHECK_FALSE(passwordHashProblem("$6$saltsalt$short").empty());
  CHECK_FALSE(verifyPassword("", ""));
  CHECK_FALSE(verifyPassword("x", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/"));
}
