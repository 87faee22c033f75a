// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in messages, English and French: the old upssched-cmd script's words.
#include <array>

#include "notify/template.hpp"

namespace hidupsd::notify {

namespace {

/// One event's words: title, first body line, and which extra lines follow.
struct Words {
  std::string_view title;
  std::string_view headline;
  bool reason;    ///< a "Reason:" line
  bool lastKnown; ///< the state block is the last known one (comm events)
};

/// The words of each language, in core::EventKind order.
struct LanguageWords {
  std::array<Words, core::kEventNames.size()> events;
  std::string_view reasonLine;
  std::string_view lastKnownLine;
  std::string_view stateBlock;
  MessageTemplate progress;
  /// `online` after the shutdown started: the UPS power-cycles the host, or it stays off.
  Words onlineCycle;
  Words onlineStaysOff;
};

const LanguageWords kEnglish = {
    {{
        {"⚡ Power outage on {host}", "Running on battery since {time}.", false, false},
        {"✅ Mains power restored on {host}", "Back on mains at {time}.", false, false},
        {"🪫 Low battery on {host}", "The UPS reports a low battery at {time}.", true, false},
        {"🛑 Shutdown started on {host}", "Guests and host shutting down since {time}.", true,
         false},
        {"🔌 Communication lost with the UPS on {host}", "No answer from the UPS since {time}.",
         true, true},
        {"🔌 Communication with the UPS restored on {host}", "The UPS answers again at {time}.",
         false, false},
        {"❓ Still no communication with the UPS on {host}",
         "Still no answer from the UPS at {time}.", false, true},
        {"🔋 Replace the UPS battery on {host}", "The UPS battery needs replacing ({time}).", true,
         false},
        {"⚠️ UPS overload on {host}", "The UPS output is overloaded ({time}).", false, false},
        {"🛑 Forced shutdown (FSD) on {host}", "Forced shutdown set at {time}.", true, false},
        {"🚫 The automatic shutdown would fail on {host}",
         "Found at {time}: if the power failed now, the host would not shut down as configured.",
         true, false},
        {"🔋 Battery test running on {host}",
         "A battery test ({test_kind}) runs since {time} (started by {test_by}): on battery for "
         "the test, this is not a power outage.",
         false, false},
        {"🔋 Battery test finished on {host}: {test_result}",
         "The battery test is over at {time}: {test_result}.", false, false},
    }},
    "Reason: {reason}\n",
    "Last known state:\n",
    "Model: {ups.model}\n"
    "Battery: {battery.charge} %\n"
    "Estimated runtime: {runtime_min} min\n"
    "Load: {ups.load} %\n"
    "Input {input.voltage} V → Output {output.voltage} V\n"
    "Power: {ups.power} VA\n"
    "Status: {ups.status}",
    {"⏳ Shutdown in progress on {host}", "{text}\n{time}"},
    {"⚠️ Mains power back on {host}, but the shutdown goes on",
     "Back on mains at {time}, after the shutdown had started: it runs to the end. The UPS then "
     "cuts its output and restores it, and the host starts again by itself.",
     false, false},
    {"⚠️ Mains power back on {host}, but the shutdown goes on",
     "Back on mains at {time}, after the shutdown had started: it runs to the end, and the host "
     "stays off (ups_shutdown_return = false): start it by hand.",
     false, false},
};

const LanguageWords kFrench = {
    {{
        {"⚡ Coupure de courant sur {host}", "Sur batterie depuis {time}.", false, false},
        {"✅ Secteur rétabli sur {host}", "Retour sur secteur à {time}.", false, false},
        {"🪫 Batterie faible sur {host}", "L'onduleur signale une batterie faible à {time}.",
         true, false},
        {"🛑 Arrêt lancé sur {host}", "Arrêt des invités et de l'hôte lancé à {time}.", true,
         false},
        {"🔌 Communication perdue avec l'onduleur sur {host}",
         "Aucune réponse de l'onduleur depuis {time}.", true, true},
        {"🔌 Communication rétablie avec l'onduleur sur {host}",
         "L'onduleur répond de nouveau à {time}.", false, false},
        {"❓ Toujours aucune communication avec l'onduleur sur {host}",
         "Toujours aucune réponse de l'onduleur à {time}.", false, true},
        {"🔋 Batterie de l'onduleur à remplacer sur {host}",
         "La batterie de l'onduleur doit être remplacée ({time}).", true, false},
        {"⚠️ Surcharge de l'onduleur sur {host}",
         "La sortie de l'onduleur est en surcharge ({time}).", false, false},
        {"🛑 Arrêt forcé (FSD) sur {host}", "Arrêt forcé demandé à {time}.", true, false},
        {"🚫 L'arrêt automatique échouerait sur {host}",
         "Constaté à {time} : si le courant coupait maintenant, l'hôte ne s'arrêterait pas comme "
         "prévu.",
         true, false},
        {"🔋 Test de batterie en cours sur {host}",
         "Un test de batterie ({test_kind}) tourne depuis {time} (lancé par {test_by}) : sur "
         "batterie pour le test, ce n'est pas une coupure de courant.",
         false, false},
        {"🔋 Test de batterie terminé sur {host} : {test_result}",
         "Le test de batterie est terminé à {time} : {test_result}.", false, false},
    }},
    "Raison : {reason}\n",
    "Dernier état connu :\n",
    "Modèle : {ups.model}\n"
    "Batterie : {battery.charge} %\n"
    "Autonomie estimée : {runtime_min} min\n"
    "Charge : {ups.load} %\n"
    "Entrée {input.voltage} V → Sortie {output.voltage} V\n"
    "Puissance : {ups.power} VA\n"
    "Statut : {ups.status}",
    {"⏳ Arrêt en cours sur {host}", "{text}\n{time}"},
    {"⚠️ Secteur revenu sur {host}, mais l'arrêt continue",
     "Retour sur secteur à {time}, après le lancement de l'arrêt : il va jusqu'au bout. "
     "L'onduleur coupe ensuite sa sortie puis la rétablit, et l'hôte redémarre de lui-même.",
     false, false},
    {"⚠️ Secteur revenu sur {host}, mais l'arrêt continue",
     "Retour sur secteur à {time}, après le lancement de l'arrêt : il va jusqu'au bout, et l'hôte "
     "reste éteint (ups_shutdown_return = false) : il faudra le démarrer à la main.",
     false, false},
};

MessageTemplate build(const Words& words, const LanguageWords& language) {
  std::string body(words.headline);
  body += '\n';
  if (words.reason) body += language.reasonLine;
  if (words.lastKnown) body += language.lastKnownLine;
  body += language.stateBlock;
  return {std::string(words.title), body};
}

using Table = std::array<MessageTemplate, core::kEventNames.size()>;

Table buildAll(const LanguageWords& language) {
  Table table;
  for (std::size_t i = 0; i < table.size(); ++i)
    table[i] = build(language.events[i], language);
  return table;
}

const LanguageWords& wordsOf(Language language) noexcept {
  return language == Language::Fr ? kFrench : kEnglish;
}

} // namespace

Severity severityOf(core::EventKind kind) noexcept {
  using core::EventKind;
  switch (kind) {
  case EventKind::Online:
  case EventKind::CommOk:
  case EventKind::TestStarted:
  case EventKind::TestFinished: return Severity::Info;
  case EventKind::LowBattery:
  case EventKind::Shutdown:
  case EventKind::Fsd:
  case EventKind::NotReady: return Severity::Critical;
  default: return Severity::Warning;
  }
}

const MessageTemplate& builtinTemplate(core::EventKind kind, Language language) noexcept {
  static const Table english = buildAll(kEnglish);
  static const Table french = buildAll(kFrench);
  const Table& table = language == Language::Fr ? french : english;
  return table[static_cast<std::size_t>(kind)];
}

const MessageTemplate& progressTemplate(Language language) noexcept {
  return wordsOf(language).progress;
}

std::string_view markerText(Marker marker, Language language) noexcept {
  const bool fr = language == Language::Fr;
  switch (marker) {
  case Marker::Test: return fr ? "🧪 ESSAI" : "🧪 TEST";
  case Marker::Simulation: return "🔸 SIMULATION";
  case Marker::None: break;
  }
  return "";
}

std::string markedTitle(std::string title, Marker marker, Language language) {
  if (marker == Marker::None) return title;
  return std::string(markerText(marker, language)) + " — " + title;
}

/// The `online` that comes after the shutdown started, per language: [cycle, stays off].
static const std::array<MessageTemplate, 2>& onlineDuringShutdown(Language language) {
  static const std::array<MessageTemplate, 2> english = {build(kEnglish.onlineCycle, kEnglish),
                                                         build(kEnglish.onlineStaysOff, kEnglish)};
  static const std::array<MessageTemplate, 2> french = {build(kFrench.onlineCycle, kFrench),
                                                        build(kFrench.onlineStaysOff, kFrench)};
  return language == Language::Fr ? french : english;
}

const MessageTemplate& builtinTemplateFor(const Notification& n, Language language) noexcept {
  if (!n.text.empty()) return progressTemplate(language);
  if (n.event.kind == core::EventKind::Online && n.event.powerCycle)
    return onlineDuringShutdown(language)[*n.event.powerCycle ? 0 : 1];
  return builtinTemplate(n.event.kind, language);
}

} // namespace hidupsd::notify
