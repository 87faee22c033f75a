// SPDX-License-Identifier: GPL-2.0-or-later
// Importer: one --import-nut run, shared by its per-file parts (nut_import_*.cpp). Internal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/nut_conf.hpp"
#include "config/nut_import.hpp"

namespace hidupsd::nutconf {

/// One line of one of NUT's files.
struct At {
  const Source* file = nullptr;
  const Line* line = nullptr;

  std::size_t size() const noexcept { return line->words.size(); }
  /// Word `i` ("" past the end).
  const std::string& word(std::size_t i) const noexcept;
  /// "/etc/nut/ups.conf:4"
  std::string place() const;
};

/// A NUT notify type (upsmon.conf NOTIFYFLAG/NOTIFYMSG, upssched.conf AT).
struct NutNotify {
  std::string_view name;                ///< "ONBATT"
  std::optional<core::EventKind> event; ///< hidupsd's event, if it has one
  std::string_view message;             ///< upsmon's stock message ("%s": the UPS)
};

/// strcasecmp() == 0 in the C locale.
bool equalNoCase(std::string_view a, std::string_view b) noexcept;

/// The notify type named `name` (case-insensitive, as upsmon), or nullptr.
const NutNotify* notifyType(std::string_view name) noexcept;

/// What upsmon.conf says that other files need.
struct UpsmonFacts {
  std::string system;          ///< the local primary MONITOR: "eaton@localhost" ("" = none)
  std::string ups;             ///< its UPS name: "eaton"
  std::optional<At> notifyCmd; ///< the NOTIFYCMD line
  std::set<std::string> exec;  ///< the types whose NOTIFYFLAG holds EXEC (and not IGNORE)
  std::map<std::string, std::string> messages; ///< NOTIFYMSG type → message
  bool deadtime = false;                       ///< DEADTIME was set (it wins over a COMMBAD timer)
};

/// One run: reads the parsed files, fills an Import, collects refusals.
class Importer {
public:
  explicit Importer(const std::vector<Source>& files);
  /// Throws ConfigError with every refusal.
  Import run();

  // ---- what a part records (nut_import.cpp) ----
  /// `key` came from this line (a "from FILE:LINE: LINE" note above it), `why` added below.
  void carried(const At& at, std::string_view key, std::string_view why = {});
  /// A note above `key` that names no line.
  void note(std::string_view key, std::string text);
  void drop(const At& at, std::string reason, Dropped::Kind kind = Dropped::Kind::NoEquivalent);
  void notNeeded(const At& at, std::string reason) {
    drop(at, std::move(reason), Dropped::Kind::NotNeeded);
  }
  /// A line NUT refuses: an error at word `word` of it.
  void refuse(const At& at, std::size_t word, std::string message);
  /// Word `word` as whole seconds (or a count) in min..max; refused when not a number,
  /// dropped (with `key` named) when out of hidupsd's range. nullopt then.
  std::optional<std::int64_t> number(const At& at, std::size_t word, std::int64_t min,
                                     std::int64_t max, std::string_view key);
  /// The line as NUT read it, its secrets (passwords) as <redacted>.
  std::string shown(const At& at) const;
  /// The lines of file `name` (none when it is missing).
  std::vector<At> lines(std::string_view name) const;

  Import out;
  UpsmonFacts upsmon;
  std::string mode;            ///< nut.conf's MODE ("" = not set)
  std::optional<At> modeLine;  ///< where MODE was set
  std::string upsSection;      ///< the ups.conf section that is this host's UPS ("" = none)
  std::optional<At> upsHeader; ///< its [section] line
  bool server = false;         ///< [serve.nut] is written (upsd ran here for this UPS)

private:
  /// Refusals and dropped lines in file order (kFileNames), then line order.
  void sortByPlace();

  const std::vector<Source>& files_;
  std::map<std::string, File, std::less<>> parsed_;
  std::vector<ConfigError::Entry> refusals_;
};

/// "/sbin/shutdown -h +0" → its words when it is a plain command (letters, digits, spaces and
/// "_./+=:,@%-"), else {"/bin/sh", "-c", text} (NUT runs it through system()).
std::vector<std::string> commandOf(std::string_view text);

/// "policy.comms_lost_timeout" → "[policy] comms_lost_timeout", for messages.
std::string keyName(std::string_view path);

// The parts, one per file, in the order run() calls them (nut_import_<part>.cpp).
void scanUpsmon(Importer& im); ///< only the facts the files before upsmon.conf need
void importNutConf(Importer& im);
void importUpsConf(Importer& im);
void importUpsd(Importer& im);
void importUpsdUsers(Importer& im);
void importUpsmon(Importer& im);
/// upsmon.conf's NOTIFYCMD, NOTIFYFLAG and NOTIFYMSG, and upssched.conf: the exec [[notify]].
void importNotify(Importer& im);

// ---- shared by importNotify and importUpssched (nut_import_notify.cpp) ----

/// The notify types upsmon passes to NOTIFYCMD (EXEC) that have a hidupsd event, with the
/// NOTIFYFLAG line of each.
using ExecTypes = std::map<const NutNotify*, At>;

/// One call of a script: for `event`, `word` as its last argument, asked by line `at`.
struct Call {
  core::EventKind event;
  std::string word;
  At at;
};

/// "/usr/local/bin/upssched-cmd" → its words; a shell command line → sh -c with the word as
/// "$1" (upsmon and upssched run both through system(), the word appended).
std::vector<std::string> scriptCommand(const std::string& text);

/// `calls` (in the order NUT makes them) → exec [[notify]] entries running `command`: a call
/// goes to the first entry that does not have its event yet (NUT runs the script once per
/// call; hidupsd once per entry and event). `origin` is the entries' note.
void writeSinks(Importer& im, const std::vector<std::string>& command, const At& commandLine,
                const std::vector<Call>& calls, std::string_view origin);

/// upssched.conf, run by upsmon for the `exec` types (nut_import_upssched.cpp).
void importUpssched(Importer& im, const At& notifyCmd, const ExecTypes& exec);

} // namespace hidupsd::nutconf
