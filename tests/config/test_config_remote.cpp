// SPDX-License-Identifier: GPL-2.0-or-later
// [device] nut: a UPS followed over the NUT protocol: its keys, their errors at their place,
// the password as a secret (redacted, from a file).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "config/config.hpp"
#include "config/secret_reader.hpp"
#include "tests/config/config_errors.hpp"

using namespace hidupsd;

namespace {

class FileSecrets final : public config::SecretReader {
public:
  std::map<std::string, std::string> files;
  std::string file(const std::filesystem::path& path) const override {
    const auto it = files.find(path.string());
    if (it == files.end()) throw config::SecretError(path.string() + ": not found");
    return it->second;
  }
  std::string privateKey(const std::filesystem::path& path) const override { return file(path); }
  std::string credential(std::string_view name) const override {
    throw config::SecretError(std::string(name) + ": not found");
  }
};

std::vector<std::string> errorsOf(std::string_view text) {
  const FileSecrets none;
  return test::errorLines([&] { parseConfig(text, "t.toml", none); });
}

} // namespace

TEST_CASE("config: [device] nut reads the address, the login and the timeout") {
  const FileSecrets none;
  const auto c = parseConfig(R"([device]
nut = "ups@[::1]:3494"
username = "monuser"
password = "s3cret!"
nut_timeout = 3
poll_interval = 1
)",
                             "t.toml", none);
  REQUIRE(c.device.nut);
  CHECK(*c.device.nut == lib::NutAddress{"ups", "::1", 3494});
  CHECK(c.device.username == "monuser");
  CHECK(c.device.password == "s3cret!");
  CHECK(c.device.nutTimeout == std::chrono::seconds(3));
  const auto dump = redacted(c);
  CHECK(dump.find("nut = \"ups@[::1]:3494\"") != std::string::npos);
  CHECK(dump.find("password = \"<redacted>\"") != std::string::npos);
  CHECK(dump.find("s3cret!") == std::string::npos);
  CHECK(dump.find("vendor_id") == std::string::npos);
  CHECK(holdsSecrets(c));
  // The default port, no login: a read-only follower.
  const auto plain = parseConfig("[device]\nnut = \"ups@pve1\"\n", "t.toml", none);
  CHECK(plain.device.nut->port == 3493);
  CHECK(plain.device.nutTimeout == std::chrono::seconds(5));
  CHECK_FALSE(holdsSecrets(plain));
}

TEST_CASE("config: [device] password_file keeps the secret out of the file and the dump") {
  FileSecrets secrets;
  secrets.files["/etc/hidupsd/nut.pass"] = "from-a-file";
  const auto c = parseConfig(R"([device]
nut = "ups@10.0.0.1"
username = "monuser"
password_file = "/etc/hidupsd/nut.pass"
)",
                             "t.toml", secrets);
  CHECK(c.device.password == "from-a-file");
  CHECK_FALSE(holdsSecrets(c));
  const auto dump = redacted(c);
  CHECK(dump.find("password_file = \"/etc/hidupsd/nut.pass\"") != std::string::npos);
  CHECK(dump.find("from-a-file") == std::string::npos);
  // The dump reads back to the same device.
  CHECK(parseConfig(dump, "dump.toml", secrets).device == c.device);
}

TEST_CASE("config: [device] nut errors name their place") {
  struct Row {
    const char* text;
    std::vector<std::string> errors;
  };
  const Row rows[] = {
      {"[device]\nnut = \"localhost\"\n",
       {"t.toml:2:7: in [device]: nut \"localhost\" is not UPS@HOST[:PORT]: no '@' (the UPS's "
        "name on the server comes first)"}},
      {"[device]\nnut = \"ups@host:99999\"\n",
       {"t.toml:2:7: in [device]: nut \"ups@host:99999\" is not UPS@HOST[:PORT]: the port "
        "\"99999\" is not 1..65535"}},
      {"[device]\nnut = \"ups@host\"\nreplay = \"/tmp/x.replay\"\nserial = \"X\"\n",
       {"t.toml:3:10: in [device]: replay is for a local UPS, nut for a remote one: give one of "
        "them",
        "t.toml:4:10: in [device]: serial is for a local UPS, nut for a remote one: give one of "
        "them"}},
      {"[device]\nvendor_id = 0x0463\nproduct_id = 0xffff\nnut = \"ups@host\"\n",
       {"t.toml:2:13: in [device]: vendor_id is for a local UPS, nut for a remote one: give one "
        "of them",
        "t.toml:3:14: in [device]: product_id is for a local UPS, nut for a remote one: give one "
        "of them"}},
      {"[device]\nusername = \"mon\"\npassword = \"x\"\n",
       {"t.toml:2:12: in [device]: username is for a remote UPS: add nut",
        "t.toml:3:12: in [device]: password is for a remote UPS: add nut"}},
      {"[device]\nnut = \"ups@host\"\nusername = \"mon\"\n",
       {"t.toml:1:1: in [device]: username without password: add password (or password_file, "
        "password_credential)"}},
      {"[device]\nnut = \"ups@host\"\nnut_timeout = 0\n",
       {"t.toml:3:15: in [device]: nut_timeout = 0 is out of range 1..60 s"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    CHECK(errorsOf(row.text) == row.errors);
  }
}
