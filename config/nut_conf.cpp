// SPDX-License-Identifier: GPL-2.0-or-later
// nutconf::parse: NUT's parseconf state machine (common/parseconf.c, NUT 2.8.0), with places.
#include "config/nut_conf.hpp"

#include <fmt/format.h>

namespace hidupsd::nutconf {

namespace {

// NUT's limits (include/parseconf.h: PCONF_DEFAULT_ARG_LIMIT, PCONF_DEFAULT_WORDLEN_LIMIT).
constexpr std::size_t kArgLimit = 32;
constexpr std::size_t kWordLimit = 512;

/// isspace() in the C locale.
bool isSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/// The state machine, one member per state of parseconf.c. Each step takes one character.
class Tokenizer {
public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  File run() {
    for (pos_ = 0; pos_ < text_.size(); ++pos_) {
      step(text_[pos_]);
      advancePlace(text_[pos_]);
    }
    atEnd();
    return std::move(file_);
  }

private:
  enum class State : std::uint8_t { WordStart, Comment, Quoted, QuotedLiteral, Word, Literal };

  void step(char c) {
    switch (state_) {
    case State::WordStart: wordStart(c); break;
    case State::Comment:
      if (c == '\n') endLine();
      break;
    case State::Quoted: quoted(c); break;
    case State::QuotedLiteral:
      // NUT: a backslash-newline inside quotes goes on with the next line.
      if (c != '\n') add(c);
      state_ = State::Quoted;
      break;
    case State::Word: word(c); break;
    case State::Literal:
      if (c != '\n') add(c);
      state_ = State::Word;
      break;
    }
  }

  void wordStart(char c) {
    if (c == '\n') return endLine();
    if (c == '#') {
      state_ = State::Comment;
    } else if (isSpace(c)) {
      return;
    } else if (c == '\\') {
      begin();
      state_ = State::Literal;
    } else if (c == '"') {
      begin();
      quoteLine_ = line_;
      state_ = State::Quoted;
    } else if (c == '=') {
      begin();
      add(c);
      endWord();
      state_ = State::WordStart;
    } else {
      begin();
      add(c);
      state_ = State::Word;
    }
  }

  void word(char c) {
    if (c == '#') {
      endWord();
      state_ = State::Comment;
    } else if (c == '\n') {
      endWord();
      endLine();
    } else if (isSpace(c)) {
      endWord();
      state_ = State::WordStart;
    } else if (c == '=') {
      endWord();
      wordStart(c);
    } else if (c == '\\') {
      state_ = State::Literal;
    } else {
      add(c);
    }
  }

  void quoted(char c) {
    if (c == '#') {
      fail(line_, column_,
           "'#' inside quotes: write \\# (NUT: \"Unbalanced word due to unescaped # in "
           "quotes\")");
    } else if (c == '\n') {
      fail(quoteLine_, wordColumn_,
           "the quote is not closed on this line (NUT would read on into the next "
           "line): close it, or write \\\" for a quote character");
    } else if (c == '"') {
      endWord();
      state_ = State::WordStart;
    } else if (c == '\\') {
      state_ = State::QuotedLiteral;
    } else {
      add(c);
    }
  }

  void begin() {
    word_.clear();
    cut_ = false;
    strange_ = false;
    wordColumn_ = column_;
    if (words_.empty()) firstLine_ = line_;
  }

  void add(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7f) {
      if (!strange_)
        note(column_, fmt::format("character 0x{:02x} dropped (and any other outside ' '..0x7f "
                                  "in this word), as NUT's parser drops them",
                                  u));
      strange_ = true;
    } else if (word_.size() >= kWordLimit) {
      if (!cut_)
        note(wordColumn_, fmt::format("word cut at {} characters, as NUT cuts it", kWordLimit));
      cut_ = true;
    } else {
      word_ += c;
    }
  }

  void endWord() {
    if (words_.size() < kArgLimit) {
      words_.push_back({word_, wordColumn_});
    } else if (!dropped_) {
      note(wordColumn_, fmt::format("words after the {}th dropped, as NUT drops them", kArgLimit));
      dropped_ = true;
    }
    word_.clear();
  }

  void endLine() {
    if (!words_.empty()) file_.lines.push_back({firstLine_, std::move(words_)});
    words_.clear();
    dropped_ = false;
    state_ = State::WordStart;
  }

  /// The line is given up: NUT reports it and skips it; so is the rest of the physical line.
  void fail(std::uint32_t line, std::uint32_t column, std::string why) {
    file_.errors.push_back({line, column, std::move(why)});
    words_.clear();
    word_.clear();
    dropped_ = false;
    state_ = pos_ < text_.size() && text_[pos_] == '\n' ? State::WordStart : State::Comment;
  }

  void note(std::uint32_t column, std::string what) {
    file_.notes.push_back({line_, column, std::move(what)});
  }

  /// parseconf's end of file: a word in progress ends the line, but only when the line
  /// already has a word (pconf_file_next returns 0 with numargs == 0).
  void atEnd() {
    if (state_ == State::Quoted || state_ == State::QuotedLiteral)
      return fail(quoteLine_, wordColumn_, "the quote is not closed at the end of the file");
    if (!word_.empty() && words_.empty()) {
      note(wordColumn_, fmt::format("'{}' dropped: NUT ignores a one-word last line that has no "
                                    "newline after it",
                                    word_));
      return;
    }
    if (!word_.empty()) endWord();
    endLine();
  }

  void advancePlace(char c) {
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  File file_;
  State state_ = State::WordStart;
  std::vector<Word> words_;
  std::string word_;
  bool cut_ = false;     ///< this word reached kWordLimit
  bool strange_ = false; ///< a character of this word was dropped
  bool dropped_ = false; ///< this line reached kArgLimit
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 1;
  std::uint32_t wordColumn_ = 1;
  std::uint32_t firstLine_ = 1;
  std::uint32_t quoteLine_ = 1;
};

bool needsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (const char c : s)
    if (isSpace(c) || c == '"' || c == '#' || c == '\\' || c == '=') return true;
  return false;
}

} // namespace

File parse(std::string_view text) { return Tokenizer(text).run(); }

std::string render(const std::vector<Word>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    if (w.text == "=" || !needsQuotes(w.text)) {
      out += w.text;
      continue;
    }
    out += '"';
    for (const char c : w.text) {
      if (c == '"' || c == '\\' || c == '#') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

} // namespace hidupsd::nutconf
