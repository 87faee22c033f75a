// SPDX-License-Identifier: GPL-2.0-or-later
// Writables: ST_FLAG_RW rows of the mapping on this descriptor, with ranges from the fields.
#include "ups/writables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "hid/field_codec.hpp"

namespace hidupsd {

namespace {

using nut::Convert;

/// NUT's own bounds of a variable, whatever the field allows.
struct NutRange {
  std::string_view name;
  long min;
  long max;
};
constexpr NutRange kNutRanges[] = {
    {"battery.charge.low", 0, 100},       {"battery.charge.restart", 0, 100},
    {"battery.charge.warning", 0, 100},   {"battery.energysave.load", 0, 100},
    {"battery.runtime.low", 0, LONG_MAX}, {"ups.delay.shutdown", 0, 32767},
    {"ups.delay.start", 0, 32767},        {"ups.test.interval", 0, LONG_MAX},
};

std::optional<std::pair<long, long>> nutRange(std::string_view name) {
  for (const auto& r : kNutRanges)
    if (r.name == name) return std::pair{r.min, r.max};
  if (name.starts_with("outlet.") && name.ends_with(".autoswitch.charge.low"))
    return std::pair{0L, 100L};
  return std::nullopt;
}

/// The field's extent as whole physical values, within the NUT range.
std::pair<long, long> rangeOf(const std::string& name, const hid::Field* field) {
  std::pair<long, long> out{LONG_MIN, LONG_MAX};
  if (field != nullptr) {
    const double a = hid::toPhysical(*field, field->logicalMin);
    const double b = hid::toPhysical(*field, field->logicalMax);
    out = {static_cast<long>(std::ceil(std::min(a, b))),
           static_cast<long>(std::floor(std::max(a, b)))};
  }
  if (const auto n = nutRange(name))
    out = {std::max(out.first, n->first), std::min(out.second, n->second)};
  return out;
}

Writable::Kind kindOf(const nut::VariableMap& row) {
  switch (row.convert) {
  case Convert::OffDelay:
  case Convert::OnDelay: return Writable::Kind::ServerDelay;
  case Convert::Lookup: return Writable::Kind::Enum;
  case Convert::PackedDate: return Writable::Kind::Date;
  default: return Writable::Kind::Number;
  }
}

/// The Writable for `row` on `model`, if it can be written there.
std::optional<Writable> writableFor(const nut::VariableMap& row, const UpsModel& model) {
  if (row.rw == 0) return std::nullopt;
  const auto kind = kindOf(row);
  if (kind == Writable::Kind::Number && row.convert != Convert::Number) return std::nullopt;
  const hid::Field* field = model.findField(row.path, hid::ReportType::Feature);
  const bool writable = field != nullptr && !field->isConstant();
  if (kind != Writable::Kind::ServerDelay && !writable) return std::nullopt;
  Writable w;
  w.name = std::string(row.name);
  w.maxLength = row.rw;
  w.kind = kind;
  w.row = &row;
  w.field = writable ? field : nullptr;
  if (kind == Writable::Kind::Enum)
    for (const auto& l : row.lookup)
      w.enumValues.emplace_back(l.text);
  if (kind == Writable::Kind::Number || kind == Writable::Kind::ServerDelay)
    w.range = rangeOf(w.name, w.field);
  return w;
}

double parseNumber(const Writable& w, std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    throw InvalidValue(fmt::format("{}: '{}' is not a number", w.name, text));
  return v;
}

std::int64_t enumValue(const Writable& w, std::string_view text) {
  for (const auto& l : w.row->lookup)
    if (l.text == text) return l.value;
  throw InvalidValue(
      fmt::format("{}: '{}' is not one of: {}", w.name, text, fmt::join(w.enumValues, ", ")));
}

/// usbhid-ups.c date_conversion_reverse(): (year - 1980) * 512 + month * 32 + day.
std::int64_t packedDate(const Writable& w, std::string_view text) {
  unsigned year = 0, month = 0, day = 0;
  char tail = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4u/%2u/%2u%c", &year, &month, &day, &tail) != 3 || year < 1980 ||
      year > 2107 || month < 1 || month > 12 || day < 1 || day > 31)
    throw InvalidValue(fmt::format("{}: '{}' is not a date YYYY/MM/DD (1980..2107)", w.name, text));
  return static_cast<std::int64_t>((year - 1980) * 512 + month * 32 + day);
}

} // namespace

std::vector<Writable> writablesOf(const UpsModel& model) {
  std::vector<Writable> out;
  std::set<std::string_view> claimed;
  for (const auto& row : model.mapping().variables) {
    if (claimed.count(row.name) != 0 || !model.hasPath(row.path)) continue;
    claimed.insert(row.name);
    if (auto w = writableFor(row, model)) out.push_back(std::move(*w));
  }
  std::sort(out.begin(), out.end(),
            [](const Writable& a, const Writable& b) { return a.name < b.name; });
  return out;
}

std::int64_t valueFor(const Writable& w, std::string_view text) {
  switch (w.kind) {
  case Writable::Kind::Enum: return enumValue(w, text);
  case Writable::Kind::Date: return packedDate(w, text);
  case Writable::Kind::Number:
  case Writable::Kind::ServerDelay: break;
  }
  const double v = parseNumber(w, text);
  if (w.range &&
      (v < static_cast<double>(w.range->first) || v > static_cast<double>(w.range->second)))
    throw InvalidValue(fmt::format("{}: {} is out of range {}..{}", w.name, text, w.range->first,
                                   w.range->second));
  if (w.kind == Writable::Kind::ServerDelay) return static_cast<std::int64_t>(std::llround(v));
  return hid::toLogical(*w.field, v);
}

} // namespace hidupsd
