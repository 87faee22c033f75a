// SPDX-License-Identifier: GPL-2.0-or-later
// The message catalogue in French: the same keys and {names} as messages_en.cpp.
//
// Typography: French puts a space before ':' and ';'. It is a plain space here, not U+00A0
// (which some clients show as a box, and which copies badly into a shell). "Charge
// appliquée" is the load (ups.load): "Charge" alone reads as the battery's charge.
#include <span>

#include "notify/catalogue.hpp"

namespace hidupsd::notify {

namespace {

constexpr Message kTable[] = {
    {"event.onbatt.title", "⚡ Coupure de courant sur {host}"},
    {"event.onbatt.headline", "Sur batterie depuis {time}."},
    {"event.online.title", "✅ Secteur rétabli sur {host}"},
    {"event.online.headline", "Retour sur secteur à {time}."},
    {"event.lowbatt.title", "🪫 Batterie faible sur {host}"},
    {"event.lowbatt.headline", "L'onduleur signale une batterie faible à {time}."},
    {"event.shutdown.title", "🛑 Arrêt lancé sur {host}"},
    {"event.shutdown.headline", "Arrêt des VM, des conteneurs et de l'hôte lancé à {time}."},
    {"event.commbad.title", "🔌 Communication perdue avec l'onduleur sur {host}"},
    {"event.commbad.headline", "Aucune réponse de l'onduleur depuis {time}."},
    {"event.commok.title", "🔌 Communication rétablie avec l'onduleur sur {host}"},
    {"event.commok.headline", "L'onduleur répond de nouveau depuis {time}."},
    {"event.nocomm.title", "❓ Toujours aucune communication avec l'onduleur sur {host}"},
    {"event.nocomm.headline", "Toujours aucune réponse de l'onduleur à {time}."},
    {"event.replbatt.title", "🔋 Batterie de l'onduleur à remplacer sur {host}"},
    {"event.replbatt.headline", "La batterie de l'onduleur doit être remplacée ({time})."},
    {"event.overload.title", "⚠️ Surcharge de l'onduleur sur {host}"},
    {"event.overload.headline", "La sortie de l'onduleur est en surcharge ({time})."},
    {"event.fsd.title", "🛑 Arrêt forcé (FSD) sur {host}"},
    {"event.fsd.headline", "Arrêt forcé demandé à {time}."},
    {"event.notready.title", "🚫 L'arrêt automatique échouerait sur {host}"},
    {"event.notready.headline", "Constaté à {time} : si le courant coupait maintenant, l'hôte ne "
                                "s'arrêterait pas comme prévu."},
    {"event.startselftest.title", "🔋 Test de batterie en cours sur {host}"},
    {"event.startselftest.headline",
     "Un test de batterie ({test_kind}) tourne depuis {time} (lancé par {test_by}) : sur "
     "batterie pour le test, ce n'est pas une coupure de courant."},
    {"event.endselftest.title", "🔋 Test de batterie terminé sur {host} : {test_result}"},
    {"event.endselftest.headline", "Le test de batterie est terminé à {time} : {test_result}."},
    {"event.notifyfail.title", "📭 Un canal de notification ne répond plus sur {host}"},
    {"event.notifyfail.headline", "Constaté à {time}."},
    {"event.online.goes_on.title", "⚠️ Secteur revenu sur {host}, mais l'arrêt continue"},
    {"event.online.goes_on.cycle",
     "Retour sur secteur à {time}, après le lancement de l'arrêt : il va jusqu'au bout. "
     "L'onduleur coupe ensuite sa sortie puis la rétablit, et l'hôte redémarre de lui-même."},
    {"event.online.goes_on.stays_off",
     "Retour sur secteur à {time}, après le lancement de l'arrêt : il va jusqu'au bout, et l'hôte "
     "reste éteint (ups_shutdown_return = false) : il faudra le démarrer à la main."},

    {"marker.test", "🧪 ESSAI"},
    {"marker.simulation", "🔸 SIMULATION"},

    {"body.reason", "Raison : {reason}"},
    {"body.last_known", "Dernier état connu :"},
    {"state.model", "Modèle : {ups.model}"},
    {"state.battery", "Batterie : {battery.charge} %"},
    {"state.runtime", "Autonomie estimée : {runtime}"},
    {"state.load", "Charge appliquée : {ups.load} %"},
    {"state.voltages", "Entrée {input.voltage} V → Sortie {output.voltage} V"},
    {"state.power", "Puissance : {ups.power} VA"},
    {"state.status", "Statut : {ups.status}"},

    {"field.battery", "Batterie"},
    {"field.runtime", "Autonomie"},
    {"field.load", "Charge appliquée"},
    {"field.voltages", "Entrée → Sortie"},
    {"field.power", "Puissance"},
    {"field.realpower", "Puissance active"},
    {"field.status", "Statut"},
    {"field.model", "Modèle"},

    {"plain.time", "🕒 Date : {time}"},
    {"plain.host", "🖥️ Hôte : {host}"},
    {"plain.model", "📟 Modèle : {ups.model}"},
    {"plain.battery", "🔋 Batterie : {battery.charge} %"},
    {"plain.runtime", "⏳ Autonomie : {battery.runtime} sec"},
    {"plain.load", "⚙️ Charge appliquée : {ups.load} %"},
    {"plain.voltages", "🔌 Entrée : {input.voltage} V → Sortie : {output.voltage} V"},
    {"plain.power", "⚡ Puissance : {ups.power} VA"},
    {"plain.status", "📊 Statut : {ups.status}"},
    {"plain.reason", "📝 Raison : {reason}"},

    // Guests are "VM et conteneurs" (Proxmox's own words); outcomes are nouns ("arrêt
    // forcé"), so that nothing has to agree with a VM (feminine) or a CT (masculine).
    {"progress.title", "⏳ Arrêt en cours sur {host}"},
    {"progress.body", "{text}\n{time}"},
    {"progress.guest.stopped", "{done}/{total} {guest} : arrêt propre en {duration} s"},
    {"progress.guest.would_stop", "{done}/{total} {guest} : arrêt simulé"},
    {"progress.guest.force_stopped",
     "{done}/{total} {guest} : arrêt forcé au bout de {duration} s ({detail})"},
    {"progress.guest.failed",
     "{done}/{total} {guest} : échec de l'arrêt au bout de {duration} s ({detail})"},
    {"progress.guest.left_running",
     "{done}/{total} {guest} : toujours en marche au bout de {duration} s ({detail})"},
    {"progress.summary", "VM et conteneurs : arrêt propre {stopped}/{total}, arrêt forcé {forced}, "
                         "échec {failed}, toujours en marche {left}{already}, en {elapsed} s"},
    {"progress.summary_deadline",
     "VM et conteneurs : arrêt propre {stopped}/{total}, arrêt forcé {forced}, échec {failed}, "
     "toujours en marche {left}{already}, en {elapsed} s ; le délai a été atteint"},
    {"progress.summary_dry", "VM et conteneurs qui seraient arrêtés : {count}{already}"},
    {"progress.already_stopped", ", déjà arrêtés {count}"},
    {"progress.guest.already_stopped", "{done}/{total} {guest} : déjà arrêté"},
    {"progress.no_guest_list",
     "la liste des VM et conteneurs n'est pas venue en {wait} s (qm ou /etc/pve bloqué ?) : "
     "aucun invité connu, extinction de l'hôte (l'arrêt de l'hôte arrête lui-même ses invités)"},
    {"progress.stop_failed",
     "l'arrêt des VM et conteneurs a échoué : {error} ; extinction de l'hôte malgré tout"},
    {"progress.power_off", "extinction de l'hôte : {command}"},
    {"progress.host_command_failed",
     "la commande d'extinction de l'hôte a échoué : {command} : {error}"},
    {"progress.preflight", "vérification préalable : {problem} ; tentative malgré tout"},
    {"progress.cannot_list", "impossible de lister les VM et conteneurs : {problems}"},
    {"progress.shed_forced",
     "le délestage n'a pas fini avant l'échéance, arrêt forcé de : {guests}"},

    // Délestage ([[shed]]) et retour après un arrêt par l'onduleur ([comeback]).
    {"shed.title", "🔌 Délestage sur {host}"},
    {"shed.stopped",
     "délestage, palier « {tier} » : {stopped} sur {total} arrêtés ({guests}){simulation} ; "
     "autonomie {before} avant, {after} maintenant"},
    {"shed.restarted",
     "fin du délestage : {started} sur {total} VM et conteneurs délestés redémarrés "
     "({guests}){simulation}"},
    {"shed.runtime", "{seconds} s"},
    {"shed.unknown", "inconnue"},
    {"shed.none", "aucun"},
    {"shed.simulation", " (simulation)"},
    {"comeback.title", "🔄 Retour des VM et conteneurs sur {host}"},
    {"comeback.done",
     "retour après l'arrêt par l'onduleur : {started} sur {total} VM et conteneurs démarrés "
     "({guests}){woken}{simulation}"},
    {"comeback.woken", " ; réveil par le réseau (Wake-on-LAN) envoyé à {count} machine(s)"},

    {"preflight.host_command",
     "host_command : {program} ne peut pas être lancé ({error}) : l'hôte ne s'éteindrait pas"},
    {"preflight.tool", "{key} = {path} ne peut pas être lancé ({error}) : {consequence}"},
    {"preflight.tool_not_pve", "{key} = {path} ne peut pas être lancé ({error}) : {consequence} "
                               "(pas de {dir} : ce n'est pas un nœud Proxmox ?)"},
    {"preflight.no_vm", "aucune VM ne serait arrêtée"},
    {"preflight.no_container", "aucun conteneur ne serait arrêté"},
    {"preflight.stopall_fallback",
     "stopall ne marcherait pas : les VM et conteneurs seraient arrêtés un par un"},
    {"preflight.cannot_list", "impossible de lister les VM et conteneurs : {name} : {error}"},
    {"preflight.simulation",
     "simulation = true : l'arrêt est seulement journalisé, rien n'est arrêté"},

    {"reason.on_battery", "sur batterie depuis {seconds} s"},
    {"reason.on_battery_critical",
     "sur batterie, situation critique avant la fin du délai on_battery_delay"},
    {"reason.mains_back", "secteur revenu depuis {seconds} s, après une coupure de {outage} s"},
    {"reason.shutdown_goes_on", "{before} ; l'arrêt continue : l'onduleur coupera puis rétablira "
                                "sa sortie, et l'hôte redémarrera"},
    {"reason.shutdown_goes_on_stays_off",
     "{before} ; l'arrêt continue et l'hôte restera éteint (ups_shutdown_return = false) : il "
     "faudra le démarrer à la main"},
    {"reason.not_ready", "{problems}"},
    {"reason.low_battery", "l'onduleur signale une batterie faible"},
    {"reason.charge_below", "batterie à {charge} %, sous le seuil de {limit} %"},
    {"reason.runtime_below", "autonomie de {runtime} s, sous le seuil de {limit} s"},
    {"reason.after_on_battery", "sur batterie depuis {seconds} s (limite : {limit} s)"},
    {"reason.unreachable_on_battery", "onduleur injoignable alors qu'il était sur batterie"},
    {"reason.comm_lost", "l'onduleur ne répond plus ({error})"},
    {"reason.comm_restored", "communication rétablie après {seconds} s"},
    {"reason.no_comm", "aucune communication avec l'onduleur depuis {seconds} s"},
    {"reason.replace_battery", "l'onduleur signale que sa batterie est à remplacer"},
    {"reason.overload", "l'onduleur signale une surcharge en sortie"},
    {"reason.fsd_from", "FSD envoyé par le client NUT {client}"},
    {"reason.fsd_status", "le primaire de l'onduleur a posé FSD (arrêt forcé)"},
    {"reason.test_started", "test de batterie {kind} lancé par {who}"},
    {"reason.of_ups", "onduleur {ups} : {reason}"},
    {"reason.of_ups_only", "onduleur {ups}"},
    {"reason.ups_critical", "{ups} ({reason})"},
    {"reason.supplies_lost", "{fed} alimentation(s) sur {total} encore secourue(s), moins que "
                             "min_supplies = {min} ; en situation critique : {critical}"},
    {"reason.supplies_enough",
     "{fed} alimentation(s) sur {total} encore secourue(s) (min_supplies = {min}) : l'hôte reste "
     "allumé ; en situation critique : {critical}"},
    {"reason.test_finished", "test de batterie terminé : {result}"},
    {"reason.battery_health", "santé de la batterie {score} % : {reasons}"},
    {"reason.battery_health_unknown", "santé de la batterie inconnue : {reasons}"},
    {"reason.dashboard_test", "notification de test depuis le tableau de bord ({client})"},
    {"reason.test_event", "test manuel (hidupsd --test-event)"},
    {"reason.test_event_as",
     "test manuel (hidupsd --test-event), comme lors d'une vraie batterie faible : {reason}"},
    {"reason.notify_failing",
     "{sink} a échoué {count} fois de suite (dernière erreur : {error}) ; ses messages sont "
     "perdus tant qu'il ne répond pas"},

    {"severity.info", "info"},
    {"severity.warning", "avertissement"},
    {"severity.critical", "critique"},
    {"unit.seconds", "{sec} s"},
    {"unit.minutes_seconds", "{min} min {sec} s"},
    {"unit.minutes", "{min} min"},

    // Tests de batterie : leur type, qui l'a lancé, les résultats finaux de NUT.
    {"test.kind.quick", "rapide"},
    {"test.kind.deep", "approfondi"},
    {"test.kind.unknown", "type inconnu"},
    {"test.by.schedule", "le calendrier"},
    {"test.by.command", "une commande"},
    {"test.by.ups", "l'onduleur"},
    {"test.result.passed", "réussi"},
    {"test.result.warning", "réussi avec un avertissement"},
    {"test.result.failed", "échoué"},
    {"test.result.aborted", "interrompu"},
};

} // namespace

extern const std::span<const Message> kFrenchMessages;
const std::span<const Message> kFrenchMessages = kTable;

} // namespace hidupsd::notify
