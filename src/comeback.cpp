// SPDX-License-Identifier: GPL-2.0-or-later
// Comeback: the record's text format, the start plan, and the file (written atomically).
#include "src/comeback.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "lib/durable_file.hpp"
#include "src/shedding.hpp"

namespace hidupsd {

namespace {

constexpr std::string_view kHeader = "# hidupsd comeback 1";

constexpr std::pair<std::string_view, ComebackEntry::Why> kWhys[] = {
    {"stopped", ComebackEntry::Why::Stopped},
    {"shed", ComebackEntry::Why::Shed},
    {"shed-kept", ComebackEntry::Why::ShedKept}};

std::string_view whyName(ComebackEntry::Why why) {
  for (const auto& [name, w] : kWhys)
    if (w == why) return name;
  return "stopped";
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    const auto end = line.find_first_of(" \t");
    out.push_back(line.substr(0, end));
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  }
  return out;
}

ComebackEntry parseLine(std::string_view line, const std::string& where) {
  const auto w = words(line);
  if (w.size() != 3)
    throw ComebackError(fmt::format("{}: \"{}\": expected WHY TYPE ID", where, line));
  ComebackEntry e;
  bool known = false;
  for (const auto& [name, why] : kWhys)
    if (name == w[0]) {
      e.why = why;
      known = true;
    }
  if (!known) throw ComebackError(fmt::format("{}: unknown reason \"{}\"", where, w[0]));
  if (w[1] == "qemu")
    e.type = proxmox::GuestType::Vm;
  else if (w[1] == "lxc")
    e.type = proxmox::GuestType::Container;
  else
    throw ComebackError(fmt::format("{}: unknown guest type \"{}\"", where, w[1]));
  const auto [end, ec] = std::from_chars(w[2].data(), w[2].data() + w[2].size(), e.id);
  if (ec != std::errc() || end != w[2].data() + w[2].size() || e.id < 100)
    throw ComebackError(fmt::format("{}: \"{}\" is not a guest id", where, w[2]));
  return e;
}

} // namespace

std::string formatComeback(const std::vector<ComebackEntry>& entries) {
  std::string out = std::string(kHeader) + "\n";
  for (const auto& e : entries)
    out += fmt::format("{} {} {}\n", whyName(e.why), proxmox::typeName(e.type), e.id);
  return out;
}

std::vector<ComebackEntry> parseComeback(std::string_view text, const std::string& name) {
  std::vector<ComebackEntry> out;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    if (number == 1 && line != kHeader)
      throw ComebackError(fmt::format("{}:1: not a hidupsd comeback record", name));
    if (line.empty() || line.front() == '#') continue;
    out.push_back(parseLine(line, fmt::format("{}:{}", name, number)));
  }
  if (number == 0) throw ComebackError(fmt::format("{}: empty", name));
  return out;
}

ComebackPlan planComeback(const std::vector<ComebackEntry>& entries,
                          const proxmox::Inventory& inventory) {
  ComebackPlan plan;
  std::vector<proxmox::Guest> start;
  for (const auto& e : entries) {
    const auto* g = inventory.find(e.type, e.id);
    bool seen = false;
    for (const auto* list : {&start, &plan.proxmoxStarts, &plan.alreadyRunning, &plan.keptOff})
      for (const auto& o : *list)
        seen = seen || (g != nullptr && proxmox::sameGuest(o, *g));
    if (seen) continue; // recorded twice (shed, then stopped): one decision
    if (g == nullptr)
      plan.unknown.push_back(e);
    else if (e.why == ComebackEntry::Why::ShedKept)
      plan.keptOff.push_back(*g);
    else if (g->running())
      plan.alreadyRunning.push_back(*g);
    else if (g->onboot)
      plan.proxmoxStarts.push_back(*g);
    else
      start.push_back(*g);
  }
  plan.start = startupOrder(std::move(start));
  return plan;
}

bool comebackDue(bool onMains, std::optional<double> charge, int minCharge) {
  if (!onMains) return false;
  if (!charge) return minCharge == 0;
  return *charge >= minCharge;
}

std::optional<std::vector<ComebackEntry>> readComeback(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::nullopt;
  std::ifstream in(path);
  if (!in) throw std::system_error(errno ? errno : EIO, std::generic_category(), path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parseComeback(text.str(), path.string());
}

void writeComeback(const std::filesystem::path& path, const std::vector<ComebackEntry>& entries) {
  // The state directory is the unit's (StateDirectory=): never made here, so that a run
  // outside the service (a test, a dry run by hand) leaves no record behind.
  if (!std::filesystem::is_directory(path.parent_path()))
    throw std::system_error(ENOENT, std::generic_category(),
                            path.parent_path().string() + " (the state directory)");
  lib::writeDurably(path, formatComeback(entries));
}

} // namespace hidupsd
