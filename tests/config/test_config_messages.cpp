// SPDX-License-Identifier: GPL-2.0-or-later
// The message keys of [[notify]]: whole-message templates, Discord's style and mentions, alerts.
#include <doctest/doctest.h>

#include "config/config.hpp"
#include "tests/config/config_errors.hpp"

using namespace hidupsd;

namespace {

/// Every error of `text` as "t.toml:LINE:COL: message"; empty when it parses.
std::vector<std::string> errorsOf(std::string_view text) {
  return test::errorLines([&] { parseConfig(text, "t.toml"); });
}

constexpr std::string_view kDiscord = "[[notify]]\ntype = \"discord\"\n"
                                      "url = \"https://discord.com/api/webhooks/1/t\"\n";

} // namespace

TEST_CASE("discord: style, embed, fields, mentions per event, templates as tables") {
  const Config c = parseConfig(std::string(kDiscord) + R"(style = "plain"
embed = false
fields = false
alert_after_failures = 5
[notify.mentions]
lowbatt = ["@here", "<@&123456789012345678>"]
shutdown = ["<@42>"]
[notify.templates.onbatt]
title = "⚡ {host}"
content = "{host}: {runtime}"
[notify.templates.progress]
body = "→ {text}"
[notify.templates]
online = "back"
)",
                               "t.toml");
  REQUIRE(c.notify.size() == 1);
  const auto& n = c.notify[0];
  CHECK(n.discordStyle == DiscordStyle::Plain);
  CHECK_FALSE(n.embed);
  CHECK_FALSE(n.fields);
  CHECK(n.alertAfterFailures == 5);
  CHECK(n.mentions.at(core::EventKind::LowBattery) ==
        std::vector<std::string>{"@here", "<@&123456789012345678>"});
  CHECK(n.mentions.at(core::EventKind::Shutdown) == std::vector<std::string>{"<@42>"});
  CHECK(n.templates.at("onbatt") == TemplateConfig{"⚡ {host}", "{host}: {runtime}", std::nullopt});
  CHECK(n.templates.at("progress").body == "→ {text}");
  CHECK(n.templates.at("online").body == "back");
  // The dump reads back the same.
  CHECK(parseConfig(redacted(c), "dump.toml").notify[0].templates == n.templates);
  CHECK(parseConfig(redacted(c), "dump.toml").notify[0].mentions == n.mentions);
}

TEST_CASE("defaults: the embed with fields, no mentions, alerts after 3 failures") {
  const Config c = parseConfig(kDiscord, "t.toml");
  const auto& n = c.notify[0];
  CHECK(n.discordStyle == DiscordStyle::Embed);
  CHECK(n.embed);
  CHECK(n.fields);
  CHECK(n.mentions.empty());
  CHECK(n.alertAfterFailures == 3);
}

TEST_CASE("message keys: each mistake at its line and column") {
  CHECK(errorsOf(std::string(kDiscord) + "style = \"fancy\"\n") ==
        std::vector<std::string>{"t.toml:4:9: in [[notify]] #1 (discord): style = \"fancy\" is "
                                 "not \"embed\" or \"plain\""});
  CHECK(errorsOf(std::string(kDiscord) + "[notify.mentions]\nlowbat = [\"@here\"]\n") ==
        std::vector<std::string>{"t.toml:5:1: in [[notify]] #1 (discord): mentions: unknown event "
                                 "'lowbat' (did you mean 'lowbatt'?)"});
  CHECK(
      errorsOf(std::string(kDiscord) + "[notify.mentions]\nlowbatt = [\"here\", \"<@&12a>\"]\n") ==
      std::vector<std::string>{
          "t.toml:5:12: in [[notify]] #1 (discord): mentions.lowbatt[0] must be \"@here\", "
          "\"@everyone\", \"<@&ROLE_ID>\" or \"<@USER_ID>\"",
          "t.toml:5:20: in [[notify]] #1 (discord): mentions.lowbatt[1] must be \"@here\", "
          "\"@everyone\", \"<@&ROLE_ID>\" or \"<@USER_ID>\""});
  CHECK(errorsOf(std::string(kDiscord) + "alert_after_failures = 101\n") ==
        std::vector<std::string>{"t.toml:4:24: in [[notify]] #1 (discord): alert_after_failures "
                                 "= 101 is out of range 0..100"});
  CHECK(
      errorsOf(std::string(kDiscord) + "[notify.templates.onbatt]\ntitel = \"x\"\n") ==
      std::vector<std::string>{"t.toml:5:1: in [[notify]] #1 (discord) [notify.templates.onbatt]: "
                               "unknown key 'titel'"});
  CHECK(errorsOf(std::string(kDiscord) + "[notify.templates.onbat]\ntitle = \"x\"\n") ==
        std::vector<std::string>{"t.toml:4:19: in [[notify]] #1 (discord): templates: unknown "
                                 "event 'onbat' (did you mean 'onbatt'?)"});
}

TEST_CASE("Discord's keys belong to discord entries; content too") {
  const std::string ntfy = "[[notify]]\ntype = \"ntfy\"\ntopic = \"ups\"\n";
  CHECK(errorsOf(ntfy + "style = \"plain\"\n") ==
        std::vector<std::string>{"t.toml:4:1: in [[notify]] #1 (ntfy): unknown key 'style'"});
  CHECK(errorsOf(ntfy + "[notify.templates.onbatt]\ncontent = \"x\"\n") ==
        std::vector<std::string>{
            "t.toml:5:11: in [[notify]] #1 (ntfy) [notify.templates.onbatt]: content is the line "
            "above a Discord embed: discord entries only"});
}
