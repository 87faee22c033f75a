// SPDX-License-Identifier: GPL-2.0-or-later
// DiscordSink's shapes: the old script's plain message, whole-message templates, mentions.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "notify/discord_sink.hpp"
#include "tests/notify/sink_support.hpp"

namespace hidupsd::notify {
namespace {

using namespace test;
using Json = nlohmann::ordered_json;

/// Records the request instead of sending it.
class FakeHttp final : public HttpClient {
public:
  HttpResponse send(const HttpRequest& request) override {
    sent.push_back(request);
    return {200, {}, "{}"};
  }
  Json last() const { return Json::parse(sent.back().body); }
  std::vector<HttpRequest> sent;
};

DiscordOptions options(Language language = Language::En) {
  DiscordOptions o;
  o.common = quick();
  o.common.language = language;
  o.url = "https://discord.com/api/webhooks/1/token";
  return o;
}

Json sent(const DiscordOptions& o, const Notification& n) {
  FakeHttp http;
  DiscordSink sink(o, http);
  REQUIRE(sink.deliver(n).result == R::Delivered);
  return http.last();
}

} // namespace

TEST_CASE("plain style: the old script's onbatt message, line for line") {
  DiscordOptions o = options(Language::Fr);
  o.style = DiscordStyle::Plain;
  Notification n = outage();
  n.event.snapshot.variables["battery.runtime"] = "168";
  const Json message = sent(o, n);
  CHECK(message == Json::parse(R"({"content":
      "⚡ Coupure de courant sur pve1\n```\n🕒 Date : 2026-11-25 20:31:02\n🖥️ Hôte : pve1\n📟 Modèle : Ellipse PRO 850\n🔋 Batterie : 100 %\n⏳ Autonomie : 168 sec\n⚙️ Charge appliquée : 29 %\n🔌 Entrée : 229.0 V → Sortie : 228.4 V\n⚡ Puissance : 137 VA\n📊 Statut : OB DISCHRG\n```",
      "allowed_mentions": {"parse": []}})"));
}

TEST_CASE("plain style: a reason line where the event has one, English too") {
  DiscordOptions o = options();
  o.style = DiscordStyle::Plain;
  Notification n = outage(EventKind::LowBattery);
  n.event.reason = core::Phrase("reason.low_battery");
  const std::string content = sent(o, n)["content"];
  CHECK(content.starts_with("🪫 Low battery on pve1\n```\n🕒 Time: 2026-11-25 20:31:02\n"));
  CHECK(content.ends_with("📊 Status: OB DISCHRG\n📝 Reason: UPS reports low battery\n```"));
  CHECK(content.find("⏳ Runtime: 1772 sec\n⚙️ Load: 29 %\n") != std::string::npos);
}

TEST_CASE("templates replace the title, the body and the whole content line") {
  DiscordOptions o = options();
  o.common.templates["onbatt"] = {"⚡ {host}: mains lost", std::nullopt, "{battery.charge} % left"};
  Json m = sent(o, outage());
  CHECK(m["content"] == "⚡ pve1: mains lost");
  CHECK(m["embeds"][0]["description"] == "100 % left");
  o.common.templates["onbatt"].content = "**{host}** {runtime} left";
  m = sent(o, outage());
  CHECK(m["content"] == "**pve1** 30 min left");
  CHECK(m["embeds"][0]["description"] == "100 % left");
  // Progress messages have their own entry.
  o.common.templates["progress"] = {std::nullopt, std::nullopt, "→ {text}"};
  Notification p = outage(EventKind::Shutdown);
  p.progress = core::Phrase("progress.power_off").with("command", "systemctl poweroff");
  m = sent(o, p);
  CHECK(m["content"] == "⏳ Shutdown in progress on pve1");
  CHECK(m["embeds"][0]["description"] == "→ powering off the host: systemctl poweroff");
}

TEST_CASE("mentions: only for the events asked, allowed exactly") {
  DiscordOptions o = options();
  o.mentions[EventKind::LowBattery] = {"@here", "<@&123456789012345678>", "<@!42>"};
  Json m = sent(o, outage());
  CHECK(m["content"] == "⚡ Power outage on pve1");
  CHECK(m["allowed_mentions"] == Json::parse(R"({"parse": []})"));
  m = sent(o, outage(EventKind::LowBattery));
  CHECK(m["content"] == "@here <@&123456789012345678> <@!42> 🪫 Low battery on pve1");
  CHECK(
      m["allowed_mentions"] ==
      Json::parse(R"({"parse": ["everyone"], "roles": ["123456789012345678"], "users": ["42"]})"));
  // A progress message of that event does not ping again.
  Notification p = outage(EventKind::LowBattery);
  p.progress = core::Phrase("progress.summary_dry").with("count", "2");
  m = sent(o, p);
  CHECK(m["allowed_mentions"] == Json::parse(R"({"parse": []})"));
  CHECK(m["content"] == "⏳ Shutdown in progress on pve1");
}

TEST_CASE("a notifyfail names the sink and has no UPS values") {
  Notification n = outage(EventKind::NotifyFail);
  n.event.reason = core::Phrase("reason.notify_failing")
                       .with("sink", "ntfy #2")
                       .with("count", "3")
                       .with("error", "HTTP 403");
  Json m = sent(options(Language::Fr), n);
  CHECK(m["content"] == "📭 Un canal de notification ne répond plus sur pve1");
  CHECK(m["embeds"][0]["description"] ==
        "Constaté à 2026-11-25 20:31:02.\nRaison : ntfy #2 a échoué 3 fois de suite (dernière "
        "erreur : HTTP 403) ; ses messages sont perdus tant qu'il ne répond pas");
}

} // namespace hidupsd::notify
