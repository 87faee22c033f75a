// SPDX-License-Identifier: GPL-2.0-or-later
// Tests for message templates: placeholders, escapes, and the built-in messages.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "notify/template.hpp"

using namespace hidupsd::notify;
using hidupsd::core::EventKind;
using hidupsd::core::kEventNames;

namespace {

// The outage the old script reported: an Ellipse PRO 850 on battery.
Notification outage() {
  Notification n;
  n.event.kind = EventKind::OnBattery;
  n.event.reason = hidupsd::core::Phrase("reason.on_battery").with("seconds", "5");
  n.event.snapshot.variables = {
      {"battery.charge", "87"},     {"battery.runtime", "1530"},  {"ups.load", "23"},
      {"input.voltage", "0.0"},     {"output.voltage", "230.0"},  {"ups.power", "180"},
      {"ups.realpower", "120"},     {"ups.status", "OB DISCHRG"}, {"ups.model", "Ellipse PRO 850"},
      {"ups.delay.shutdown", "20"},
  };
  n.host = "pve1";
  n.wallTime = 1700000000;
  return n;
}

// Runs the tests in UTC so {time} is known.
struct Utc {
  Utc() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};
const Utc utc;

std::string r(std::string_view tpl, const Notification& n = outage()) {
  return render(tpl, n, Language::En);
}

} // namespace

TEST_CASE("every named placeholder") {
  CHECK(r("{battery.charge}") == "87");
  CHECK(r("{battery.runtime}") == "1530");
  CHECK(r("{ups.load}") == "23");
  CHECK(r("{input.voltage}") == "0.0");
  CHECK(r("{output.voltage}") == "230.0");
  CHECK(r("{ups.power}") == "180");
  CHECK(r("{ups.realpower}") == "120");
  CHECK(r("{ups.status}") == "OB DISCHRG");
  CHECK(r("{ups.model}") == "Ellipse PRO 850");
  CHECK(r("{ups.delay.shutdown}") == "20");
  CHECK(r("{host}") == "pve1");
  CHECK(r("{time}") == "2023-11-14 22:13:20");
  CHECK(r("{event}") == "onbatt");
  CHECK(r("{reason}") == "on battery for 5 s");
  CHECK(render("{reason}", outage(), Language::Fr) == "sur batterie depuis 5 s");
  CHECK(r("{runtime}") == "26 min"); // 1530 s: ten minutes and more in whole minutes
  CHECK(r("{runtime_min}") == "26"); // 25.5 min rounds up
  CHECK(r("{severity}") == "warning");
  CHECK(render("{severity}", outage(), Language::Fr) == "avertissement");
  CHECK(r("{battery.charge} % on {host}, {runtime_min} min") == "87 % on pve1, 26 min");
}

TEST_CASE("missing values render as n/a") {
  Notification empty;
  CHECK(r("{battery.charge}", empty) == "n/a");
  CHECK(r("{x.y}", empty) == "n/a");
  CHECK(r("{host}", empty) == "n/a");
  CHECK(r("{time}", empty) == "n/a");
  CHECK(r("{reason}", empty) == "n/a");
  CHECK(r("{text}", empty) == "n/a");
  CHECK(r("{runtime_min}", empty) == "n/a");
  CHECK(r("{event}", empty) == "onbatt");
  empty.event.snapshot.variables["battery.runtime"] = "soon";
  CHECK(r("{runtime_min}", empty) == "n/a");
  empty.event.snapshot.variables["device.model"] = "5SC 750";
  CHECK(r("{ups.model}", empty) == "5SC 750");
}

TEST_CASE("escapes and malformed placeholders render literally") {
  CHECK(r("{{host}}") == "{host}");
  CHECK(r("{{{host}}}") == "{pve1}");
  CHECK(r("}") == "}");
  CHECK(r("a { b") == "a { b");
  CHECK(r("{") == "{");
  CHECK(r("{}") == "{}");
  CHECK(r("{foo}") == "{foo}");
  CHECK(r("{a b}") == "{a b}");
  CHECK(r("{.x}") == "{.x}");
  CHECK(r("{x.}") == "{x.}");
  CHECK(r("{x..y}") == "{x..y}");
  CHECK(r("{Host}") == "{Host}");
  CHECK(r("{battery.charge") == "{battery.charge");
  CHECK(r("{unclosed {host}") == "{unclosed pve1");
  CHECK(r("") == "");
  CHECK(r("no placeholders") == "no placeholders");
}

TEST_CASE("built-in messages carry the old script's values, both languages") {
  const char* values[] = {"Ellipse PRO 850", "87 %",    "26 min", "23 %",
                          "0.0 V",           "230.0 V", "180 VA", "OB DISCHRG"};
  for (Language language : {Language::En, Language::Fr}) {
    CAPTURE(nameOf(language));
    MessageTemplate m = render(builtinTemplate(EventKind::OnBattery, language), outage(), language);
    CHECK(m.title.find("pve1") != std::string::npos);
    CHECK(m.body.find("2023-11-14 22:13:20") != std::string::npos);
    for (const char* value : values)
      CHECK(m.body.find(value) != std::string::npos);
  }
  const MessageTemplate fr =
      render(builtinTemplate(EventKind::OnBattery, Language::Fr), outage(), Language::Fr);
  CHECK(fr.title == "⚡ Coupure de courant sur pve1");
  CHECK(fr.body.find("Batterie : 87 %\n") != std::string::npos);
  CHECK(fr.body.find("Autonomie estimée : 26 min\n") != std::string::npos);
  CHECK(fr.body.find("Charge appliquée : 23 %\n") != std::string::npos);
  CHECK(fr.body.find("Entrée 0.0 V → Sortie 230.0 V\n") != std::string::npos);
  CHECK(fr.body.find("Statut : OB DISCHRG") != std::string::npos);
  CHECK(builtinTemplate(EventKind::Online, Language::Fr).title == "✅ Secteur rétabli sur {host}");
}

TEST_CASE("every kind has a distinct built-in message without stray braces") {
  for (Language language : {Language::En, Language::Fr}) {
    for (std::size_t k = 0; k < kEventNames.size(); ++k) {
      auto kind = static_cast<EventKind>(k);
      CAPTURE(kEventNames[k]);
      Notification n = outage();
      n.event.kind = kind;
      MessageTemplate m = render(builtinTemplate(kind, language), n, language);
      CHECK(!m.title.empty());
      CHECK(m.title.find('{') == std::string::npos);
      CHECK(m.body.find('{') == std::string::npos);
      // Every UPS event says the state; notifyfail is about a sink.
      CHECK((m.body.find("87 %") != std::string::npos) == (kind != EventKind::NotifyFail));
      if (k > 0) CHECK(m.title != builtinTemplate(static_cast<EventKind>(k - 1), language).title);
    }
  }
  CHECK(builtinTemplate(EventKind::CommBad, Language::Fr)
            .title.find("Communication perdue avec l'onduleur") != std::string::npos);
  CHECK(builtinTemplate(EventKind::Shutdown, Language::En).body.find("{reason}") !=
        std::string::npos);
  // commbad says why, in both languages: the healing ladder's advice (power-cycle its USB).
  CHECK(builtinTemplate(EventKind::CommBad, Language::En).body.find("Reason: {reason}") !=
        std::string::npos);
  CHECK(builtinTemplate(EventKind::CommBad, Language::Fr).body.find("Raison : {reason}") !=
        std::string::npos);
}

TEST_CASE("progress text uses its own template, in the sink's language") {
  Notification n = outage();
  n.event.kind = EventKind::Shutdown;
  n.progress = hidupsd::core::Phrase("progress.summary_dry").with("count", "3").with("already", "");
  MessageTemplate m = render(builtinTemplateFor(n, Language::En), n, Language::En);
  CHECK(m.title == "⏳ Shutdown in progress on pve1");
  CHECK(m.body == "guests: 3 would be stopped\n2023-11-14 22:13:20");
  m = render(builtinTemplateFor(n, Language::Fr), n, Language::Fr);
  CHECK(m.title == "⏳ Arrêt en cours sur pve1");
  CHECK(m.body == "VM et conteneurs qui seraient arrêtés : 3\n2023-11-14 22:13:20");
  n.progress = {};
  CHECK(builtinTemplateFor(n, Language::Fr).title ==
        builtinTemplate(EventKind::Shutdown, Language::Fr).title);
}

TEST_CASE("severities and names") {
  CHECK(severityOf(EventKind::Online) == Severity::Info);
  CHECK(severityOf(EventKind::CommOk) == Severity::Info);
  CHECK(severityOf(EventKind::OnBattery) == Severity::Warning);
  CHECK(severityOf(EventKind::ReplaceBattery) == Severity::Warning);
  CHECK(severityOf(EventKind::LowBattery) == Severity::Critical);
  CHECK(severityOf(EventKind::Shutdown) == Severity::Critical);
  CHECK(severityOf(EventKind::Fsd) == Severity::Critical);
  CHECK(nameOf(Severity::Critical) == "critical");
  CHECK(nameOf(Language::Fr) == "fr");
}

TEST_CASE("battery test messages, both languages: kind, who and result in the language") {
  Notification n = outage();
  n.event.kind = EventKind::TestStarted;
  n.event.test = hidupsd::core::TestInfo{"quick", "schedule", "", false};
  auto en = render(builtinTemplate(EventKind::TestStarted, Language::En), n, Language::En);
  CHECK(en.title == "🔋 Battery test running on pve1");
  CHECK(en.body.starts_with("A battery test (quick) runs since 2023-11-14 22:13:20 (started by the "
                            "schedule): on battery for the test, this is not a power outage.\n"));
  auto fr = render(builtinTemplate(EventKind::TestStarted, Language::Fr), n, Language::Fr);
  CHECK(fr.title == "🔋 Test de batterie en cours sur pve1");
  CHECK(fr.body.starts_with("Un test de batterie (rapide) tourne depuis 2023-11-14 22:13:20 "
                            "(lancé par le calendrier) : sur batterie pour le test, ce n'est pas "
                            "une coupure de courant.\n"));
  n.event.kind = EventKind::TestFinished;
  n.event.test = hidupsd::core::TestInfo{"quick", "schedule", "Done and error", true};
  en = render(builtinTemplate(EventKind::TestFinished, Language::En), n, Language::En);
  CHECK(en.title == "🔋 Battery test finished on pve1: failed");
  CHECK(en.body.starts_with("The battery test is over at 2023-11-14 22:13:20: failed.\n"));
  fr = render(builtinTemplate(EventKind::TestFinished, Language::Fr), n, Language::Fr);
  CHECK(fr.title == "🔋 Test de batterie terminé sur pve1 : échoué");
  n.event.test->result = "no result: the UPS never showed the test running within 30 s";
  CHECK(r("{test_result}", n) == "no result: the UPS never showed the test running within 30 s");
  CHECK(r("{test_kind}") == "n/a"); // not a test event
}

TEST_CASE("replbatt carries its reason: the UPS's RB or the history's battery health") {
  Notification n = outage();
  n.event.kind = EventKind::ReplaceBattery;
  n.event.reason = hidupsd::core::Phrase("reason.battery_health")
                       .with("score", "42")
                       .with("reasons", "runtime: 42 % of its baseline");
  const auto en = render(builtinTemplate(EventKind::ReplaceBattery, Language::En), n, Language::En);
  CHECK(en.body.starts_with("The UPS battery needs replacing (2023-11-14 22:13:20).\nReason: "
                            "battery health 42 %: runtime: 42 % of its baseline\n"));
  const auto fr = render(builtinTemplate(EventKind::ReplaceBattery, Language::Fr), n, Language::Fr);
  CHECK(
      fr.body.starts_with("La batterie de l'onduleur doit être remplacée (2023-11-14 22:13:20)."
                          "\nRaison : santé de la batterie 42 % : runtime: 42 % of its baseline"));
}

TEST_CASE("mains back after the shutdown started: never an all-clear, in both languages") {
  // main: "✅ Mains power restored" even as the host went on shutting down.
  Notification n = outage();
  n.event.kind = EventKind::Online;
  n.event.powerCycle = true;
  MessageTemplate en = render(builtinTemplateFor(n, Language::En), n, Language::En);
  CHECK(en.title == "⚠️ Mains power back on pve1, but the shutdown goes on");
  CHECK(en.body.find("the host starts again by itself") != std::string::npos);
  MessageTemplate fr = render(builtinTemplateFor(n, Language::Fr), n, Language::Fr);
  CHECK(fr.title == "⚠️ Secteur revenu sur pve1, mais l'arrêt continue");
  CHECK(fr.body.find("l'hôte redémarre de lui-même") != std::string::npos);
  n.event.powerCycle = false;
  en = render(builtinTemplateFor(n, Language::En), n, Language::En);
  CHECK(en.body.find("the host stays off (ups_shutdown_return = false): start it by hand") !=
        std::string::npos);
  fr = render(builtinTemplateFor(n, Language::Fr), n, Language::Fr);
  CHECK(fr.body.find("l'hôte reste éteint (ups_shutdown_return = false)") != std::string::npos);
  CHECK(fr.body.find("87 %") != std::string::npos); // the state block as in every message
}

TEST_CASE("test and simulation markers go before the title") {
  CHECK(markedTitle("⚡ Power outage on pve1", Marker::Test, Language::En) ==
        "🧪 TEST — ⚡ Power outage on pve1");
  CHECK(markedTitle("⚡ Coupure de courant sur pve1", Marker::Test, Language::Fr) ==
        "🧪 ESSAI — ⚡ Coupure de courant sur pve1");
  CHECK(markedTitle("x", Marker::Simulation, Language::Fr) == "🔸 SIMULATION — x");
  CHECK(markedTitle("x", Marker::None, Language::En) == "x");
}

TEST_CASE("notready says the shutdown would fail, and why") {
  Notification n = outage();
  n.event.kind = EventKind::NotReady;
  const auto problem = hidupsd::core::Phrase("preflight.host_command")
                           .with("program", "/sbin/shutdwn")
                           .with("error", "No such file or directory");
  n.event.reason = hidupsd::core::Phrase("reason.not_ready").with("problems", {problem, problem});
  const MessageTemplate en = render(builtinTemplateFor(n, Language::En), n, Language::En);
  CHECK(en.body.find("Reason: host_command: /sbin/shutdwn cannot run: No such file or directory: "
                     "the host would not power off; host_command: /sbin/shutdwn") !=
        std::string::npos);
  const MessageTemplate fr = render(builtinTemplateFor(n, Language::Fr), n, Language::Fr);
  CHECK(fr.title == "🚫 L'arrêt automatique échouerait sur pve1");
  CHECK(fr.body.find("Raison : host_command : /sbin/shutdwn ne peut pas être lancé (No such file "
                     "or directory) : l'hôte ne s'éteindrait pas") != std::string::npos);
  CHECK(severityOf(EventKind::NotReady) == Severity::Critical);
}
