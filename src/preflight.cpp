// SPDX-License-Identifier: GPL-2.0-or-later
// Preflight: the tools of the shutdown resolved like execvp would, and a guest list asked for.
#include "src/preflight.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

#include <fmt/format.h>

#include "notify/catalogue.hpp"
#include "proxmox/guests.hpp"

namespace hidupsd {

namespace {

/// errno for `path` as a program: 0 when it is an executable regular file.
int executableError(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode)) return EACCES;
  return ::access(path.c_str(), X_OK) == 0 ? 0 : errno;
}

class Checker {
public:
  Checker(const Config& c, proxmox::CommandRunner& r, const PreflightOptions& o)
      : config_(c), runner_(r), options_(o) {
    std::error_code ec;
    onPve_ = std::filesystem::exists(o.pveDir, ec);
  }

  PreflightReport run() {
    hostCommand();
    const bool qm = tool("qm", config_.proxmox.qm, "preflight.no_vm");
    const bool pct =
        !config_.proxmox.containers || tool("pct", config_.proxmox.pct, "preflight.no_container");
    if (config_.shutdown.strategy == ShutdownStrategy::StopAll)
      tool("pvesh", config_.proxmox.pvesh, "preflight.stopall_fallback");
    if (onPve_ && options_.listGuests) {
      if (qm) list(config_.proxmox.qm.string(), "qm list");
      if (pct && config_.proxmox.containers) list(config_.proxmox.pct.string(), "pct list");
    }
    if (config_.policy.simulation) add(false, core::Phrase("preflight.simulation"));
    return std::move(report_);
  }

private:
  void add(bool error, core::Phrase phrase) {
    std::string text = notify::say(phrase, notify::Language::En);
    report_.problems.push_back({error, std::move(text), std::move(phrase)});
  }

  void hostCommand() {
    const auto& program = config_.shutdown.hostCommand.front();
    try {
      resolveExecutable(program);
    } catch (const std::system_error& e) {
      add(true, core::Phrase("preflight.host_command")
                    .with("program", program)
                    .with("error", e.code().message()));
    }
  }

  bool tool(const char* key, const std::filesystem::path& path, const char* consequence) {
    const int error = executableError(path);
    if (error == 0) return true;
    add(onPve_, core::Phrase(onPve_ ? "preflight.tool" : "preflight.tool_not_pve")
                    .with("key", key)
                    .with("path", path.string())
                    .with("error", std::error_code(error, std::generic_category()).message())
                    .with("consequence", core::Phrase(consequence))
                    .with("dir", options_.pveDir.string()));
    return false;
  }

  void list(const std::string& program, const char* name) {
    const auto r = runner_.run({program, "list"}, options_.listTimeout);
    if (!r.ok())
      add(true,
          core::Phrase("preflight.cannot_list").with("name", name).with("error", r.describe()));
  }

  const Config& config_;
  proxmox::CommandRunner& runner_;
  const PreflightOptions& options_;
  bool onPve_ = false;
  PreflightReport report_;
};

} // namespace

bool PreflightReport::ready() const noexcept {
  for (const auto& p : problems)
    if (p.error) return false;
  return true;
}

std::string PreflightReport::errorText() const {
  std::string out;
  for (const auto& p : problems)
    if (p.error) out += (out.empty() ? "" : "; ") + p.text;
  return out;
}

core::Phrase PreflightReport::errorPhrase() const {
  std::vector<core::Phrase> errors;
  for (const auto& p : problems)
    if (p.error) errors.push_back(p.phrase);
  return core::Phrase("reason.not_ready").with("problems", std::move(errors));
}

std::filesystem::path resolveExecutable(const std::string& program) {
  if (program.empty()) throw std::system_error(ENOENT, std::generic_category());
  if (program.find('/') != std::string::npos) {
    if (const int e = executableError(program); e != 0)
      throw std::system_error(e, std::generic_category());
    return program;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  int firstError = ENOENT;
  for (std::size_t begin = 0; begin <= dirs.size();) {
    auto end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    const std::filesystem::path candidate =
        std::filesystem::path(end == begin ? "." : dirs.substr(begin, end - begin)) / program;
    const int e = executableError(candidate);
    if (e == 0) return candidate;
    if (e != ENOENT && e != ENOTDIR && firstError == ENOENT) firstError = e;
    begin = end + 1;
  }
  throw std::system_error(firstError, std::generic_category());
}

PreflightReport preflight(const Config& config, proxmox::CommandRunner& runner,
                          const PreflightOptions& options) {
  return Checker(config, runner, options).run();
}

} // namespace hidupsd
