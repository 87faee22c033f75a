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

std::string severityText(core::EventKind kind, Language language) {
  static constexpr std::string_view kFr[] = {"info", "avertissement", "critique"};
  const Severity severity = severityOf(kind);
  if (language == Language::Fr) return std::string(kFr[static_cast<int>(severity)]);
  return std::string(nameOf(severity));
}

std::string variable(const std::string& name, const core::Snapshot& snapshot) {
  auto value = snapshot.get(name);
  if (!value && name == "ups.model") value = snapshot.get("device.model");
  return orMissing(value.value_or(""));
}

/// The test words of Event::test in `language` (NUT's result words translated for French).
std::string testWord(std::string_view which, const Notification& n, Language language) {
  if (!n.event.test) return std::string(kMissing);
  const core::TestInfo& t = *n.event.test;
  struct Word {
    std::string_view from, en, fr;
  };
  static constexpr Word kWords[] = {
      {"quick", "quick", "rapide"},
      {"deep", "deep", "approfondi"},
      {"unknown", "kind unknown", "type inconnu"},
      {"schedule", "the schedule", "le calendrier"},
      {"command", "a command", "une commande"},
      {"ups", "the UPS", "l'onduleur"},
      {"Done and passed", "passed", "réussi"},
      {"Done and warning", "passed with a warning", "réussi avec un avertissement"},
      {"Done and error", "failed", "échoué"},
      {"Aborted", "aborted", "interrompu"},
  };
  const std::string& value = which == "test_kind" ? t.kind
                             : which == "test_by" ? t.startedBy
                                                  : t.result;
  for (const auto& w : kWords)
    if (w.from == value) return std::string(language == Language::Fr ? w.fr : w.en);
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
  if (name == "reason") return orMissing(n.event.reason);
  if (name == "text") return orMissing(n.text);
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
