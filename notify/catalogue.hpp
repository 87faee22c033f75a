// SPDX-License-Identifier: GPL-2.0-or-later
// The message catalogue: every word a notification says, one table per language.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/phrase.hpp"

namespace hidupsd::notify {

/// The language of built-in messages (src maps its config value onto it).
enum class Language : std::uint8_t { En, Fr };

inline constexpr Language kLanguages[] = {Language::En, Language::Fr};

/// One entry of a language's table: a key ("reason.low_battery") and its text,
/// with {name} for a Phrase's values and {x.y}/{host}/{time}... for the
/// template placeholders of notify/template.hpp.
struct Message {
  std::string_view key;
  std::string_view text;
};

/// The whole table of `language` (notify/messages_en.cpp, messages_fr.cpp),
/// in file order. Another language is one more such file.
std::span<const Message> messages(Language language) noexcept;

/// The text of `key` in `language`; the English one when that language lacks
/// it (a test makes sure none does); the key itself when English lacks it
/// too (a bug: never a crash). Static storage.
std::string_view text(std::string_view key, Language language) noexcept;

/// Whether English has `key`.
bool hasKey(std::string_view key) noexcept;

/// `phrase` in `language`: its text with each {name} replaced by its value
/// (a phrase value said in the same language; in French a decimal number
/// "4.2" is written "4,2"). A value the phrase lacks reads "n/a"; {{ and }}
/// are literal braces; other braces stay as written. "" for an empty phrase.
/// Pure; throws only std::bad_alloc.
std::string say(const core::Phrase& phrase, Language language);

/// The {names} a catalogue text uses, sorted, each once (for tests: both
/// languages must use the same ones).
std::vector<std::string> placeholdersOf(std::string_view text);

/// "2 min 48 s": seconds shown under ten minutes, whole minutes (rounded)
/// from ten minutes on, "48 s" under a minute; "n/a" for a negative or
/// non-finite value. In `language` (the units come from the catalogue).
std::string durationText(double seconds, Language language);

} // namespace hidupsd::notify
