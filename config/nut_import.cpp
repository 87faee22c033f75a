// SPDX-License-Identifier: GPL-2.0-or-later
// importNut and render: the run (parse, parts in order, refusals) and the --import-nut text.
#include "config/nut_import.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <tuple>

#include <fmt/format.h>

#include "config/nut_importer.hpp"

namespace hidupsd::nutconf {

namespace {

// upsmon's notify types and stock messages: NUT 2.8.0 clients/upsmon.h (notifylist[]),
// plus the types of later NUT versions that upsmon.conf may name (NUT 2.8.5 clients/upsmon.h).
constexpr NutNotify kNotifyTypes[] = {
    {"ONLINE", core::EventKind::Online, "UPS %s on line power"},
    {"ONBATT", core::EventKind::OnBattery, "UPS %s on battery"},
    {"LOWBATT", core::EventKind::LowBattery, "UPS %s battery is low"},
    {"FSD", core::EventKind::Fsd, "UPS %s: forced shutdown in progress"},
    {"COMMOK", core::EventKind::CommOk, "Communications with UPS %s established"},
    {"COMMBAD", core::EventKind::CommBad, "Communications with UPS %s lost"},
    {"SHUTDOWN", core::EventKind::Shutdown, "Auto logout and shutdown proceeding"},
    {"REPLBATT", core::EventKind::ReplaceBattery, "UPS %s battery needs to be replaced"},
    {"NOCOMM", core::EventKind::NoComm, "UPS %s is unavailable"},
    {"NOPARENT", std::nullopt, "upsmon parent process died - shutdown impossible"},
    {"CAL", std::nullopt, "UPS %s: calibration in progress"},
    {"OVER", core::EventKind::Overload, "UPS %s: overloaded"},
    {"SHUTDOWN_HOSTSYNC", std::nullopt, ""},
    {"NOTCAL", std::nullopt, ""},
    {"OFF", std::nullopt, ""},
    {"NOTOFF", std::nullopt, ""},
    {"BYPASS", std::nullopt, ""},
    {"NOTBYPASS", std::nullopt, ""},
    {"ECO", std::nullopt, ""},
    {"NOTECO", std::nullopt, ""},
    {"ALARM", std::nullopt, ""},
    {"NOTALARM", std::nullopt, ""},
    {"NOTOVER", std::nullopt, ""},
    {"TRIM", std::nullopt, ""},
    {"NOTTRIM", std::nullopt, ""},
    {"BOOST", std::nullopt, ""},
    {"NOTBOOST", std::nullopt, ""},
    {"OTHER", std::nullopt, ""},
    {"NOTOTHER", std::nullopt, ""},
    {"SUSPEND_STARTING", std::nullopt, ""},
    {"SUSPEND_FINISHED", std::nullopt, ""},
};

bool plainCommand(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view(" _./+=:,@%-").find(c) != std::string_view::npos;
  });
}

const std::string kNoWord;

} // namespace

bool equalNoCase(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (x >= 'a' && x <= 'z' ? x - 32 : x) == (y >= 'a' && y <= 'z' ? y - 32 : y);
  });
}

const NutNotify* notifyType(std::string_view name) noexcept {
  for (const auto& t : kNotifyTypes)
    if (equalNoCase(t.name, name)) return &t;
  return nullptr;
}

std::vector<std::string> commandOf(std::string_view text) {
  if (!plainCommand(text)) return {"/bin/sh", "-c", std::string(text)};
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    const auto end = std::min(text.find(' ', i), text.size());
    if (end > i) words.emplace_back(text.substr(i, end - i));
    i = end + 1;
  }
  if (words.empty()) return {"/bin/sh", "-c", std::string(text)};
  return words;
}

std::string keyName(std::string_view path) {
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return std::string(path);
  return fmt::format("[{}] {}", path.substr(0, dot), path.substr(dot + 1));
}

const std::string& At::word(std::size_t i) const noexcept {
  return i < line->words.size() ? line->words[i].text : kNoWord;
}

std::string At::place() const { return fmt::format("{}:{}", file->path, line->number); }

Importer::Importer(const std::vector<Source>& files) : files_(files) {}

std::vector<At> Importer::lines(std::string_view name) const {
  std::vector<At> all;
  const auto it = parsed_.find(name);
  if (it == parsed_.end()) return all;
  const auto source =
      std::find_if(files_.begin(), files_.end(), [&](const Source& s) { return s.name == name; });
  for (const auto& line : it->second.lines)
    all.push_back({&*source, &line});
  return all;
}

void Importer::carried(const At& at, std::string_view key, std::string_view why) {
  note(key, fmt::format("from {}: {}", at.place(), shown(at)));
  if (!why.empty()) note(key, std::string(why));
}

void Importer::note(std::string_view key, std::string text) {
  out.notes[std::string(key)].push_back(std::move(text));
}

void Importer::drop(const At& at, std::string reason, Dropped::Kind kind) {
  out.dropped.push_back({at.place(), shown(at), std::move(reason), kind});
}

void Importer::refuse(const At& at, std::size_t word, std::string message) {
  const auto column = word < at.size() ? at.line->words[word].column : 1;
  refusals_.push_back({at.file->path, at.line->number, column, std::move(message)});
}

std::optional<std::int64_t> Importer::number(const At& at, std::size_t word, std::int64_t min,
                                             std::int64_t max, std::string_view key) {
  const std::string& text = at.word(word);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    refuse(at, word,
           fmt::format("{} {}: not a whole number (NUT would read {})", at.word(0),
                       text.empty() ? "\"\"" : text, std::atoi(text.c_str())));
    return std::nullopt;
  }
  if (v < min || v > max) {
    drop(at, fmt::format("{} is out of the range of {}, {}..{}", v, key, min, max));
    return std::nullopt;
  }
  return v;
}

std::string Importer::shown(const At& at) const {
  std::vector<Word> words = at.line->words;
  // The secrets NUT's files hold: upsd.users' password, MONITOR's and CERTIDENT's password.
  const auto hide = [&](std::size_t i) {
    if (i < words.size()) words[i].text = "<redacted>";
  };
  if (at.file->name == "upsd.users" && equalNoCase(at.word(0), "password"))
    hide(at.word(1) == "=" ? 2 : 1);
  if (at.word(0) == "MONITOR") hide(4);
  if (at.word(0) == "CERTIDENT") hide(2);
  return render(words);
}

Import Importer::run() {
  for (const auto name : kFileNames) {
    const auto source =
        std::find_if(files_.begin(), files_.end(), [&](const Source& s) { return s.name == name; });
    if (source == files_.end()) {
      out.missing.emplace_back(name);
      continue;
    }
    out.read.push_back(source->path);
    File file = parse(source->text);
    out.lines += file.lines.size();
    for (const auto& e : file.errors)
      refusals_.push_back({source->path, e.line, e.column, e.message});
    for (const auto& n : file.notes)
      out.dropped.push_back({fmt::format("{}:{}:{}", source->path, n.line, n.column), "", n.message,
                             Dropped::Kind::Changed});
    parsed_.emplace(std::string(name), std::move(file));
  }
  out.config.policy.simulation = true;
  scanUpsmon(*this);
  importNutConf(*this);
  importUpsConf(*this);
  importUpsd(*this);
  importUpsdUsers(*this);
  importUpsmon(*this);
  importNotify(*this);
  sortByPlace();
  if (!refusals_.empty()) throw ConfigError(std::move(refusals_));
  return std::move(out);
}

void Importer::sortByPlace() {
  const auto fileIndex = [&](std::string_view path) {
    for (std::size_t i = 0; i < files_.size(); ++i)
      if (path == files_[i].path) return i;
    return files_.size();
  };
  const auto fileOrder = [&](const Source& s) {
    return std::find(kFileNames.begin(), kFileNames.end(), s.name) - kFileNames.begin();
  };
  const auto order = [&](const std::string& path) {
    const auto i = fileIndex(path);
    return i < files_.size() ? fileOrder(files_[i]) : kFileNames.size();
  };
  std::stable_sort(refusals_.begin(), refusals_.end(), [&](const auto& a, const auto& b) {
    return std::tuple(order(a.file), a.line, a.column) <
           std::tuple(order(b.file), b.line, b.column);
  });
  // "PATH:LINE" or "PATH:LINE:COL": the path is one of files_ (it may hold ':' itself).
  const auto key = [&](const Dropped& d) {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      const auto& path = files_[i].path;
      if (d.place.size() > path.size() && d.place.starts_with(path) && d.place[path.size()] == ':')
        return std::pair(fileOrder(files_[i]), std::atol(d.place.c_str() + path.size() + 1));
    }
    return std::pair(std::ptrdiff_t(kFileNames.size()), 0L);
  };
  std::stable_sort(out.dropped.begin(), out.dropped.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
}

Import importNut(const std::vector<Source>& files) { return Importer(files).run(); }

namespace {

constexpr std::string_view kHeader =
    R"(hidupsd reads the UPS itself and does what NUT's driver, upsd, upsmon and upssched
did, from this one file. Check it with `hidupsd --check-config -c FILE`, then install
it as /etc/hidupsd/hidupsd.toml (chmod 600 while it holds a password).

[policy] simulation = true: hidupsd logs what the shutdown would do and runs nothing
destructive (no guest stopped, no power-off) until you set it to false.

Every key is written: NUT's value where NUT set one (the line it came from is above
it), hidupsd's default elsewhere; hidupsd.toml(5) documents each key. A secret may
move to a file of its own (password_file = "/etc/hidupsd/NAME.password", one line,
chmod 600) so that this file can be world-readable.
NUT's lines that are not carried over are listed at the end, with the reason.)";

void section(std::string& out, const Import& import, Dropped::Kind kind, std::string_view title) {
  const auto n = std::count_if(import.dropped.begin(), import.dropped.end(),
                               [&](const Dropped& d) { return d.kind == kind; });
  if (n == 0) return;
  out += "#\n" + tomlComment(fmt::format("{} ({}):", title, n));
  for (const auto& d : import.dropped) {
    if (d.kind != kind) continue;
    out += tomlComment(d.line.empty() ? fmt::format("  {}", d.place)
                                      : fmt::format("  {}: {}", d.place, d.line));
    out += tomlComment(fmt::format("      {}", d.reason));
  }
}

} // namespace

std::string render(const Import& import, std::string_view dir) {
  std::string out = tomlComment(fmt::format("hidupsd.toml, made by `hidupsd --import-nut {}` "
                                            "from NUT's files",
                                            dir));
  for (const auto& path : import.read)
    out += tomlComment(fmt::format("  {}", path));
  if (!import.missing.empty())
    out += tomlComment(fmt::format("  (missing: {})", fmt::join(import.missing, ", ")));
  out += "#\n";
  for (std::size_t i = 0; i < kHeader.size();) {
    const auto end = std::min(kHeader.find('\n', i), kHeader.size());
    out += tomlComment(kHeader.substr(i, end - i));
    i = end + 1;
  }
  out += annotated(import.config, import.notes);
  out += "\n" + tomlComment(std::string(78, '-'));
  out += tomlComment("NUT's lines not carried over");
  section(out, import, Dropped::Kind::NoEquivalent, "No equivalent in hidupsd");
  section(out, import, Dropped::Kind::NotNeeded, "Not needed: hidupsd does this its own way");
  section(out, import, Dropped::Kind::Changed,
          "What NUT's parser changed while reading (kept as NUT read it)");
  return out;
}

} // namespace hidupsd::nutconf
