// SPDX-License-Identifier: GPL-2.0-or-later
// [[device]] and [policy] min_supplies: several UPSes, their names and supplies, errors at
// their place, and a dump that reads back.
#include <doctest/doctest.h>

#include <string>

#include "config/config.hpp"
#include "tests/config/config_errors.hpp"

using namespace hidupsd;

namespace {

std::vector<std::string> errorsOf(std::string_view text) {
  return test::errorLines([&] { parseConfig(text, "t.toml"); });
}

constexpr std::string_view kTwo = R"([[device]]
name = "left"
replay = "/tmp/a.replay"

[[device]]
name = "right"
nut = "ups@pve2"
supplies = 2

[policy]
min_supplies = 2
)";

} // namespace

TEST_CASE("config: [[device]] lists several UPSes with names and supplies") {
  const auto c = parseConfig(kTwo, "t.toml");
  CHECK(c.deviceArray);
  CHECK(c.device.name == "left");
  CHECK(c.device.supplies == 1);
  REQUIRE(c.moreDevices.size() == 1);
  CHECK(c.moreDevices[0].name == "right");
  CHECK(c.moreDevices[0].supplies == 2);
  CHECK(c.moreDevices[0].nut);
  CHECK(c.policy.minSupplies == 2);
  const auto all = allDevices(c);
  REQUIRE(all.size() == 2);
  CHECK(upsNameOf(c, all[1]) == "right");
  // The dump reads back as the same config, [[device]] kept.
  const auto dump = redacted(c);
  CHECK(dump.find("[[device]]\nname = \"left\"") != std::string::npos);
  CHECK(dump.find("min_supplies = 2") != std::string::npos);
  CHECK(parseConfig(dump, "dump.toml") == c);
}

TEST_CASE("config: one UPS keeps its zero-configuration name and defaults") {
  const auto plain = parseConfig("[device]\nserial = \"X\"\n", "t.toml");
  CHECK_FALSE(plain.deviceArray);
  CHECK(plain.moreDevices.empty());
  CHECK(plain.device.supplies == 1);
  CHECK(plain.policy.minSupplies == 1);
  CHECK(upsNameOf(plain, plain.device) == "ups");
  const auto served = parseConfig("[device]\n[serve.nut]\nname = \"eaton\"\n", "t.toml");
  CHECK(upsNameOf(served, served.device) == "eaton");
  // The default keys stay out of the dump: it reads as before.
  CHECK(redacted(plain).find("supplies") == std::string::npos);
  // A single [[device]] needs no name, and reads back as [[device]].
  const auto one = parseConfig("[[device]]\nreplay = \"/x\"\n", "t.toml");
  CHECK(one.deviceArray);
  CHECK(upsNameOf(one, one.device) == "ups");
  CHECK(parseConfig(redacted(one), "dump.toml") == one);
  // A monitor-only UPS beside one that feeds the host.
  const auto watch =
      parseConfig("[[device]]\nname = \"a\"\n[[device]]\nname = \"b\"\nnut = \"ups@pve2\"\n"
                  "supplies = 0\n",
                  "t.toml");
  CHECK(watch.moreDevices.at(0).supplies == 0);
  CHECK(parseConfig(redacted(watch), "dump.toml") == watch);
}

TEST_CASE("config: [[device]] errors name their place") {
  CHECK(errorsOf("[[device]]\nreplay = \"/a\"\n[[device]]\nname = \"b\"\n") ==
        std::vector<std::string>{
            "t.toml:1:1: in [[device]] #1: missing key 'name': each of several UPSes needs one"});
  CHECK(errorsOf("[[device]]\nname = \"a\"\n[[device]]\nname = \"a\"\nreplay = \"/r\"\n") ==
        std::vector<std::string>{
            "t.toml:4:8: in [[device]] #2: name: \"a\" names another [[device]] too"});
  CHECK(errorsOf("[[device]]\nname = \"a b\"\n") ==
        std::vector<std::string>{
            "t.toml:2:8: in [[device]] #1: name must be letters, digits, '.', '_' or '-'"});
  CHECK(errorsOf("[[device]]\nname = \"a\"\nsupplies = 17\n") ==
        std::vector<std::string>{
            "t.toml:3:12: in [[device]] #1: supplies = 17 is out of range 0..16"});
  CHECK(errorsOf("[[device]]\nname = \"a\"\nsuplies = 1\n") ==
        std::vector<std::string>{
            "t.toml:3:1: in [[device]] #1: unknown key 'suplies' (did you mean 'supplies'?)"});
  std::string nine;
  for (int i = 1; i <= 9; ++i)
    nine += "[[device]]\nname = \"u" + std::to_string(i) + "\"\nserial = \"" + std::to_string(i) +
            "\"\n";
  CHECK(errorsOf(nine) == std::vector<std::string>{"t.toml:25:1: [[device]] #9: at most 8 UPSes"});
  // Two USB UPSes selected the same way would be one.
  CHECK(errorsOf("[[device]]\nname = \"a\"\n[[device]]\nname = \"b\"\n") ==
        std::vector<std::string>{"t.toml:3:1: in [[device]] #2: it selects the same USB UPS as "
                                 "[[device]] #1: give each its serial"});
  CHECK(errorsOf("[[device]]\nname = \"a\"\nserial = \"A\"\n[[device]]\nname = \"b\"\n"
                 "serial = \"B\"\n")
            .empty());
  // TOML itself refuses a table and an array of tables under one name.
  CHECK_FALSE(errorsOf("[device]\nserial = \"a\"\n[[device]]\nname = \"b\"\n").empty());
}

TEST_CASE("config: min_supplies is at most the supplies the UPSes feed") {
  CHECK(errorsOf("[device]\n[policy]\nmin_supplies = 2\n") ==
        std::vector<std::string>{
            "t.toml:3:16: in [policy]: min_supplies = 2 is more than the 1 power supplies the "
            "UPSes feed (the sum of their supplies): the host would shut down at once"});
  CHECK(
      errorsOf("[policy]\nmin_supplies = 0\n") ==
      std::vector<std::string>{"t.toml:2:16: in [policy]: min_supplies = 0 is out of range 1..64"});
  // Every UPS monitor-only: the check points at the devices.
  CHECK(errorsOf("[device]\nsupplies = 0\n") ==
        std::vector<std::string>{
            "t.toml:1:1: in [policy]: min_supplies = 1 is more than the 0 power supplies the "
            "UPSes feed (the sum of their supplies): the host would shut down at once"});
  const auto two = parseConfig("[[device]]\nname = \"a\"\n[[device]]\nname = \"b\"\nreplay = "
                               "\"/r\"\n[policy]\nmin_supplies = 2\n",
                               "t.toml");
  CHECK(two.policy.minSupplies == 2);
}
