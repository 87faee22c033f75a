// SPDX-License-Identifier: GPL-2.0-or-later
// Message templates: placeholders filled from a Notification.
#include "notify/template.hpp"

#include <cctype>
#include <cmath>
#include <ctime>
#include <optional>

#include <fmt/format.h>

namespace hidupsd::notify {

namespace {

constexpr std::string_view kMissing = "n/a";

std::string orMissing(std::string value) { return value.empty() ? std::string(kMissing) : value; }

std::string localTime(std::int64_t wallTime) {
  if (wallTime <= 0) return std::string(kMissing);
  const auto t = static_cast<std::time_t>(wallTime);
  std::tm local{};
  char text[32];
  if (localtime_r(&t, &local) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local) == 0)
    return std::string(kMissing);
  return text;
}

std::string runtimeMinutes(const core::Snapshot& snapshot) {
  auto seconds = snapshot.number("battery.runtime");
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0) return std::string(kMissing);
  return fmt::format("{}", std::llround(*seconds / 60.0));
}

std::string runtimeText(const core::Snapshot& snapshot, Language language) {
  auto seconds = snapshot.number("battery.runtime");
  if (!seconds) return std::string(kMissing);
  return durationText(*seconds, language);
}

std::string severityText(core::EventKind kind, Language language) {
  return std::string(text("severity." + std::string(nameOf(severityOf(kind))), language));
}

std::string variable(const std::string& name, const core::Snapshot& snapshot) {
  auto value = snapshot.get(name);
  if (!value && name == "ups.model") value = snapshot.get("device.model");
  return orMissing(value.value_or(""));
}

/// The test words of Event::test in `language`: the catalogue's "test.*" words for
/// the kinds, who started it and NUT's final results; other results as the UPS said them.
std::string testWord(std::string_view which, const Notification& n, Language language) {
  if (!n.event.test) return std::string(kMissing);
  const core::TestInfo& t = *n.event.test;
  struct Word {
    std::string_view from, key;
  };
  static constexpr Word kWords[] = {
      {"quick", "test.kind.quick"},
      {"deep", "test.kind.deep"},
      {"unknown", "test.kind.unknown"},
      {"schedule", "test.by.schedule"},
      {"command", "test.by.command"},
      {"ups", "test.by.ups"},
      {"Done and passed", "test.result.passed"},
      {"Done and warning", "test.result.warning"},
      {"Done and error", "test.result.failed"},
      {"Aborted", "test.result.aborted"},
  };
  const std::string& value = which == "test_kind" ? t.kind
                             : which == "test_by" ? t.startedBy
                                                  : t.result;
  for (const auto& w : kWords)
    if (w.from == value) return std::string(text(w.key, language));
  return orMissing(value);
}

bool isNameChar(char c) noexcept {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// "battery.charge", "ups.delay.shutdown": NUT's shape, dots between words.
bool isVariableName(std::string_view name) noexcept {
  return name.find('.') != std::string_view::npos && name.front() != '.' && name.back() != '.' &&
         name.find("..") == std::string_view::npos;
}

// The value of placeholder `name`, or nullopt when `name` is no placeholder.
std::optional<std::string> lookup(std::string_view name, const Notification& n, Language language) {
  if (name == "host") return orMissing(n.host);
  if (name == "time") return localTime(n.wallTime);
  if (name == "event") return std::string(core::eventName(n.event.kind));
  if (name == "reason") return orMissing(say(n.event.reason, language));
  if (name == "text") return orMissing(say(n.progress, language));
  if (name == "runtime") return runtimeText(n.event.snapshot, language);
  if (name == "runtime_min") return runtimeMinutes(n.event.snapshot);
  if (name == "severity") return severityText(n.event.kind, language);
  if (name == "test_kind" || name == "test_by" || name == "test_result")
    return testWord(name, n, language);
  if (isVariableName(name)) return variable(std::string(name), n.event.snapshot);
  return std::nullopt;
}

// The placeholder opening at tpl[open] ('{'): appends its value and returns
// the index after it, or appends the lone '{' and returns open + 1.
std::size_t placeholder(std::string_view tpl, std::size_t open, const Notification& n,
                        Language language, std::string& out) {
  std::size_t end = open + 1;
  while (end < tpl.size() && isNameChar(tpl[end]))
    ++end;
  if (end < tpl.size() && tpl[end] == '}' && end > open + 1) {
    if (auto value = lookup(tpl.substr(open + 1, end - open - 1), n, language)) {
      out += *value;
      return end + 1;
    }
  }
  out += '{';
  return open + 1;
}

} // namespace

std::string_view nameOf(Language language) noexcept {
  return language == Language::Fr ? "fr" : "en";
}

std::string_view nameOf(Severity severity) noexcept {
  switch (severity) {
  case Severity::Info: return "info";
  case Severity::Warning: return "warning";
  case Severity::Critical: return "critical";
  }
  return "info";
}

std::string render(std::string_view tpl, const Notification& n, Language language) {
  std::string out;
  out.reserve(tpl.size() + 64);
  for (std::size_t i = 0; i < tpl.size();) {
    const char c = tpl[i];
    if ((c == '{' || c == '}') && i + 1 < tpl.size() && tpl[i + 1] == c) {
      out += c;
      i += 2;
    } else if (c == '{') {
      i = placeholder(tpl, i, n, language, out);
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

MessageTemplate render(const MessageTemplate& tpl, const Notification& n, Language language) {
  return {render(tpl.title, n, language), render(tpl.body, n, language)};
}

} // namespace hidupsd::notify
