// SPDX-License-Identifier: GPL-2.0-or-later
// [[shed]] and [comeback]: defaults, ranges, one trigger per tier, errors at their place.
#include <doctest/doctest.h>

#include "config/config.hpp"
#include "tests/config/config_errors.hpp"

using namespace hidupsd;

namespace {

std::string errorOf(std::string_view text) {
  const auto all = test::errorLines([&] { parseConfig(text, "t.toml"); });
  REQUIRE_MESSAGE(all.size() == 1, doctest::toString(all.size()));
  return all[0];
}

} // namespace

TEST_CASE("[[shed]] and [comeback]: the defaults, the keys read, the dump read back") {
  const Config d = parseConfig("", "t.toml");
  CHECK(d.shed.empty());
  CHECK(d.comeback.enabled);
  CHECK(d.comeback.minCharge == 50);
  CHECK(d.comeback.stateFile == "/var/lib/hidupsd/comeback");
  CHECK(d.comeback.maxWait.count() == 86400);
  const Config c = parseConfig("[[shed]]\nname = \"lab\"\nguests = [105, 106]\ntags = [\"lab\", "
                               "\"test+x\"]\nafter_on_battery = 60\nrestart_on_mains = false\n"
                               "timeout = 30\n[[shed]]\ntags = [\"bulk\"]\ncharge_below = 40\n"
                               "[[shed]]\nguests = [300]\nruntime_below = 600\n"
                               "[comeback]\nenabled = false\nmin_charge = 80\n"
                               "state_file = \"/tmp/x/comeback\"\nmax_wait = 0\n",
                               "t.toml");
  REQUIRE(c.shed.size() == 3);
  CHECK(c.shed[0].name == "lab");
  CHECK(c.shed[0].guests == std::vector<int>{105, 106});
  CHECK(c.shed[0].tags == std::vector<std::string>{"lab", "test+x"});
  CHECK(c.shed[0].trigger == ShedTier::Trigger::AfterOnBattery);
  CHECK(c.shed[0].threshold == 60);
  CHECK_FALSE(c.shed[0].restartOnMains);
  CHECK(c.shed[0].timeout.count() == 30);
  CHECK(c.shed[1].name == "tier-2");
  CHECK(c.shed[1].trigger == ShedTier::Trigger::ChargeBelow);
  CHECK(c.shed[1].restartOnMains);
  CHECK(c.shed[1].timeout.count() == 120);
  CHECK(c.shed[2].trigger == ShedTier::Trigger::RuntimeBelow);
  CHECK(c.shed[2].threshold == 600);
  CHECK_FALSE(c.comeback.enabled);
  CHECK(c.comeback.minCharge == 80);
  CHECK(c.comeback.stateFile == "/tmp/x/comeback");
  CHECK(c.comeback.maxWait.count() == 0);
  CHECK(parseConfig(redacted(c), "dump") == c);
  CHECK(parseConfig(redacted(d), "dump") == d);
}

TEST_CASE("[[shed]]: exactly one trigger, something to stop, ranges, at their place") {
  CHECK(errorOf("[[shed]]\nguests = [105]\n") ==
        "t.toml:1:1: in [[shed]] #1: missing trigger: after_on_battery, charge_below or "
        "runtime_below");
  CHECK(errorOf("[[shed]]\nguests = [105]\nafter_on_battery = 5\ncharge_below = 50\n") ==
        "t.toml:4:16: in [[shed]] #1: after_on_battery and charge_below: a tier has exactly "
        "one trigger");
  CHECK(errorOf("[[shed]]\nafter_on_battery = 5\n") ==
        "t.toml:1:1: in [[shed]] #1: missing key 'guests' or 'tags': which guests the tier stops");
  CHECK(errorOf("[[shed]]\nguests = []\ntags = []\nafter_on_battery = 5\n") ==
        "t.toml:1:1: in [[shed]] #1: guests and tags are both empty: the tier would stop nothing");
  CHECK(errorOf("[[shed]]\nguests = [105]\nafter_on_battery = 0\n") ==
        "t.toml:3:20: in [[shed]] #1: after_on_battery = 0 is out of range 1..86400 s");
  CHECK(errorOf("[[shed]]\nguests = [105]\ncharge_below = 101\n") ==
        "t.toml:3:16: in [[shed]] #1: charge_below = 101 is out of range 1..100 %");
  CHECK(errorOf("[[shed]]\nguests = [99]\nruntime_below = 60\n") ==
        "t.toml:2:11: in [[shed]] #1: guests[0] = 99 is out of range 100..999999999");
  CHECK(errorOf("[[shed]]\nguests = [105]\nafter_on_battery = 5\ntimeout = 4\n") ==
        "t.toml:4:11: in [[shed]] #1: timeout = 4 is out of range 5..3600 s");
  CHECK(errorOf("[[shed]]\ntags = [\"-x\"]\nafter_on_battery = 5\n") ==
        "t.toml:2:9: in [[shed]] #1: tags[0] = \"-x\" is not a Proxmox tag "
        "([a-z0-9_][a-z0-9_+.-]*)");
  CHECK(errorOf("[[shed]]\nname = \"a b\"\nguests = [105]\nafter_on_battery = 5\n") ==
        "t.toml:2:8: in [[shed]] #1: name may hold only letters, digits, '_', '.' and '-'");
  CHECK(errorOf("[[shed]]\nguests = [105]\nafter_on_battery = 5\nrestart = true\n") ==
        "t.toml:4:1: in [[shed]] #1: unknown key 'restart'");
}

TEST_CASE("[[shed]]: a guest id in one tier only, names unique; [comeback] ranges") {
  CHECK(errorOf("[[shed]]\nname = \"a\"\nguests = [105]\nafter_on_battery = 5\n"
                "[[shed]]\nname = \"b\"\nguests = [106, 105]\ncharge_below = 50\n") ==
        "t.toml:7:16: in [[shed]] #2: guests[1]: 105 is already in tier \"a\"");
  CHECK(errorOf("[[shed]]\nname = \"a\"\nguests = [105]\nafter_on_battery = 5\n"
                "[[shed]]\nname = \"a\"\nguests = [106]\ncharge_below = 50\n") ==
        "t.toml:6:8: in [[shed]] #2: name: another tier has this name");
  CHECK(errorOf("[comeback]\nmin_charge = 101\n") ==
        "t.toml:2:14: in [comeback]: min_charge = 101 is out of range 0..100 %");
  CHECK(errorOf("[comeback]\nstate_file = \"comeback\"\n") ==
        "t.toml:2:14: in [comeback]: state_file must be an absolute path");
  const Config w = parseConfig("[comeback]\nwake = [\"AA-BB-CC-DD-EE-FF\", \"00:11:22:33:44:55\"]\n"
                               "wake_address = \"192.168.1.255\"\n",
                               "t.toml");
  CHECK(w.comeback.wake == std::vector<std::string>{"aa:bb:cc:dd:ee:ff", "00:11:22:33:44:55"});
  CHECK(w.comeback.wakeAddress == "192.168.1.255");
  CHECK(parseConfig(redacted(w), "dump") == w);
  CHECK(errorOf("[comeback]\nwake = [\"aa:bb:cc:dd:ee\"]\n") ==
        "t.toml:2:9: in [comeback]: wake[0] = \"aa:bb:cc:dd:ee\" is not a MAC address "
        "(aa:bb:cc:dd:ee:ff)");
  CHECK(errorOf("[comeback]\nwake = [\"aa:bb:cc:dd:ee:ff\", \"AA:BB:CC:DD:EE:FF\"]\n") ==
        "t.toml:2:30: in [comeback]: wake[1]: aa:bb:cc:dd:ee:ff is listed twice");
  CHECK(errorOf("[comeback]\nwake_address = \"::1\"\n") ==
        "t.toml:2:16: in [comeback]: wake_address must be an IPv4 address");
  CHECK(errorOf("shed = 1\n") == "t.toml:1:8: shed must be an array, not an integer");
}
