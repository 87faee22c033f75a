// SPDX-License-Identifier: GPL-2.0-or-later
// The TOML config: defaults, every error class at its FILE:LINE:COL, redaction, --check-config.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include "config/config.hpp"
#include "tests/config/config_errors.hpp"
#include "tests/support/test_support.hpp"

using namespace hidupsd;
namespace t = hidupsd::test;
using std::chrono::seconds;

namespace {

/// Every error of `text` as "t.toml:LINE:COL: message"; empty when it parses.
std::vector<std::string> errorsOf(std::string_view text) {
  return t::errorLines([&] { parseConfig(text, "t.toml"); });
}

/// The only error of `text`.
std::string errorOf(std::string_view text) {
  const auto errors = errorsOf(text);
  REQUIRE(errors.size() == 1);
  return errors[0];
}

std::filesystem::path shippedConfig() {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  return std::filesystem::path(root != nullptr ? root : ".") / "hidupsd.toml";
}

/// The shipped file with every commented-out key and table switched on
/// ("#key = ..." and "#[table]" lines; "# prose" and "## notes" stay comments).
std::string uncommented(const std::string& text) {
  static const std::regex commentedOut("^#([a-z_]+ =|\\[)");
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);)
    out += (std::regex_search(line, commentedOut) ? line.substr(1) : line) + "\n";
  return out;
}

} // namespace

TEST_CASE("an empty file or missing sections give DESIGN.md's defaults") {
  const Config c = parseConfig("", "t.toml");
  CHECK(c == Config{});
  CHECK(parseConfig("[device]\n[policy]\n[shutdown]\n[proxmox]\n[log]\n", "t.toml") == Config{});
  CHECK_FALSE(c.device.vendorId);
  CHECK(c.device.pollInterval == seconds(2));
  CHECK(c.policy.onBatteryDelay == seconds(5));
  CHECK(c.policy.onlineDelay == seconds(5));
  CHECK(c.policy.shutdownOnLowBattery);
  CHECK(c.policy.shutdownChargeBelow == 0);
  CHECK(c.policy.commsLostTimeout == seconds(15));
  CHECK(c.policy.nocommWarnTime == seconds(300));
  CHECK(c.policy.simulation);
  CHECK(c.shutdown.strategy == ShutdownStrategy::Guests);
  CHECK(c.shutdown.guestTimeout == seconds(180));
  CHECK(c.shutdown.hostCommand == std::vector<std::string>{"systemctl", "poweroff"});
  CHECK(c.shutdown.upsOffDelay == seconds(60));
  CHECK(c.shutdown.upsOnDelay > c.shutdown.upsOffDelay);
  CHECK(c.shutdown.deadlineMargin == seconds(60));
  CHECK(c.proxmox.qm == "/usr/sbin/qm");
  CHECK(c.proxmox.pvesh == "/usr/bin/pvesh");
  CHECK(c.proxmox.node.empty());
  CHECK(c.proxmox.pmxcfs == "/etc/pve");
  CHECK(c.proxmox.planRefresh == seconds(60));
  CHECK(c.log.file == "/var/log/ups-shutdown.log");
  CHECK(c.log.level == log::Level::Info);
  CHECK(c.notify.empty());
  CHECK_FALSE(c.nut);
  CHECK_FALSE(c.metrics);
}

TEST_CASE("a present [serve.*] table turns its server on with default addresses") {
  const Config c = parseConfig("[serve.nut]\n[serve.metrics]\n", "t.toml");
  REQUIRE(c.nut);
  CHECK(hostPort(c.nut->listen) == "127.0.0.1:3493");
  CHECK(c.nut->name == "ups");
  REQUIRE(c.metrics);
  CHECK(hostPort(c.metrics->listen) == "127.0.0.1:9199");
  const Config v6 = parseConfig("[serve.nut]\nlisten = \"[::1]:0\"\n", "t.toml");
  CHECK(v6.nut->listen == ListenAddress{"::1", 0});
  CHECK(hostPort(v6.nut->listen) == "[::1]:0");
}

TEST_CASE("[serve.control]: the socket and its group, checked where they are written") {
  const Config d = parseConfig("", "t.toml");
  CHECK(d.control.socket == "/run/hidupsd/control.sock");
  CHECK(d.control.group == "hidupsd");
  const Config c =
      parseConfig("[serve.control]\nsocket = \"/tmp/x/c.sock\"\ngroup = \"\"\n", "t.toml");
  CHECK(c.control.socket == "/tmp/x/c.sock");
  CHECK(c.control.group.empty());
  CHECK(errorOf("[serve.control]\nsocket = \"run/c.sock\"\n") ==
        "t.toml:2:10: in [serve.control]: socket must be an absolute path of at most 107 bytes");
  CHECK(errorOf("[serve.control]\nsocket = \"/" + std::string(120, 'a') + "\"\n")
            .find("at most 107 bytes") != std::string::npos);
  CHECK(errorOf("[serve.control]\nsocket = \"/run/hidupsd/\"\n").find("not a folder") !=
        std::string::npos);
  CHECK(errorOf("[serve.control]\ngroup = \"wheel users\"\n").find("must be a group name") !=
        std::string::npos);
  CHECK(errorOf("[serve.control]\nmode = 438\n").find("t.toml:2:1:") == 0); // unknown key
}

TEST_CASE("USB ids are TOML integers or hex strings, both or neither") {
  const auto ids = [](std::string_view v, std::string_view p) {
    const Config c = parseConfig("[device]\nvendor_id = " + std::string(v) +
                                     "\nproduct_id = " + std::string(p) + "\n",
                                 "t.toml");
    return std::pair(*c.device.vendorId, *c.device.productId);
  };
  CHECK(ids("0x0463", "0xffff") == std::pair<std::uint16_t, std::uint16_t>(0x0463, 0xffff));
  CHECK(ids("\"0463\"", "\"FFFF\"") == std::pair<std::uint16_t, std::uint16_t>(0x0463, 0xffff));
  CHECK(ids("\"0x051d\"", "1") == std::pair<std::uint16_t, std::uint16_t>(0x051d, 1));
  CHECK(errorOf("[device]\nvendor_id = \"04g3\"\nproduct_id = 1\n") ==
        "t.toml:2:13: in [device]: vendor_id = \"04g3\" is not a hex USB id (\"0463\" or 0x0463)");
  CHECK(errorOf("[device]\nvendor_id = 1\nproduct_id = 0x10000\n") ==
        "t.toml:3:14: in [device]: product_id = 65536 is out of range 0..65535");
  CHECK(errorOf("[device]\nvendor_id = 1\nproduct_id = true\n") ==
        "t.toml:3:14: in [device]: product_id must be an integer (0x0463) or a hex string "
        "(\"0463\"), not a boolean");
  CHECK(errorOf("[device]\nproduct_id = 1\n") ==
        "t.toml:2:14: in [device]: vendor_id and product_id go together: add vendor_id");
}

TEST_CASE("unknown keys are errors at the key, with the section as context") {
  CHECK(errorOf("foo = 1\n") == "t.toml:1:1: unknown key 'foo'");
  CHECK(errorOf("\n[devices]\n") == "t.toml:2:2: unknown table 'devices' (did you mean 'device'?)");
  CHECK(errorOf("[device]\nserial = \"\"\n  pol_interval = 2\n") ==
        "t.toml:3:3: in [device]: unknown key 'pol_interval' (did you mean 'poll_interval'?)");
  CHECK(errorOf("[serve]\nhttp = 1\n") == "t.toml:2:1: in [serve]: unknown key 'http'");
  CHECK(errorOf("[serve.nutt]\n") ==
        "t.toml:1:8: in [serve]: unknown table 'nutt' (did you mean 'nut'?)");
  CHECK(errorOf("[serve.nut]\n[[serve.nut.users]]\nname = \"a\"\npassword = \"b\"\nrole = 1\n") ==
        "t.toml:5:1: in [[serve.nut.users]] #1: unknown key 'role'");
}

TEST_CASE("a key of another notify type is unknown in [[notify]] #N (type)") {
  const std::string text = R"([[notify]]
type = "exec"
command = ["/bin/true"]

[[notify]]
type = "discord"
url = "https://discord.com/api/webhooks/1/abc"
topic = "ups"
)";
  CHECK(errorOf(text) == "t.toml:8:1: in [[notify]] #2 (discord): unknown key 'topic'");
  CHECK(
      errorOf("[[notify]]\ntype = \"ntfy\"\ntopic = \"a\"\n[notify.templates]\nonbat = \"x\"\n") ==
      "t.toml:5:1: in [[notify]] #1 (ntfy): templates: unknown event 'onbat' "
      "(did you mean 'onbatt'?)");
}

TEST_CASE("wrong types name the key, what it must be and what it is") {
  CHECK(errorOf("[device]\npoll_interval = \"2\"\n") ==
        "t.toml:2:17: in [device]: poll_interval must be an integer (whole seconds), not a string");
  // Durations are whole seconds: a float is an error, not silently truncated.
  CHECK(errorOf("[policy]\ncomms_lost_timeout = 2.5\n") ==
        "t.toml:2:22: in [policy]: comms_lost_timeout must be an integer (whole seconds), "
        "not a float");
  CHECK(errorOf("[policy]\nsimulation = \"no\"\n") ==
        "t.toml:2:14: in [policy]: simulation must be a boolean (true or false), not a string");
  CHECK(errorOf("[shutdown]\nhost_command = \"poweroff\"\n") ==
        "t.toml:2:16: in [shutdown]: host_command must be an array, not a string");
  CHECK(errorOf("[shutdown]\nhost_command = [\"a\", 2]\n") ==
        "t.toml:2:22: in [shutdown]: host_command[1] must be a string, not an integer");
  CHECK(errorOf("device = 1\n") == "t.toml:1:10: device must be a table, not an integer");
  CHECK(errorOf("notify = 1\n") == "t.toml:1:10: notify must be an array, not an integer");
}

TEST_CASE("values out of range name the range and unit") {
  CHECK(errorOf("[device]\npoll_interval = 0\n") ==
        "t.toml:2:17: in [device]: poll_interval = 0 is out of range 1..3600 s");
  CHECK(errorOf("[policy]\nshutdown_charge_below = 150\n") ==
        "t.toml:2:25: in [policy]: shutdown_charge_below = 150 is out of range 0..100 %");
  CHECK(errorOf("[policy]\non_battery_delay = -1\n") ==
        "t.toml:2:20: in [policy]: on_battery_delay = -1 is out of range 0..3600 s");
  CHECK(
      errorOf("[shutdown]\nups_off_delay = 60\nups_on_delay = 60\n") ==
      "t.toml:3:16: in [shutdown]: ups_on_delay = 60 s must be greater than ups_off_delay = 60 s");
  CHECK(
      errorOf("[shutdown]\nups_off_delay = 120\n") ==
      "t.toml:2:17: in [shutdown]: ups_on_delay = 90 s must be greater than ups_off_delay = 120 s");
  CHECK(errorOf("[proxmox]\nexclude = [100, 99]\n") ==
        "t.toml:2:17: in [proxmox]: exclude[1] = 99 is out of range 100..999999999");
  CHECK(errorOf("[proxmox]\nexclude = [100, 100]\n") ==
        "t.toml:2:17: in [proxmox]: exclude[1]: 100 is listed twice");
  CHECK(errorOf("[proxmox]\nqm = \"qm\"\n") ==
        "t.toml:2:6: in [proxmox]: qm must be an absolute path");
  CHECK(errorOf("[proxmox]\npmxcfs = \"etc/pve\"\n") ==
        "t.toml:2:10: in [proxmox]: pmxcfs must be an absolute path, or \"\" for none");
  CHECK(errorOf("[proxmox]\nplan_refresh = 4\n") ==
        "t.toml:2:16: in [proxmox]: plan_refresh = 4 is out of range 5..3600 s");
  CHECK(parseConfig("[proxmox]\npmxcfs = \"\"\nplan_refresh = 3600\n", "t.toml")
            .proxmox.pmxcfs.empty());
  CHECK(errorOf("[[notify]]\ntype = \"exec\"\ncommand = [\"/x\"]\nretries = 11\n") ==
        "t.toml:4:11: in [[notify]] #1 (exec): retries = 11 is out of range 0..10");
  CHECK(errorOf("[serve.metrics]\nlisten = \"localhost:70000\"\n") ==
        "t.toml:2:10: in [serve.metrics]: listen = \"localhost:70000\" is not HOST:PORT "
        "(\"127.0.0.1:3493\", \"[::1]:3493\")");
}

TEST_CASE("enum values must be one of their names") {
  CHECK(errorOf("[shutdown]\nstrategy = \"all\"\n") ==
        "t.toml:2:12: in [shutdown]: strategy = \"all\" is not \"guests\" or \"stopall\"");
  CHECK(errorOf("[[notify]]\ntype = \"slack\"\nurl = \"x\"\n") ==
        "t.toml:2:8: in [[notify]] #1: type = \"slack\" is not \"discord\", \"webhook\", \"ntfy\", "
        "\"smtp\" or \"exec\"");
  CHECK(errorOf("[[notify]]\nurl = \"x\"\n") ==
        "t.toml:1:1: in [[notify]] #1: missing key 'type' (\"discord\", \"webhook\", \"ntfy\", "
        "\"smtp\" or \"exec\")");
  CHECK(errorOf("[[notify]]\ntype = \"exec\"\ncommand = [\"/x\"]\nlanguage = \"de\"\n") ==
        "t.toml:4:12: in [[notify]] #1 (exec): language = \"de\" is not \"en\" or \"fr\"");
  CHECK(
      errorOf(
          "[[notify]]\ntype = \"exec\"\ncommand = [\"/x\"]\nevents = [\"onbatt\", \"onbat\"]\n") ==
      "t.toml:4:21: in [[notify]] #1 (exec): events: unknown event 'onbat' (did you mean "
      "'onbatt'?)");
  CHECK(errorOf("[log]\nlevel = \"verbose\"\n") ==
        "t.toml:2:9: in [log]: level = \"verbose\" is not \"debug\", \"info\", \"notice\", "
        "\"warning\" or \"error\"");
  CHECK(errorOf("[serve.nut]\n[[serve.nut.users]]\nname = \"a\"\npassword = \"b\"\n"
                "rights = [\"root\"]\n") ==
        "t.toml:5:11: in [[serve.nut.users]] #1: rights: \"root\" is not \"secondary\", "
        "\"primary\", \"fsd\", "
        "\"instcmd\" or \"set\"");
}

TEST_CASE("[device] backend and descriptor_fixups") {
  const auto c =
      parseConfig("[device]\nbackend = \"hidraw\"\ndescriptor_fixups = false\n", "t.toml");
  CHECK(c.device.backend == DeviceBackend::Hidraw);
  CHECK_FALSE(c.device.descriptorFixups);
  CHECK(parseConfig("", "t.toml").device.backend == DeviceBackend::Auto);
  CHECK(parseConfig("", "t.toml").device.descriptorFixups);
  CHECK(errorOf("[device]\nbackend = \"hidapi\"\n") ==
        "t.toml:2:11: in [device]: backend = \"hidapi\" is not \"auto\", \"hidraw\" or "
        "\"libusb\"");
  CHECK(errorOf("[device]\ndescriptor_fixups = \"no\"\n") ==
        "t.toml:2:21: in [device]: descriptor_fixups must be a boolean (true or false), not a "
        "string");
}

TEST_CASE("required keys of a notify type are reported at its [[notify]] header") {
  CHECK(errorOf("[[notify]]\ntype = \"discord\"\n") ==
        "t.toml:1:1: in [[notify]] #1 (discord): missing key 'url' (or url_file, url_credential)");
  CHECK(errorOf("[[notify]]\ntype = \"webhook\"\nurl = \"ftp://x\"\n") ==
        "t.toml:3:7: in [[notify]] #1 (webhook): url must be an http:// or https:// URL");
  // No host: the redacted dump could not name one either (found by fuzz_config).
  CHECK(errorOf("[[notify]]\ntype = \"ntfy\"\nurl = \"https://#tfy.sh\"\ntopic = \"t\"\n") ==
        "t.toml:3:7: in [[notify]] #1 (ntfy): url must name a host after https://");
  CHECK(errorOf("[[notify]]\ntype = \"webhook\"\nurl = \"http://user:pw@:8080/x\"\n") ==
        "t.toml:3:7: in [[notify]] #1 (webhook): url must name a host after http://");
  CHECK(errorsOf("[[notify]]\ntype = \"webhook\"\nurl = \"https://[::1]:8080/x\"\n").empty());
  CHECK(errorsOf("[[notify]]\ntype = \"smtp\"\n") ==
        std::vector<std::string>{"t.toml:1:1: in [[notify]] #1 (smtp): missing key 'server'",
                                 "t.toml:1:1: in [[notify]] #1 (smtp): missing key 'from'",
                                 "t.toml:1:1: in [[notify]] #1 (smtp): missing key 'to'"});
}

TEST_CASE("a TOML syntax error is reported at its place") {
  CHECK(errorOf("[device]\npoll_interval = \n") ==
        "t.toml:2:17: Error while parsing key-value pair: expected value, saw '\\n'");
  CHECK(errorOf("[device\n").starts_with("t.toml:1:8: "));
  CHECK(
      errorOf("[device]\nserial = \"a\"\nserial = \"b\"\n") ==
      "t.toml:3:10: Error while parsing key-value pair: cannot redefine existing string 'serial'");
}

TEST_CASE("a missing file is one error naming the path") {
  try {
    loadConfig("/nonexistent/hidupsd.toml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    REQUIRE(e.entries().size() == 1);
    CHECK(std::string(e.what()) ==
          "/nonexistent/hidupsd.toml: cannot read: No such file or directory");
  }
}

TEST_CASE("every error is reported, in file order, one per line of what()") {
  const std::string text = R"([shutdown]
strategy = "all"
[device]
poll_interval = 0
colour = "red"
[[notify]]
type = "exec"
command = []
[[notify]]
type = "discord"
url = "https://discord.com/api/webhooks/1/x"
language = "de"
)";
  const std::vector<std::string> expected = {
      "t.toml:2:12: in [shutdown]: strategy = \"all\" is not \"guests\" or \"stopall\"",
      "t.toml:4:17: in [device]: poll_interval = 0 is out of range 1..3600 s",
      "t.toml:5:1: in [device]: unknown key 'colour'",
      "t.toml:8:11: in [[notify]] #1 (exec): command must not be empty",
      "t.toml:12:12: in [[notify]] #2 (discord): language = \"de\" is not \"en\" or \"fr\""};
  CHECK(errorsOf(text) == expected);
  try {
    parseConfig(text, "t.toml");
  } catch (const ConfigError& e) {
    std::string joined;
    for (const auto& line : expected)
      joined += (joined.empty() ? "" : "\n") + line;
    CHECK(std::string(e.what()) == joined);
  }
}

TEST_CASE("notify entries: events filter, defaults per type, templates") {
  const Config c = parseConfig(R"([[notify]]
type = "ntfy"
topic = "ups-alerts"
events = ["lowbatt", "shutdown"]
[notify.templates]
lowbatt = "Battery low: {battery.charge} %"
[[notify]]
type = "exec"
command = ["/usr/local/bin/upssched-cmd"]
)",
                               "t.toml");
  REQUIRE(c.notify.size() == 2);
  const auto& n = c.notify[0];
  CHECK(n.url == "https://ntfy.sh");
  CHECK_FALSE(n.priority);
  CHECK(n.wants(core::EventKind::LowBattery));
  CHECK_FALSE(n.wants(core::EventKind::OnBattery));
  CHECK(n.templates.at("lowbatt").body == "Battery low: {battery.charge} %");
  CHECK_FALSE(n.templates.at("lowbatt").title);
  CHECK(c.notify[1].events.size() == core::kEventNames.size());
  CHECK(c.notify[1].timeout == seconds(10));
  CHECK(c.notify[1].retries == 3);
}

TEST_CASE("the shipped hidupsd.toml is the defaults, and its commented examples parse") {
  const std::string text = t::readFile(shippedConfig());
  const Config shipped = loadConfig(shippedConfig());
  CHECK(shipped == Config{});
  CHECK(shipped.policy.simulation);

  const Config all = parseConfig(uncommented(text), "uncommented.toml");
  CHECK(all.device.vendorId == 0x0463);
  CHECK(all.device.productId == 0xffff);
  CHECK(all.device.replay == std::filesystem::path("/path/to/file.replay"));
  CHECK(all.proxmox.node == "pve1");
  REQUIRE(all.notify.size() == 5);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(all.notify[i].type == static_cast<NotifyType>(i));
  REQUIRE(all.nut);
  REQUIRE(all.nut->users.size() == 1);
  CHECK(all.metrics);
}

TEST_CASE("redacted() hides every secret and reads back as the same config") {
  const std::string text = R"([[notify]]
type = "discord"
url = "https://discord.com/api/webhooks/123456789/SECRETdiscordTOKEN"
[[notify]]
type = "webhook"
url = "https://hooks.example.org/SECRETwebhookPATH?key=SECRETquery"
[[notify]]
type = "ntfy"
url = "https://user:SECRETntfyPASS@ntfy.example.org"
topic = "ups"
token = "tk_SECRETntfyTOKEN"
[[notify]]
type = "smtp"
server = "smtp.example.org"
username = "ups"
password = "SECRETsmtpPASSWORD"
from = "ups@example.org"
to = ["root@example.org"]
[serve.nut]
[[serve.nut.users]]
name = "upsmon"
password = "SECRETnutPASSWORD"
rights = ["primary", "fsd"]
)";
  const Config c = parseConfig(text, "t.toml");
  const std::string dump = redacted(c);
  CHECK(dump.find("SECRET") == std::string::npos);
  CHECK(dump.find("url = \"https://discord.com/api/webhooks/<redacted>\"") != std::string::npos);
  CHECK(dump.find("url = \"https://hooks.example.org/<redacted>\"") != std::string::npos);
  CHECK(dump.find("url = \"https://ntfy.example.org\"") != std::string::npos);

  Config back = parseConfig(dump, "dump.toml");
  CHECK(back.notify[3].password == "<redacted>");
  CHECK(back.nut->users[0].password == "<redacted>");
  back.notify[0].url = c.notify[0].url;
  back.notify[1].url = c.notify[1].url;
  back.notify[2].url = c.notify[2].url;
  back.notify[2].token = c.notify[2].token;
  back.notify[3].password = c.notify[3].password;
  back.nut->users[0].password = c.nut->users[0].password;
  CHECK(back == c);
}

TEST_CASE("redacted() of the fully uncommented example reads back, strings escaped") {
  Config c = parseConfig(uncommented(t::readFile(shippedConfig())), "u.toml");
  c.device.serial = "quote\" backslash\\ tab\t";
  c.notify[0].templates["online"].body = "line1\nline2 \x01";
  c.notify[0].templates["progress"].title = "⏳ {host}";
  Config back = parseConfig(redacted(c), "dump.toml");
  CHECK(back.device.serial == c.device.serial);
  CHECK(back.notify[0].templates == c.notify[0].templates);
  CHECK(back.proxmox == c.proxmox);
  CHECK(back.shutdown == c.shutdown);
  CHECK(back.policy == c.policy);
}

TEST_CASE("redactUrl keeps scheme and host only") {
  CHECK(redactUrl("https://discord.com/api/webhooks/1/tok") ==
        "https://discord.com/api/webhooks/<redacted>");
  CHECK(redactUrl("https://example.org/hook/abc") == "https://example.org/<redacted>");
  CHECK(redactUrl("https://example.org?token=abc") == "https://example.org/<redacted>");
  CHECK(redactUrl("http://u:p@example.org:8080/x") == "http://example.org:8080/<redacted>");
  CHECK(redactUrl("https://ntfy.sh") == "https://ntfy.sh");
  CHECK(redactUrl("https://ntfy.sh/") == "https://ntfy.sh/");
  CHECK(redactUrl("not a url") == "<redacted>");
  CHECK(redactUrl("https://") == "<redacted>");
}

TEST_CASE("hidupsd --check-config prints FILE:LINE:COL errors or FILE: OK") {
  const auto bin = t::hidupsdBinary().string();
  const auto bad = (t::testDataDir() / "config" / "bad.toml").string();
  auto r = t::runProcess({bin, "--check-config", "-c", bad});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err == bad + ":3:17: in [device]: poll_interval = 0 is out of range 1..3600 s\n" + bad +
                     ":4:1: in [device]: unknown key 'vendor'\n" + bad +
                     ":7:12: in [shutdown]: strategy = \"all\" is not \"guests\" or "
                     "\"stopall\"\n" +
                     bad + ":12:1: in [[notify]] #1 (discord): unknown key 'topic'\n");

  const auto shipped = shippedConfig().string();
  r = t::runProcess({bin, "--config", shipped, "--check-config"});
  CHECK(r.status == 0);
  // Preflight warnings only (no qm here: not a Proxmox node; simulation on).
  for (std::size_t at = 0; at < r.err.size(); at = r.err.find('\n', at) + 1)
    CHECK(r.err.compare(at, shipped.size() + 11, shipped + ": warning: ") == 0);
  CHECK(r.out.starts_with(shipped + ": OK\n"));
  CHECK(r.out.find("simulation = true\n") != std::string::npos);

  r = t::runProcess({bin, "--check-config", "-c", "/nonexistent/x.toml"});
  CHECK(r.status == 1);
  CHECK(r.err == "/nonexistent/x.toml: cannot read: No such file or directory\n");
}

TEST_CASE("allow: addresses and networks, errors at the element, dumped as read") {
  const Config c = parseConfig("[serve.nut]\nallow = [\"192.168.1.0/24\", \"::1\"]\n"
                               "[serve.metrics]\nallow = [\"127.0.0.1\"]\n",
                               "t.toml");
  REQUIRE(c.nut);
  REQUIRE(c.nut->allow.size() == 2);
  CHECK(hidupsd::lib::ipNetworkText(c.nut->allow[0]) == "192.168.1.0/24");
  CHECK(hidupsd::lib::ipNetworkText(c.nut->allow[1]) == "::1");
  REQUIRE(c.metrics);
  CHECK(c.metrics->allow.size() == 1);
  CHECK(redacted(c).find("allow = [\"192.168.1.0/24\", \"::1\"]\n") != std::string::npos);
  CHECK(parseConfig(redacted(c), "dump.toml") == c);
  CHECK(parseConfig("[serve.nut]\n", "t.toml").nut->allow.empty()); // everyone
  CHECK(errorsOf("[serve.nut]\nallow = [\"10.0.0.0/8\", \"nas.lan\", \"10.1.2.3/8\", 7]\n"
                 "[serve.metrics]\nallow = \"::1\"\n") ==
        std::vector<std::string>{
            "t.toml:2:24: in [serve.nut]: allow: \"nas.lan\" is not an IPv4 or IPv6 address "
            "(\"192.168.1.0/24\", \"10.0.0.5\", \"::1\"; names are not resolved)",
            "t.toml:2:35: in [serve.nut]: allow: 10.1.2.3/8 has bits set past its prefix: "
            "10.0.0.0/8?",
            "t.toml:2:49: in [serve.nut]: allow[3] must be a string, not an integer",
            "t.toml:4:9: in [serve.metrics]: allow must be an array, not a string"});
}
