// SPDX-License-Identifier: GPL-2.0-or-later
// importNut: NUT's six configuration files → a hidupsd Config, where each key came from, and
// every line that was not carried over with the reason (hidupsd --import-nut).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace hidupsd::nutconf {

/// One of NUT's files as read.
struct Source {
  std::string name; ///< one of kFileNames
  std::string path; ///< how messages name it: "/etc/nut/ups.conf"
  std::string text;
};

/// The files --import-nut reads, in this order. Any of them may be missing.
inline constexpr std::array<std::string_view, 6> kFileNames = {
    "nut.conf", "ups.conf", "upsd.conf", "upsd.users", "upsmon.conf", "upssched.conf"};

/// A line not carried over, and why.
struct Dropped {
  std::string place;  ///< "/etc/nut/ups.conf:4" (":4:12" for what the parser changed)
  std::string line;   ///< the line as NUT read it (nutconf::render), secrets as <redacted>
  std::string reason; ///< a sentence
  enum class Kind : std::uint8_t {
    NoEquivalent, ///< hidupsd cannot do what this line asked
    NotNeeded,    ///< hidupsd needs nothing for it (it is the driver, it reads the UPS itself…)
    Changed,      ///< not a line: something NUT's parser changed while reading (kept as NUT has it)
  } kind = Kind::NoEquivalent;
  bool operator==(const Dropped&) const = default;
};

struct Import {
  /// hidupsd's defaults, with what NUT set; simulation = true whatever NUT did.
  Config config;
  KeyNotes notes;                   ///< above each key: the NUT line(s) it came from, and why
  std::vector<Dropped> dropped;     ///< in file order, then line order
  std::vector<std::string> read;    ///< the paths read
  std::vector<std::string> missing; ///< the names of the files that were not there
  std::size_t lines = 0;            ///< the lines read (comments and blank lines aside)
};

/// Maps NUT's `files` (by name; a name not given is a missing file) as NUT 2.8 reads them
/// (common/parseconf.c, then each program's own rules, e.g. upsd's case-sensitive
/// directives). Pure. Throws ConfigError, one FILE:LINE:COL entry per line NUT itself refuses:
/// parse errors, an old-style MONITOR without a user, an AT before CMDSCRIPT/PIPEFN/LOCKFN,
/// a number that is not one.
Import importNut(const std::vector<Source>& files);

/// The --import-nut output: a header, the config with its notes (annotated()), then every
/// line not carried over, as comments. parseConfig reads it; `dir` names the NUT directory.
std::string render(const Import& import, std::string_view dir);

} // namespace hidupsd::nutconf
