// SPDX-License-Identifier: GPL-2.0-or-later
// hidupsd --import-nut: reads NUT's files, maps them (config/nut_import), checks and prints.
#include "src/import_nut.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "config/nut_import.hpp"

namespace hidupsd {

namespace {

constexpr std::uintmax_t kMaxNutFile = 1024 * 1024;

/// The files of `dir` that exist; throws ConfigError for one that exists but cannot be read.
std::vector<nutconf::Source> readFiles(const std::filesystem::path& dir) {
  std::vector<nutconf::Source> files;
  std::vector<ConfigError::Entry> problems;
  for (const auto name : nutconf::kFileNames) {
    const auto path = dir / std::string(name);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    const auto fail = [&](const std::string& why) {
      problems.push_back({path.string(), 0, 0, "cannot read: " + why});
    };
    if (std::filesystem::is_directory(path, ec)) {
      fail("is a directory");
      continue;
    }
    if (std::filesystem::file_size(path, ec) > kMaxNutFile) {
      fail("larger than 1 MiB: not a NUT configuration file");
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
      fail(std::strerror(errno));
      continue;
    }
    files.push_back({std::string(name), path.string(), text.str()});
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return files;
}

std::size_t countOf(const nutconf::Import& import, nutconf::Dropped::Kind kind) {
  return static_cast<std::size_t>(
      std::count_if(import.dropped.begin(), import.dropped.end(),
                    [&](const nutconf::Dropped& d) { return d.kind == kind; }));
}

} // namespace

int runImportNut(const std::filesystem::path& dir, std::ostream& out, std::ostream& err) {
  try {
    const auto files = readFiles(dir);
    if (files.empty()) {
      err << fmt::format("hidupsd: {}: none of NUT's files is there ({})\n", dir.string(),
                         fmt::join(nutconf::kFileNames, ", "));
      return 1;
    }
    const auto import = nutconf::importNut(files);
    const std::string text = nutconf::render(import, dir.string());
    // The promise: what is printed passes --check-config. A failure here is a bug of the import.
    try {
      (void)parseConfig(text, "(the imported config)");
    } catch (const ConfigError& e) {
      err << "hidupsd: the imported config does not pass its own check (a bug: please report "
             "it with your NUT files):\n"
          << e.what() << "\n";
      return 1;
    }
    out << text;
    using K = nutconf::Dropped::Kind;
    err << fmt::format("hidupsd: {} lines read from {}: {} with no equivalent in hidupsd, {} not "
                       "needed (listed at the end of the output)\n",
                       import.lines, dir.string(), countOf(import, K::NoEquivalent),
                       countOf(import, K::NotNeeded));
    return 0;
  } catch (const ConfigError& e) {
    for (const auto& entry : e.entries())
      err << formatEntry(entry) << "\n";
    return 1;
  }
}

} // namespace hidupsd
