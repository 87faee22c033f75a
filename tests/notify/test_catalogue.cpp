// SPDX-License-Identifier: GPL-2.0-or-later
// The message catalogue: every key in every language with the same values, and every key the
// code says exists.
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "notify/catalogue.hpp"

using namespace hidupsd::notify;
using hidupsd::core::Phrase;

namespace {

std::map<std::string, std::string> tableOf(Language language) {
  std::map<std::string, std::string> out;
  for (const auto& m : messages(language)) {
    CAPTURE(m.key);
    CHECK_MESSAGE(out.emplace(std::string(m.key), std::string(m.text)).second, "key twice");
  }
  return out;
}

std::string nameOf(Language l) { return l == Language::Fr ? "fr" : "en"; }

} // namespace

TEST_CASE("every language has every key, with the same values, and nothing empty") {
  const auto english = tableOf(Language::En);
  REQUIRE(english.size() > 80);
  for (const Language language : kLanguages) {
    const auto table = tableOf(language);
    CAPTURE(nameOf(language));
    for (const auto& [key, text] : english) {
      CAPTURE(key);
      REQUIRE_MESSAGE(table.contains(key), "a key lacks its translation");
      CHECK(!table.at(key).empty());
      CHECK(placeholdersOf(table.at(key)) == placeholdersOf(text));
    }
    for (const auto& [key, text] : table) {
      CAPTURE(key);
      CHECK_MESSAGE(english.contains(key), "a key English does not have");
    }
  }
}

TEST_CASE("a missing translation falls back to English, a missing key to itself") {
  CHECK(text("reason.low_battery", Language::Fr) == "l'onduleur signale une batterie faible");
  CHECK(text("no.such.key", Language::Fr) == "no.such.key");
  CHECK(hasKey("reason.low_battery"));
  CHECK_FALSE(hasKey("no.such.key"));
}

TEST_CASE("phrases: values, nested phrases, French decimals, missing values") {
  const Phrase summary = Phrase("progress.summary")
                             .with("stopped", "3")
                             .with("total", "4")
                             .with("forced", "1")
                             .with("failed", "0")
                             .with("left", "0")
                             .with("already", "")
                             .with("elapsed", "4.2");
  CHECK(say(summary, Language::En) == "guests: 3 of 4 stopped cleanly, 1 force-stopped, 0 failed, "
                                      "0 left running, in 4.2 s");
  CHECK(say(summary, Language::Fr) == "VM et conteneurs : arrêt propre 3/4, arrêt forcé 1, "
                                      "échec 0, toujours en marche 0, en 4,2 s");
  // Guests that stopped before their turn: counted apart, a phrase inside the phrase.
  Phrase skipped = summary;
  skipped.args.erase(std::find_if(skipped.args.begin(), skipped.args.end(),
                                  [](const Phrase::Arg& a) { return a.name == "already"; }));
  skipped.args.push_back({"already", "", {Phrase("progress.already_stopped").with("count", "2")}});
  CHECK(say(skipped, Language::En) == "guests: 3 of 4 stopped cleanly, 1 force-stopped, 0 failed, "
                                      "0 left running, 2 already stopped, in 4.2 s");
  CHECK(say(skipped, Language::Fr) == "VM et conteneurs : arrêt propre 3/4, arrêt forcé 1, "
                                      "échec 0, toujours en marche 0, déjà arrêtés 2, en 4,2 s");
  const Phrase online =
      Phrase("reason.shutdown_goes_on")
          .with("before", Phrase("reason.mains_back").with("seconds", "5").with("outage", "61.0"));
  CHECK(say(online, Language::En) ==
        "mains back for 5 s after an outage of 61.0 s; the shutdown goes on: the UPS then cuts "
        "and restores its output, and the host starts again");
  CHECK(say(online, Language::Fr)
            .starts_with("secteur revenu depuis 5 s, après une coupure de "
                         "61,0 s ; l'arrêt continue"));
  // Only a value that is a decimal number changes: a command, a version, an address stay.
  CHECK(say(Phrase("progress.power_off").with("command", "/usr/bin/x 1.5 2.8.0 10.0.0.1"),
            Language::Fr) == "extinction de l'hôte : /usr/bin/x 1.5 2.8.0 10.0.0.1");
  CHECK(say(Phrase("reason.on_battery").with("seconds", "-0.5"), Language::Fr) ==
        "sur batterie depuis -0,5 s");
  CHECK(say(Phrase("reason.on_battery").with("seconds", "2.8.0"), Language::Fr) ==
        "sur batterie depuis 2.8.0 s");
  CHECK(say(Phrase("reason.on_battery"), Language::En) == "on battery for n/a s");
  CHECK(say(Phrase(), Language::Fr).empty());
}

TEST_CASE("runtime as people read it: seconds under ten minutes") {
  CHECK(durationText(0, Language::En) == "0 s");
  CHECK(durationText(29.6, Language::En) == "30 s");
  CHECK(durationText(59, Language::Fr) == "59 s");
  CHECK(durationText(60, Language::En) == "1 min 0 s");
  CHECK(durationText(168, Language::Fr) == "2 min 48 s");
  CHECK(durationText(599, Language::En) == "9 min 59 s");
  CHECK(durationText(600, Language::En) == "10 min");
  CHECK(durationText(1772, Language::En) == "30 min");
  CHECK(durationText(-1, Language::En) == "n/a");
  CHECK(durationText(std::numeric_limits<double>::quiet_NaN(), Language::En) == "n/a");
}

// A typo in a key would show a raw key to people: every key the code spells out must exist.
TEST_CASE("every catalogue key written in the sources exists") {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  if (root == nullptr) {
    MESSAGE("skipped: needs HIDUPSD_SOURCE_ROOT");
    return;
  }
  const std::regex literal(
      R"re("((reason|progress|plain|state|field|body|severity|unit|marker|event|preflight)\.[a-z_.]+[a-z_])")re");
  std::set<std::string> used;
  for (const char* folder : {"core", "ups", "notify", "proxmox", "serve", "src", "config"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(root) / folder)) {
      const auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      if (entry.path().filename().string().starts_with("messages_")) continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      for (std::sregex_iterator it(s.begin(), s.end(), literal), end; it != end; ++it)
        used.insert((*it)[1]);
    }
  }
  CHECK(used.size() > 30);
  for (const auto& key : used) {
    CAPTURE(key);
    CHECK(hasKey(key));
  }
}
