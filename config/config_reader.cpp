// SPDX-License-Identifier: GPL-2.0-or-later
// TableReader: reads typed, range-checked keys from one toml++ table, marks them, reports the rest.
#include "config/config_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace hidupsd::config {

void ErrorList::add(const toml::source_region& where, std::string message) {
  entries_.push_back({file_, where.begin.line, where.begin.column, std::move(message)});
}

std::vector<ConfigError::Entry> ErrorList::take() {
  std::stable_sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return std::move(entries_);
}

std::string_view typeName(toml::node_type t) noexcept {
  switch (t) {
  case toml::node_type::table: return "a table";
  case toml::node_type::array: return "an array";
  case toml::node_type::string: return "a string";
  case toml::node_type::integer: return "an integer";
  case toml::node_type::floating_point: return "a float";
  case toml::node_type::boolean: return "a boolean";
  case toml::node_type::date: return "a date";
  case toml::node_type::time: return "a time";
  case toml::node_type::date_time: return "a date-time";
  case toml::node_type::none: break;
  }
  return "nothing";
}

namespace {

/// Levenshtein distance, for "did you mean".
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

} // namespace

std::string_view closest(std::string_view word, std::span<const std::string_view> known) {
  std::string_view best;
  // A typo is a few edits: one in a short word, a quarter of a long one.
  std::size_t bestDistance = std::max<std::size_t>(1, word.size() / 4) + 1;
  for (const auto k : known) {
    const std::size_t d = editDistance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

std::string quotedList(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += fmt::format("\"{}\"", names[i]);
  }
  return out;
}

TableReader::TableReader(const toml::table& table, std::string context, ErrorList& errors)
    : table_(table), context_(std::move(context)), errors_(errors) {}

const toml::node* TableReader::take(std::string_view key) {
  const toml::node* n = table_.get(key);
  asked_.emplace(key);
  if (n != nullptr) read_.emplace(key);
  return n;
}

void TableReader::fail(const toml::source_region& at, std::string_view message) {
  errors_.add(at, context_.empty() ? std::string(message) : context_ + ": " + std::string(message));
}

void TableReader::fail(const toml::node& at, std::string_view message) {
  fail(at.source(), message);
}

void TableReader::boolean(std::string_view key, bool& out) {
  const toml::node* n = take(key);
  if (n == nullptr) return;
  if (const auto* b = n->as_boolean())
    out = b->get();
  else
    fail(*n, fmt::format("{} must be a boolean (true or false), not {}", key, typeName(n->type())));
}

std::optional<std::int64_t> TableReader::integerOf(const toml::node& n, std::string_view what,
                                                   std::int64_t min, std::int64_t max,
                                                   std::string_view unit) {
  const auto* i = n.as_integer();
  if (i == nullptr) {
    const char* hint = unit == "s" ? " (whole seconds)" : "";
    fail(n, fmt::format("{} must be an integer{}, not {}", what, hint, typeName(n.type())));
    return std::nullopt;
  }
  if (i->get() < min || i->get() > max) {
    fail(n, fmt::format("{} = {} is out of range {}..{}{}{}", what, i->get(), min, max,
                        unit.empty() ? "" : " ", unit));
    return std::nullopt;
  }
  return i->get();
}

void TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max, int& out,
                          std::string_view unit) {
  const toml::node* n = take(key);
  if (n == nullptr) return;
  if (const auto v = integerOf(*n, key, min, max, unit)) out = static_cast<int>(*v);
}

void TableReader::seconds(std::string_view key, std::int64_t min, std::int64_t max,
                          std::chrono::seconds& out) {
  const toml::node* n = take(key);
  if (n == nullptr) return;
  if (const auto v = integerOf(*n, key, min, max, "s")) out = std::chrono::seconds(*v);
}

std::optional<std::string> TableReader::stringOf(const toml::node& n, std::string_view what) {
  if (const auto* s = n.as_string()) return s->get();
  fail(n, fmt::format("{} must be a string, not {}", what, typeName(n.type())));
  return std::nullopt;
}

void TableReader::string(std::string_view key, std::string& out,
                         std::string (*check)(std::string_view)) {
  const toml::node* n = take(key);
  if (n == nullptr) return;
  auto s = stringOf(*n, key);
  if (!s) return;
  if (check != nullptr) {
    if (const std::string why = check(*s); !why.empty()) {
      fail(*n, fmt::format("{} {}", key, why));
      return;
    }
  }
  out = std::move(*s);
}

void TableReader::strings(std::string_view key, std::vector<std::string>& out) {
  const toml::array* a = array(key);
  if (a == nullptr) return;
  std::vector<std::string> values;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto s = stringOf((*a)[i], fmt::format("{}[{}]", key, i));
    if (s && s->empty()) fail((*a)[i], fmt::format("{}[{}] must not be empty", key, i));
    ok = ok && s && !s->empty();
    if (s) values.push_back(*s);
  }
  if (a->empty()) fail(*a, fmt::format("{} must not be empty", key));
  if (ok && !a->empty()) out = std::move(values);
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* n = take(key);
  if (n == nullptr) return nullptr;
  if (const auto* a = n->as_array()) return a;
  fail(*n, fmt::format("{} must be an array, not {}", key, typeName(n->type())));
  return nullptr;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* n = take(key);
  if (n == nullptr) return nullptr;
  if (const auto* t = n->as_table()) return t;
  fail(*n, fmt::format("{} must be a table, not {}", key, typeName(n->type())));
  return nullptr;
}

void TableReader::finish() {
  const std::vector<std::string_view> known(asked_.begin(), asked_.end());
  for (const auto& [key, value] : table_) {
    if (read_.contains(key.str())) continue;
    const std::string_view guess = closest(key.str(), known);
    const std::string what = value.is_table() ? "table" : "key";
    fail(key.source(), guess.empty() ? fmt::format("unknown {} '{}'", what, key.str())
                                     : fmt::format("unknown {} '{}' (did you mean '{}'?)", what,
                                                   key.str(), guess));
  }
}

} // namespace hidupsd::config
