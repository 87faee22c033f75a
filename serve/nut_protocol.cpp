// SPDX-License-Identifier: GPL-2.0-or-later
// upsd's request tokenizer (a port of parseconf's state machine), value escaping and rights.
#include "serve/nut_protocol.hpp"

#include "serve/nut_guard.hpp"

#include <algorithm>

namespace hidupsd::serve {
namespace {

/// parseconf's isspace() in the C locale.
bool isSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// parseconf's state machine (common/parseconf.c), one member per state. A word "in
/// progress" is tracked apart from its text: a word of dropped characters is still a word
/// when white space ends it, as in parseconf.
class WordSplitter {
public:
  std::vector<std::string> run(std::string_view line) {
    for (char c : line)
      state_ = step(c);
    // parseconf's pconf_line ties off a word that still has characters.
    if (!word_.empty()) endWord();
    return std::move(words_);
  }

private:
  enum class State : std::uint8_t { Between, Word, WordEscape, Quoted, QuotedEscape, Comment };

  State step(char c) {
    switch (state_) {
    case State::Between: return between(c);
    case State::Word: return inWord(c);
    case State::WordEscape: return wordEscape(c);
    case State::Quoted: return quoted(c);
    case State::QuotedEscape: return quotedEscape(c);
    case State::Comment: return State::Comment;
    }
    return State::Comment;
  }

  State between(char c) {
    if (c == '#') return State::Comment;
    if (isSpace(c)) return State::Between;
    if (c == '\\') return State::WordEscape;
    if (c == '"') return State::Quoted;
    add(c);
    if (c == '=') {
      endWord();
      return State::Between;
    }
    return State::Word;
  }

  State inWord(char c) {
    if (c == '#') {
      endWord();
      return State::Comment;
    }
    if (isSpace(c)) {
      endWord();
      return State::Between;
    }
    if (c == '=') { // ends the word and is a word of its own
      endWord();
      return between(c);
    }
    if (c == '\\') return State::WordEscape;
    add(c);
    return State::Word;
  }

  State wordEscape(char c) {
    add(c);
    return State::Word;
  }

  State quoted(char c) {
    if (c == '"') {
      endWord();
      return State::Between;
    }
    if (c == '\\') return State::QuotedEscape;
    add(c);
    return State::Quoted;
  }

  State quotedEscape(char c) {
    add(c);
    return State::Quoted;
  }

  /// parseconf's addchar: only 0x20..0x7f (CVE-2012-2944), and at most kMaxWordLength.
  void add(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7f) return;
    if (word_.size() >= kMaxWordLength) return;
    word_.push_back(c);
  }

  void endWord() {
    if (words_.size() < kMaxWords) words_.push_back(word_);
    word_.clear();
  }

  State state_ = State::Between;
  std::string word_;
  std::vector<std::string> words_;
};

bool hasRight(const NutUserEntry& user, NutAction action) noexcept {
  switch (action) {
  case NutAction::Login: return user.login || user.primary;
  case NutAction::Primary: return user.primary;
  case NutAction::Fsd: return user.fsd || user.primary;
  case NutAction::Set: return user.set;
  case NutAction::InstCmd: return user.instcmd;
  }
  return false;
}

} // namespace

std::vector<std::string> splitWords(std::string_view line) { return WordSplitter().run(line); }

std::string escapeValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"' || c == '#') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

NutDenial checkRight(const std::vector<NutUserEntry>& users, const std::string* user,
                     const std::string* password, NutAction action) noexcept {
  if (user == nullptr || password == nullptr) return NutDenial::NoCredentials;
  const auto it = std::find_if(users.begin(), users.end(),
                               [&](const NutUserEntry& u) { return u.name == *user; });
  if (it == users.end()) {
    // The same work as for a known user: the time does not tell which names exist.
    (void)constantTimeEquals(*password, *password);
    return NutDenial::UnknownUser;
  }
  if (!constantTimeEquals(it->password, *password)) return NutDenial::WrongPassword;
  return hasRight(*it, action) ? NutDenial::None : NutDenial::NoRight;
}

std::string_view nameOf(NutAction action) noexcept {
  switch (action) {
  case NutAction::Login: return "LOGIN";
  case NutAction::Primary: return "PRIMARY";
  case NutAction::Fsd: return "FSD";
  case NutAction::Set: return "SET";
  case NutAction::InstCmd: return "INSTCMD";
  }
  return "?";
}

std::string_view nameOf(NutDenial denial) noexcept {
  switch (denial) {
  case NutDenial::None: return "allowed";
  case NutDenial::NoCredentials: return "no username or password";
  case NutDenial::UnknownUser: return "no such user";
  case NutDenial::WrongPassword: return "wrong password";
  case NutDenial::NoRight: return "no right";
  }
  return "?";
}

void NutLoginRegistry::add(const std::string& address) {
  std::lock_guard lock(mutex_);
  addresses_.push_back(address);
}

void NutLoginRegistry::remove(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto it = std::find(addresses_.begin(), addresses_.end(), address);
  if (it != addresses_.end()) addresses_.erase(it);
}

std::size_t NutLoginRegistry::count() const noexcept {
  std::lock_guard lock(mutex_);
  return addresses_.size();
}

std::vector<std::string> NutLoginRegistry::addresses() const {
  std::lock_guard lock(mutex_);
  return addresses_;
}

} // namespace hidupsd::serve
