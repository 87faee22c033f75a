// SPDX-License-Identifier: GPL-2.0-or-later
// Phrase: words to be said in the reader's language — a message catalogue key and its values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hidupsd::core {

/// What a component means to say, not yet in any language: a key of the
/// message catalogue (notify/messages_*.cpp, "reason.low_battery") and the
/// values its text names ({charge}, {limit}). The pure core says Phrases;
/// notify/ renders them in each sink's language, src/ in English for the
/// logs. A value is either text (numbers as "18", "4.2": the renderer writes
/// "4,2" in French) or phrases, said in the same language ("; " between
/// them when there are several). Value type.
struct Phrase {
  struct Arg {
    std::string name;
    std::string text;
    std::vector<Phrase> phrase; ///< set when the value is phrases (a list: "; " between)
    bool operator==(const Arg&) const = default;
  };

  std::string key; ///< "" = nothing to say
  std::vector<Arg> args;

  Phrase() = default;
  explicit Phrase(std::string k) : key(std::move(k)) {}

  /// This phrase with one more value (chained: Phrase("k").with("a", "1").with(...)).
  Phrase&& with(std::string name, std::string text) && {
    args.push_back({std::move(name), std::move(text), {}});
    return std::move(*this);
  }
  Phrase&& with(std::string name, Phrase value) && {
    args.push_back({std::move(name), {}, {std::move(value)}});
    return std::move(*this);
  }
  Phrase&& with(std::string name, std::vector<Phrase> list) && {
    args.push_back({std::move(name), {}, std::move(list)});
    return std::move(*this);
  }
  Phrase& add(std::string name, std::string text) & {
    args.push_back({std::move(name), std::move(text), {}});
    return *this;
  }

  bool empty() const noexcept { return key.empty(); }
  /// The value named `name`, nullptr when absent.
  const Arg* arg(std::string_view name) const noexcept {
    for (const auto& a : args)
      if (a.name == name) return &a;
    return nullptr;
  }
  /// The text value named `name`, "" when absent (or a phrase).
  std::string text(std::string_view name) const {
    const Arg* a = arg(name);
    return a != nullptr ? a->text : std::string();
  }
  bool operator==(const Phrase&) const = default;
};

} // namespace hidupsd::core
