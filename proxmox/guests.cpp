// SPDX-License-Identifier: GPL-2.0-or-later
// Guest lists: the `qm list` / `pct list` tables (PVE's qm.pm and pct.pm printf formats).
#include "proxmox/guests.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace hidupsd::proxmox {

namespace {

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    s = trim(s);
    if (s.empty()) return out;
    const auto end = s.find_first_of(" \t");
    out.push_back(s.substr(0, end));
    if (end == std::string_view::npos) return out;
    s.remove_prefix(end);
  }
}

std::optional<int> number(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// A guest id as Proxmox allows them: 100..999999999.
int guestId(std::string_view text, const char* tool, std::size_t line) {
  const auto id = number(text);
  if (!id || *id < 100)
    throw ListError(fmt::format("{} line {}: '{}' is not a guest id", tool, line, text));
  return *id;
}

bool isBlank(std::string_view line) { return trim(line).empty(); }

Guest qmRow(std::string_view line, std::size_t lineNo) {
  const auto w = words(line);
  // VMID NAME... STATUS MEM(MB) BOOTDISK(GB) PID: the name may be several words.
  if (w.size() < 6)
    throw ListError(fmt::format("qm list line {}: expected VMID NAME STATUS MEM(MB) "
                                "BOOTDISK(GB) PID, got '{}'",
                                lineNo, trim(line)));
  Guest g;
  g.type = GuestType::Vm;
  g.id = guestId(w.front(), "qm list", lineNo);
  g.status = std::string(w[w.size() - 4]);
  const auto nameBegin = w[1].data() - line.data();
  const auto nameEnd = w[w.size() - 4].data() - line.data();
  g.name = std::string(trim(line.substr(static_cast<std::size_t>(nameBegin),
                                        static_cast<std::size_t>(nameEnd - nameBegin))));
  return g;
}

struct PctColumns {
  std::size_t status, lock, name;
};

PctColumns pctColumns(std::string_view header) {
  const auto status = header.find("Status");
  const auto lock = header.find("Lock");
  const auto name = header.find("Name");
  if (!header.starts_with("VMID") || status == std::string_view::npos ||
      lock == std::string_view::npos || name == std::string_view::npos || !(status < lock) ||
      !(lock < name))
    throw ListError(fmt::format("pct list line 1: expected the header VMID Status Lock Name, "
                                "got '{}'",
                                trim(header)));
  return {status, lock, name};
}

std::string_view column(std::string_view line, std::size_t from, std::size_t to) {
  if (from >= line.size()) return {};
  return trim(line.substr(from, to == std::string_view::npos ? to : to - from));
}

Guest pctRow(std::string_view line, const PctColumns& c, std::size_t lineNo) {
  Guest g;
  g.type = GuestType::Container;
  g.id = guestId(column(line, 0, c.status), "pct list", lineNo);
  g.status = std::string(column(line, c.status, c.lock));
  g.name = std::string(column(line, c.name, std::string_view::npos));
  if (g.status.empty())
    throw ListError(fmt::format("pct list line {}: no status in '{}'", lineNo, trim(line)));
  return g;
}

} // namespace

std::vector<Guest> parseQmList(std::string_view output) {
  std::vector<Guest> out;
  const auto all = lines(output);
  bool header = false;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (isBlank(all[i])) continue;
    if (!header) {
      const auto w = words(all[i]);
      if (w.size() < 3 || w[0] != "VMID" || w[1] != "NAME" || w[2] != "STATUS")
        throw ListError(fmt::format("qm list line {}: expected the header VMID NAME STATUS "
                                    "..., got '{}'",
                                    i + 1, trim(all[i])));
      header = true;
      continue;
    }
    out.push_back(qmRow(all[i], i + 1));
  }
  return out;
}

std::vector<Guest> parsePctList(std::string_view output) {
  std::vector<Guest> out;
  const auto all = lines(output);
  std::optional<PctColumns> columns;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (isBlank(all[i])) continue;
    if (!columns) {
      columns = pctColumns(all[i]);
      continue;
    }
    out.push_back(pctRow(all[i], *columns, i + 1));
  }
  return out;
}

bool isReadOnlyCommand(const std::vector<std::string>& argv) {
  if (argv.size() < 2) return false;
  const auto slash = argv[0].rfind('/');
  const std::string_view tool = slash == std::string::npos
                                    ? std::string_view(argv[0])
                                    : std::string_view(argv[0]).substr(slash + 1);
  const std::string_view verb = argv[1];
  if (tool == "qm" || tool == "pct") return verb == "list" || verb == "config" || verb == "status";
  if (tool == "pvesh") return verb == "get" || verb == "ls";
  return false;
}

} // namespace hidupsd::proxmox
