// SPDX-License-Identifier: GPL-2.0-or-later
// The NUT tokenizer, escaping, rights and descriptions, against upsd's parseconf behaviour.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "serve/nut_descriptions.hpp"
#include "serve/nut_protocol.hpp"
#include "tests/serve/test_nut_support.hpp"

using namespace hidupsd::serve;
using Words = std::vector<std::string>;

namespace {

struct SplitCase {
  const char* line;
  Words words;
};

// What upsd's parseconf makes of each line (common/parseconf.c's state machine).
const SplitCase kSplitCases[] = {
    {"", {}},
    {"   \t ", {}},
    {"VER", {"VER"}},
    {"GET VAR ups ups.status", {"GET", "VAR", "ups", "ups.status"}},
    {"  LIST\tVAR   ups  ", {"LIST", "VAR", "ups"}},
    {"GET VAR ups ups.status\r", {"GET", "VAR", "ups", "ups.status"}},
    {R"(SET VAR ups ups.id "two words")", {"SET", "VAR", "ups", "ups.id", "two words"}},
    {R"(SET VAR ups ups.id "")", {"SET", "VAR", "ups", "ups.id", ""}},
    {R"(PASSWORD "a \"quoted\" one")", {"PASSWORD", R"(a "quoted" one)"}},
    {R"(PASSWORD "back\\slash")", {"PASSWORD", R"(back\slash)"}},
    {R"(PASSWORD back\ slash\"x)", {"PASSWORD", R"(back slash"x)"}},
    {R"(PASSWORD "hash#inside")", {"PASSWORD", "hash#inside"}},
    {"PASSWORD hash#comment rest", {"PASSWORD", "hash"}},
    {"PASSWORD # all comment", {"PASSWORD"}},
    {R"(PASSWORD \#escaped)", {"PASSWORD", "#escaped"}},
    {"a=b", {"a", "=", "b"}},
    {"=x", {"=", "x"}},
    {R"("a=b")", {"a=b"}},
    {R"(PASSWORD "open quote)", {"PASSWORD", "open quote"}},
    {R"(PASSWORD "")", {"PASSWORD", ""}},
    {"x\x01y", {"xy"}},
    {"x \x01 y", {"x", "", "y"}},          // a word of dropped characters is still a word
    {"x \"in\tquote\"", {"x", "inquote"}}, // control characters vanish inside quotes too
    {"caf\xc3\xa9", {"caf"}},
    {R"(ab"cd")", {"ab\"cd\""}}, // a quote inside a word is an ordinary character
};

} // namespace

TEST_CASE("splitWords follows upsd's parseconf") {
  for (const auto& c : kSplitCases) {
    CAPTURE(c.line);
    CHECK(splitWords(c.line) == c.words);
  }
}

TEST_CASE("splitWords cuts words at 512 characters and keeps 32 words, as upsd") {
  const std::string longWord(600, 'x');
  const auto words = splitWords("PASSWORD " + longWord);
  REQUIRE(words.size() == 2);
  CHECK(words[1] == std::string(kMaxWordLength, 'x'));

  std::string many;
  for (int i = 0; i < 40; ++i)
    many += "w" + std::to_string(i) + " ";
  const auto kept = splitWords(many);
  REQUIRE(kept.size() == kMaxWords);
  CHECK(kept.back() == "w31");
}

TEST_CASE("escapeValue round-trips every printable string through a quoted word") {
  const std::vector<std::string> values = {
      "",      "plain",         "two words", R"(quote " in)",         R"(back \ slash)",
      "#hash", R"(\"mixed\"#)", "=",         "trailing backslash \\", "tab-less ~!@$%^&*()",
  };
  for (const auto& v : values) {
    CAPTURE(v);
    const auto words = splitWords("VAR ups x \"" + escapeValue(v) + "\"");
    REQUIRE(words.size() == 4);
    CHECK(words[3] == v);
  }
  CHECK(escapeValue(R"(a"b\c#d)") == R"(a\"b\\c\#d)");
}

TEST_CASE("equalsIgnoreCase compares ASCII case-insensitively") {
  CHECK(equalsIgnoreCase("UPS", "ups"));
  CHECK(equalsIgnoreCase("", ""));
  CHECK_FALSE(equalsIgnoreCase("ups", "ups2"));
  CHECK_FALSE(equalsIgnoreCase("ups", "upt"));
}

TEST_CASE("checkRight decides as upsd's user_checkaction") {
  const auto users = hidupsd::test::testUsers();
  const std::string sec = "monsec", secPass = "secpass", pri = "monpri", priPass = "pripass";
  const std::string admin = "admin", adminPass = "adminpass", bad = "wrong", nobody = "nobody";

  CHECK(checkRight(users, &sec, &secPass, NutAction::Login) == NutDenial::None);
  CHECK(checkRight(users, &sec, &secPass, NutAction::Primary) == NutDenial::NoRight);
  CHECK(checkRight(users, &sec, &secPass, NutAction::Fsd) == NutDenial::NoRight);
  // "upsmon primary" = login, primary and fsd.
  CHECK(checkRight(users, &pri, &priPass, NutAction::Login) == NutDenial::None);
  CHECK(checkRight(users, &pri, &priPass, NutAction::Primary) == NutDenial::None);
  CHECK(checkRight(users, &pri, &priPass, NutAction::Fsd) == NutDenial::None);
  CHECK(checkRight(users, &pri, &priPass, NutAction::InstCmd) == NutDenial::NoRight);
  // An admin (actions = SET FSD, instcmds = ALL) is no upsmon: no LOGIN.
  CHECK(checkRight(users, &admin, &adminPass, NutAction::Login) == NutDenial::NoRight);
  CHECK(checkRight(users, &admin, &adminPass, NutAction::Set) == NutDenial::None);
  CHECK(checkRight(users, &admin, &adminPass, NutAction::InstCmd) == NutDenial::None);
  CHECK(checkRight(users, &admin, &adminPass, NutAction::Fsd) == NutDenial::None);

  CHECK(checkRight(users, &admin, &bad, NutAction::Set) == NutDenial::WrongPassword);
  CHECK(checkRight(users, &nobody, &bad, NutAction::Login) == NutDenial::UnknownUser);
  CHECK(checkRight(users, nullptr, &bad, NutAction::Login) == NutDenial::NoCredentials);
  CHECK(checkRight(users, &sec, nullptr, NutAction::Login) == NutDenial::NoCredentials);
  const std::string upper = "MONSEC"; // user names are case-sensitive (strcmp)
  CHECK(checkRight(users, &upper, &secPass, NutAction::Login) == NutDenial::UnknownUser);
  CHECK(nameOf(NutDenial::WrongPassword) == "wrong password");
  CHECK(nameOf(NutAction::InstCmd) == "INSTCMD");
}

TEST_CASE("NutLoginRegistry counts one entry per login") {
  NutLoginRegistry registry;
  registry.add("127.0.0.1");
  registry.add("::1");
  registry.add("127.0.0.1");
  CHECK(registry.count() == 3);
  registry.remove("127.0.0.1");
  CHECK(registry.addresses() == Words{"::1", "127.0.0.1"});
  registry.remove("10.0.0.1");
  CHECK(registry.count() == 2);
}

TEST_CASE("descriptions use cmdvartab's words, case-insensitively") {
  CHECK(variableDescription("battery.charge") == "Battery charge (percent of full)");
  CHECK(variableDescription("UPS.STATUS") == "UPS status");
  CHECK(variableDescription("ups.delay.shutdown") ==
        "Interval to wait after shutdown with delay command (seconds)");
  CHECK_FALSE(variableDescription("no.such.variable").has_value());
  CHECK(commandDescription("beeper.disable") == "Disable the UPS beeper");
  CHECK(commandDescription("shutdown.return") == "Turn off the load and return when power is back");
  CHECK_FALSE(commandDescription("no.such.command").has_value());
}
