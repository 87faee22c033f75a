// SPDX-License-Identifier: GPL-2.0-or-later
// nutconf::parse: a NUT configuration file split into lines of words, as NUT's parseconf does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::nutconf {

/// One word of a line.
struct Word {
  std::string text;
  std::uint32_t column = 0; ///< 1-based, of its first character (an opening quote for "a b")
  bool operator==(const Word&) const = default;
};

/// One logical line: backslash-newline joins physical lines, as in NUT.
struct Line {
  std::uint32_t number = 0; ///< 1-based physical line of its first word
  std::vector<Word> words;  ///< never empty
};

/// A place in the file and what is wrong there (or what NUT silently changed there).
struct Problem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
  bool operator==(const Problem&) const = default;
};

struct File {
  std::vector<Line> lines;
  /// Lines NUT reports as parse errors and skips ("Parse error on ups.conf line N"), and
  /// quotes left open at the end of a line (NUT would read on into the next line).
  std::vector<Problem> errors;
  /// What NUT's parser changes without refusing the line: characters outside ' '..0x7f
  /// dropped (a tab inside quotes, UTF-8), words cut at 512 characters, words past the
  /// 32nd dropped, a one-word last line without a newline dropped.
  std::vector<Problem> notes;
};

/// Splits `text` as NUT 2.8's common/parseconf.c does (the parser of ups.conf, upsd.conf,
/// upsd.users, upsmon.conf and upssched.conf):
/// - words are separated by white space; `#` outside quotes starts a comment;
/// - `"a b"` is one word; inside quotes `\` takes the next character as it is and an
///   unescaped `#` is an error;
/// - outside quotes `\` takes the next character as it is (`\ ` is a space in a word,
///   `\` + newline joins the next line on, without a space);
/// - `=` outside quotes is a word of its own (`a=b` is three words);
/// - a `"` inside an unquoted word is an ordinary character.
/// Pure; never throws but std::bad_alloc.
File parse(std::string_view text);

/// The words joined by spaces, each quoted as NUT would read it back when it holds white
/// space, a quote, '#', '\' or '=', or is empty.
std::string render(const std::vector<Word>& words);

} // namespace hidupsd::nutconf
