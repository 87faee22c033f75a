// SPDX-License-Identifier: GPL-2.0-or-later
// nutconf::parse: NUT's parseconf rules, one row per rule, places of words and errors.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/nut_conf.hpp"

namespace {

using hidupsd::nutconf::parse;
using hidupsd::nutconf::render;

std::vector<std::string> texts(const hidupsd::nutconf::Line& line) {
  std::vector<std::string> out;
  for (const auto& w : line.words)
    out.push_back(w.text);
  return out;
}

/// The words of the only line of `text`.
std::vector<std::string> words(const std::string& text) {
  const auto file = parse(text);
  REQUIRE_MESSAGE(file.errors.empty(), file.errors.front().message);
  REQUIRE(file.lines.size() == 1);
  return texts(file.lines.front());
}

using V = std::vector<std::string>;

/// "[a|b|c]", for readable failures.
std::string joined(const V& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i == 0 ? "" : "|") + v[i];
  return out + "]";
}

} // namespace

TEST_CASE("words as NUT's parseconf splits them") {
  // The rows of parseconf.c's own table ("What it reads --> What ends up in each argument"),
  // then the rules its state machine has that the table does not show.
  const struct {
    const char* text;
    V expected;
  } rows[] = {
      {"this is a line\n", {"this", "is", "a", "line"}},
      {"this \"is also\" a line\n", {"this", "is also", "a", "line"}},
      {"embedded\\ space\n", {"embedded space"}},
      {"embedded\\\\backslash\n", {"embedded\\backslash"}},
      {"key = value\n", {"key", "=", "value"}},
      {"key=value\n", {"key", "=", "value"}},
      {"key =value\n", {"key", "=", "value"}},
      {"a==b\n", {"a", "=", "=", "b"}},
      {"desc=\"Web server\"\n", {"desc", "=", "Web server"}},
      {"a\"b\n", {"a\"b"}},             // a quote inside a word is a character
      {"\"a\"b\n", {"a", "b"}},         // a closing quote ends the word
      {"x \"\" y\n", {"x", "", "y"}},   // an empty quoted word is a word
      {"\"a\\\"b\\#c\"\n", {"a\"b#c"}}, // escapes inside quotes
      {"a # comment \"x\n", {"a"}},     // a comment ends the line, quotes and all
      {"a#comment\n", {"a"}},           // '#' ends a word
      {"\tindented\t=\ttabs\n", {"indented", "=", "tabs"}},
      {"LISTEN\\\n127.0.0.1\n", {"LISTEN127.0.0.1"}}, // backslash-newline joins, no space
      {"a \\\n b\n", {"a", "", "b"}},                 // NUT's empty word from "\<newline> "
      {"crlf = yes\r\n", {"crlf", "=", "yes"}},
      {"last line\n", {"last", "line"}},
      {"no newline at the end", {"no", "newline", "at", "the", "end"}},
  };
  for (const auto& row : rows) {
    const std::string text = row.text;
    CAPTURE(text);
    CHECK(joined(words(text)) == joined(row.expected));
  }
}

TEST_CASE("lines and columns name where each word starts") {
  const auto file = parse("# comment\n\n[eaton]\n\tdriver = usbhid-ups\n  desc = \"Salle\"\n"
                          "MONITOR a\\\nb\n");
  REQUIRE(file.lines.size() == 4);
  CHECK(file.lines[0].number == 3);
  CHECK(file.lines[1].number == 4);
  CHECK(file.lines[1].words[0].column == 2);
  CHECK(file.lines[1].words[2].column == 11);
  CHECK(file.lines[2].words[2] == hidupsd::nutconf::Word{"Salle", 10});
  CHECK(file.lines[3].number == 6);
  CHECK(texts(file.lines[3]) == V{"MONITOR", "ab"});
}

TEST_CASE("errors NUT reports name the line and column; the next line is read") {
  SUBCASE("'#' inside quotes") {
    const auto file = parse("a = 1\ndesc = \"room #2\"\nb = 2\n");
    REQUIRE(file.errors.size() == 1);
    CHECK(file.errors[0].line == 2);
    CHECK(file.errors[0].column == 14);
    CHECK(file.errors[0].message.find("write \\#") != std::string::npos);
    REQUIRE(file.lines.size() == 2);
    CHECK(texts(file.lines[1]) == V{"b", "=", "2"});
  }
  SUBCASE("a quote left open at the end of a line") {
    const auto file = parse("SHUTDOWNCMD \"/sbin/shutdown -h +0\nDEADTIME 15\n");
    REQUIRE(file.errors.size() == 1);
    CHECK(file.errors[0] == hidupsd::nutconf::Problem{
                                1, 13,
                                "the quote is not closed on this line (NUT would read on into the "
                                "next line): close it, or write \\\" for a quote character"});
    REQUIRE(file.lines.size() == 1);
    CHECK(texts(file.lines[0]) == V{"DEADTIME", "15"});
  }
  SUBCASE("a quote left open at the end of the file") {
    const auto file = parse("x = 1\nNOTIFYCMD \"/sbin/upssched");
    REQUIRE(file.errors.size() == 1);
    CHECK(file.errors[0].line == 2);
    CHECK(file.errors[0].column == 11);
    CHECK(file.lines.size() == 1);
  }
}

TEST_CASE("what NUT silently changes is kept as NUT has it, with a note") {
  SUBCASE("characters outside ' '..0x7f are dropped: UTF-8, a tab inside quotes") {
    const auto file = parse("desc = \"Onduleur \xc3\xa9t\xc3\xa9\"\nx = \"a\tb\"\n");
    REQUIRE(file.lines.size() == 2);
    CHECK(file.lines[0].words[2].text == "Onduleur t");
    CHECK(file.lines[1].words[2].text == "ab");
    REQUIRE(file.notes.size() == 2); // one per word
    CHECK(file.notes[0].line == 1);
    CHECK(file.notes[0].column == 18);
    CHECK(file.notes[0].message.find("0xc3") != std::string::npos);
  }
  SUBCASE("words are cut at 512 characters") {
    const auto file = parse("password = " + std::string(600, 'x') + "\n");
    CHECK(file.lines[0].words[2].text == std::string(512, 'x'));
    REQUIRE(file.notes.size() == 1);
    CHECK(file.notes[0].column == 12);
  }
  SUBCASE("words after the 32nd are dropped") {
    std::string line;
    for (int i = 0; i < 40; ++i)
      line += "w" + std::to_string(i) + " ";
    const auto file = parse(line + "\n");
    REQUIRE(file.lines[0].words.size() == 32);
    CHECK(file.lines[0].words.back().text == "w31");
    REQUIRE(file.notes.size() == 1);
  }
  SUBCASE("a one-word last line without a newline") {
    const auto file = parse("[eaton]\nignorelb");
    REQUIRE(file.lines.size() == 1);
    REQUIRE(file.notes.size() == 1);
    CHECK(file.notes[0].line == 2);
    CHECK(file.notes[0].message.find("'ignorelb' dropped") == 0);
  }
}

TEST_CASE("render quotes what needs quotes, and reads back the same") {
  const auto file = parse("MONITOR ups@h 1 \"my user\" \"p\\#a\\\"ss\" primary = \"\"\n");
  REQUIRE(file.lines.size() == 1);
  const std::string text = render(file.lines[0].words);
  CHECK(text == "MONITOR ups@h 1 \"my user\" \"p\\#a\\\"ss\" primary = \"\"");
  const auto again = parse(text + "\n");
  REQUIRE(again.lines.size() == 1);
  CHECK(texts(again.lines[0]) == texts(file.lines[0]));
}
