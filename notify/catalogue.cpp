// SPDX-License-Identifier: GPL-2.0-or-later
// The message catalogue: lookup by key with an English fallback, phrases said in a language.
#include "notify/catalogue.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace hidupsd::notify {

// The tables, one file each.
extern const std::span<const Message> kEnglishMessages;
extern const std::span<const Message> kFrenchMessages;

namespace {

using Index = std::map<std::string_view, std::string_view, std::less<>>;

Index indexOf(std::span<const Message> table) {
  Index index;
  for (const auto& m : table)
    index.emplace(m.key, m.text);
  return index;
}

const Index& indexFor(Language language) {
  static const Index english = indexOf(kEnglishMessages);
  static const Index french = indexOf(kFrenchMessages);
  return language == Language::Fr ? french : english;
}

bool isNameChar(char c) noexcept {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '_';
}

/// "4.2", "-0.5": a decimal number with a fraction, as the code formats them.
bool isDecimal(std::string_view s) noexcept {
  if (s.starts_with('-')) s.remove_prefix(1);
  const auto dot = s.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size()) return false;
  return std::all_of(
             s.begin(), s.end(),
             [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)); }) &&
         s.find('.', dot + 1) == std::string_view::npos;
}

std::string valueOf(const core::Phrase::Arg& arg, Language language) {
  if (!arg.phrase.empty()) {
    std::string out;
    for (const auto& p : arg.phrase)
      out += (out.empty() ? "" : "; ") + say(p, language);
    return out;
  }
  if (language == Language::Fr && isDecimal(arg.text)) {
    std::string out = arg.text;
    std::replace(out.begin(), out.end(), '.', ',');
    return out;
  }
  return arg.text;
}

/// Calls `onName(name)` for each {name} of `text` and `onText(piece)` for the rest.
template <typename OnText, typename OnName>
void scan(std::string_view text, OnText onText, OnName onName) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      onText(text.substr(i, 1));
      i += 2;
      continue;
    }
    std::size_t end = i + 1;
    while (c == '{' && end < text.size() && isNameChar(text[end]))
      ++end;
    if (c == '{' && end > i + 1 && end < text.size() && text[end] == '}') {
      onName(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      onText(text.substr(i, 1));
      ++i;
    }
  }
}

} // namespace

std::span<const Message> messages(Language language) noexcept {
  return language == Language::Fr ? kFrenchMessages : kEnglishMessages;
}

std::string_view text(std::string_view key, Language language) noexcept {
  try {
    const Index& index = indexFor(language);
    if (auto it = index.find(key); it != index.end()) return it->second;
    const Index& english = indexFor(Language::En);
    if (auto it = english.find(key); it != english.end()) return it->second;
  } catch (...) {
    // Out of memory building an index: the key is better than nothing.
  }
  return key;
}

bool hasKey(std::string_view key) noexcept {
  try {
    return indexFor(Language::En).contains(key);
  } catch (...) {
    return false;
  }
}

std::string say(const core::Phrase& phrase, Language language) {
  if (phrase.empty()) return {};
  std::string out;
  scan(
      text(phrase.key, language), [&](std::string_view piece) { out += piece; },
      [&](std::string_view name) {
        const auto* arg = phrase.arg(name);
        out += arg != nullptr ? valueOf(*arg, language) : "n/a";
      });
  return out;
}

std::vector<std::string> placeholdersOf(std::string_view text) {
  std::vector<std::string> names;
  scan(
      text, [](std::string_view) {}, [&](std::string_view name) { names.emplace_back(name); });
  // Template placeholders have dots ({battery.charge}): scan stops at them; find those too.
  for (std::size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const auto close = text.find('}', open);
    if (close == std::string_view::npos) break;
    const auto name = text.substr(open + 1, close - open - 1);
    if (name.find('.') != std::string_view::npos && name.find_first_of(" {") == name.npos)
      names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string durationText(double seconds, Language language) {
  if (!std::isfinite(seconds) || seconds < 0) return "n/a";
  const auto whole = std::llround(seconds);
  if (whole < 60)
    return say(core::Phrase("unit.seconds").with("sec", std::to_string(whole)), language);
  if (whole < 600)
    return say(core::Phrase("unit.minutes_seconds")
                   .with("min", std::to_string(whole / 60))
                   .with("sec", std::to_string(whole % 60)),
               language);
  return say(core::Phrase("unit.minutes").with("min", std::to_string(std::llround(seconds / 60.0))),
             language);
}

} // namespace hidupsd::notify
