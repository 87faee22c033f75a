// SPDX-License-Identifier: GPL-2.0-or-later
// Pmxcfs: .vmlist (JSON, pve-cluster status.c) and guest configs, read with a size cap.
#include "proxmox/pmxcfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "lib/unique_fd.hpp"

namespace hidupsd::proxmox {

namespace {

using Json = nlohmann::json;

/// A value in the wrong shape: named by its key path, since a parsed document has no offsets.
[[noreturn]] void fail(std::string_view source, std::string_view why) {
  throw PmxcfsError(fmt::format("{}: {}", source, why));
}

/// pmxcfs's vmid rule (memdb.c name_is_vm_config): digits, not starting with 0.
std::optional<int> vmid(std::string_view text) {
  if (text.empty() || text.front() < '1' || text.front() > '9') return std::nullopt;
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<GuestType> guestType(const Json& type) {
  if (!type.is_string()) return std::nullopt;
  if (type.get_ref<const std::string&>() == "qemu") return GuestType::Vm;
  if (type.get_ref<const std::string&>() == "lxc") return GuestType::Container;
  return std::nullopt;
}

} // namespace

std::vector<VmlistEntry> parseVmlist(std::string_view text, std::string_view source) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw PmxcfsError(fmt::format("{}: byte {}: not the JSON pmxcfs writes", source, e.byte));
  }
  if (!doc.is_object() || !doc.contains("version"))
    fail(source, "expected {\"version\": N, \"ids\": {...}}");
  std::vector<VmlistEntry> out;
  const auto ids = doc.find("ids");
  if (ids == doc.end()) return out; // no guests in the cluster
  if (!ids->is_object()) fail(source, "\"ids\" is not an object");
  for (const auto& [key, entry] : ids->items()) {
    const auto id = vmid(key);
    if (!id) fail(source, fmt::format("ids.\"{}\": not a guest id", key));
    const auto node = entry.is_object() ? entry.find("node") : entry.end();
    if (node == entry.end() || !node->is_string())
      fail(source, fmt::format("ids.\"{}\": no \"node\" string", *id));
    const auto type = guestType(entry.value("type", Json()));
    if (!type) continue; // openvz, long gone from Proxmox VE
    out.push_back({*id, *type, node->get<std::string>()});
  }
  std::sort(out.begin(), out.end(),
            [](const VmlistEntry& a, const VmlistEntry& b) { return a.id < b.id; });
  return out;
}

std::optional<std::string> readSmallFile(const std::filesystem::path& path, std::size_t limit) {
  const lib::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw PmxcfsError(fmt::format("{}: {}", path.string(), std::strerror(errno)));
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw PmxcfsError(fmt::format("{}: {}", path.string(), std::strerror(errno)));
    }
    if (text.size() + static_cast<std::size_t>(n) > limit)
      throw PmxcfsError(fmt::format("{}: longer than {} bytes", path.string(), limit));
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

bool Pmxcfs::mounted() const {
  std::error_code ec;
  return std::filesystem::exists(root_ / ".vmlist", ec);
}

std::vector<VmlistEntry> Pmxcfs::vmlist() const {
  const auto path = root_ / ".vmlist";
  const auto text = readSmallFile(path, kMaxVmlistBytes);
  if (!text) throw PmxcfsError(path.string() + ": does not exist");
  return parseVmlist(*text, path.string());
}

std::filesystem::path Pmxcfs::configPath(GuestType type, int id) const {
  return root_ / (type == GuestType::Vm ? "qemu-server" : "lxc") / (std::to_string(id) + ".conf");
}

std::optional<std::string> Pmxcfs::config(GuestType type, int id) const {
  return readSmallFile(configPath(type, id), kMaxConfigBytes);
}

} // namespace hidupsd::proxmox
