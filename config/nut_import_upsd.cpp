// SPDX-License-Identifier: GPL-2.0-or-later
// --import-nut: upsd.conf (the listener) and upsd.users (users and their rights) → [serve.nut].
#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "config/nut_importer.hpp"

namespace hidupsd::nutconf {

namespace {

bool numericAddress(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool allOf(std::string_view s, std::string_view extra) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

/// Why upsd.conf and upsd.users are not carried over ("" when [serve.nut] is written).
std::string whyNoServer(const Importer& im) {
  if (im.upsSection.empty()) return "no USB HID UPS in ups.conf for a NUT server to serve";
  if (!im.server)
    return fmt::format("upsd did not run here (nut.conf MODE={}): no [serve.nut]",
                       im.mode.empty() ? "not set" : im.mode);
  return {};
}

void listen(Importer& im, const At& at, bool& seen) {
  if (seen) return im.drop(at, "hidupsd's NUT server listens on one address (the first LISTEN)");
  std::string host = at.word(1) == "localhost" ? "127.0.0.1" : at.word(1);
  if (!numericAddress(host))
    return im.drop(at, "hidupsd listens on a numeric address (0.0.0.0, 192.168.1.2, ::1), not a "
                       "name");
  std::uint16_t port = 3493;
  if (at.size() > 2) {
    const auto v = im.number(at, 2, 1, 65535, "[serve.nut] listen's port");
    if (!v) return;
    port = static_cast<std::uint16_t>(*v);
  }
  seen = true;
  im.out.config.nut->listen = ListenAddress{host, port};
  im.carried(at, "serve.nut.listen");
}

void upsdDirective(Importer& im, const At& at, bool& listened) {
  const std::string& d = at.word(0);
  if (at.size() < 2) return im.drop(at, "upsd ignores it: a directive without a value");
  if (d == "LISTEN") return listen(im, at, listened);
  if (d == "MAXAGE")
    return im.notNeeded(at, "hidupsd has no driver socket to go stale; comms_lost_timeout covers "
                            "a silent UPS");
  if (d == "STATEPATH" || d == "DATAPATH" || d == "ALLOW_NO_DEVICE" || d == "TRACKINGDELAY")
    return im.notNeeded(at, "upsd's own files and bookkeeping: hidupsd has none of them");
  if (d == "MAXCONN") return im.drop(at, "hidupsd sizes its NUT server from the descriptor limit");
  // The import reads NUT's text files only: whether the PEM file is there, and safe to hold
  // a key (0600/0640, owner root), is for the admin to check, then say.
  if (d == "CERTFILE")
    return im.drop(at, fmt::format("upsd's PEM holds the certificate and the key: after checking "
                                   "that only root can read it, set certificate = \"{0}\" and "
                                   "key = \"{0}\" in [serve.nut]",
                                   at.word(1)));
  if (d == "DISABLE_WEAK_SSL")
    return im.notNeeded(at, "hidupsd's NUT server offers TLS 1.2 and 1.3 alone");
  if (d == "CERTPATH" || d == "CERTIDENT")
    return im.drop(at, "an NSS certificate database (upsd built with NSS): hidupsd reads PEM "
                       "files; export the certificate and key with pk12util, then openssl pkcs12 "
                       "(README, \"STARTTLS\")");
  if (d == "CERTREQUEST")
    return im.drop(at, "hidupsd's NUT server asks no client certificate (clients log in with "
                       "their password, inside TLS)");
  if (d == "ACL" || d == "ACCEPT" || d == "REJECT")
    return im.drop(at, "upsd has ignored ACL, ACCEPT and REJECT since NUT 2.4 (it warns)");
  // upsd compares every directive with its case but DEBUG_MIN (server/conf.c).
  if (equalNoCase(d, "DEBUG_MIN")) return im.notNeeded(at, "hidupsd's log level is [log] level");
  im.drop(at, "upsd ignores it: not an upsd.conf directive (they are upper case)");
}

// ---- upsd.users ----

struct User {
  At header;
  std::string name;
  std::vector<At> lines;
  std::optional<At> password;
  std::set<NutRight> rights;
};

/// What upsd.users grants (server/user.c: set_upsmon_type, actions, instcmds; all compared
/// without case).
struct Grant {
  std::string_view field, value;
  NutRight right;
};
constexpr Grant kGrants[] = {{"upsmon", "primary", NutRight::Primary},
                             {"upsmon", "master", NutRight::Primary},
                             {"upsmon", "secondary", NutRight::Secondary},
                             {"upsmon", "slave", NutRight::Secondary},
                             {"actions", "set", NutRight::Set},
                             {"actions", "fsd", NutRight::Fsd},
                             {"instcmds", "all", NutRight::Instcmd}};

/// Why a value of a known field is not carried over.
std::string whyNot(const std::string& field, const std::string& value) {
  if (equalNoCase(field, "instcmds"))
    return fmt::format("hidupsd grants all instant commands or none: {} alone is not granted "
                       "(rights = [\"instcmd\"] would grant them all)",
                       value);
  if (equalNoCase(field, "upsmon")) return "upsd knows upsmon primary or secondary";
  if (equalNoCase(field, "actions")) return "upsd knows the actions SET and FSD";
  return "upsd ignores it: not an upsd.users field";
}

/// One value of a user field; false when the line is not carried over for it.
bool userValue(Importer& im, User& u, const At& at, const std::string& field,
               const std::string& value) {
  if (equalNoCase(field, "password")) {
    if (u.password)
      im.drop(at, "a second password: upsd keeps the first");
    else if (value.empty())
      im.drop(at, "an empty password");
    else
      u.password = at;
    return u.password && u.password->line == at.line;
  }
  for (const auto& g : kGrants) {
    if (equalNoCase(field, g.field) && equalNoCase(value, g.value)) {
      u.rights.insert(g.right);
      return true;
    }
  }
  if (equalNoCase(field, "allowfrom"))
    im.notNeeded(at, "upsd has ignored allowfrom since NUT 2.4");
  else
    im.drop(at, whyNot(field, value));
  return false;
}

/// A field line as user.c reads it: "f = v…", "f=v" (split by parseconf), "upsmon TYPE".
void userLine(Importer& im, User& u, const At& at) {
  bool any = false;
  if (at.size() >= 3 && at.word(1) == "=") {
    for (std::size_t i = 2; i < at.size(); ++i)
      any = userValue(im, u, at, at.word(0), at.word(i)) || any;
  } else if (at.size() >= 2 && equalNoCase(at.word(0), "upsmon")) {
    any = userValue(im, u, at, "upsmon", at.word(1));
  } else {
    return im.drop(at, "upsd ignores it: not FIELD = VALUE");
  }
  if (any) u.lines.push_back(at);
}

/// Why the section of user `name` is not carried over, or "".
std::string skipReason(const std::vector<User>& users, const std::string& name) {
  if (std::any_of(users.begin(), users.end(), [&](const User& u) { return u.name == name; }))
    return "defined twice: upsd ignores this [section] (and gives its lines to the user before it)";
  if (!allOf(name, "._-@")) return "hidupsd's user names are letters, digits, '.', '_', '-' or '@'";
  return {};
}

std::vector<User> readUsers(Importer& im) {
  std::vector<User> users;
  bool skipping = false;
  for (const At& at : im.lines("upsd.users")) {
    const auto& w = at.word(0);
    if (w.size() >= 2 && w.front() == '[' && w.back() == ']') {
      const std::string name = w.substr(1, w.size() - 2);
      const std::string why = skipReason(users, name);
      skipping = !why.empty();
      if (skipping)
        im.drop(at, why);
      else
        users.push_back({at, name, {}, std::nullopt, {}});
    } else if (skipping) {
      im.drop(at, "in a [section] that is not carried over (above)");
    } else if (equalNoCase(w, "user")) {
      im.drop(at, "the old upsd.users format: upsd ignores it");
    } else if (users.empty()) {
      im.drop(at, "before any [user] section: upsd ignores it");
    } else {
      userLine(im, users.back(), at);
    }
  }
  return users;
}

/// The value of a `key = value` line (upsd.users also takes `key value`).
const std::string& valueOf(const At& at) { return at.word(at.word(1) == "=" ? 2 : 1); }

void writeUsers(Importer& im, std::vector<User>& users) {
  auto& out = im.out.config.nut->users;
  for (auto& u : users) {
    // A password whose every character NUT's parser drops is empty too.
    if (!u.password || valueOf(*u.password).empty()) {
      im.drop(u.header, "no password: upsd refuses every LOGIN of this user");
      for (const auto& at : u.lines)
        im.drop(at, "its user has no password (above)");
      continue;
    }
    const std::string key = fmt::format("serve.nut.users#{}", out.size() + 1);
    NutUser user;
    user.name = u.name;
    const At& p = *u.password;
    user.password = valueOf(p);
    user.rights.assign(u.rights.begin(), u.rights.end());
    out.push_back(std::move(user));
    im.carried(u.header, key + ".name");
    im.carried(p, key + ".password",
               "a secret in clear: chmod 600 this file, or move it to password_file");
    for (const auto& at : u.lines)
      if (at.line != p.line) im.carried(at, key + ".rights");
    if (u.rights.empty())
      im.note(key + ".rights", "no rights: read only (LIST and GET need no login anyway)");
  }
}

} // namespace

void importUpsd(Importer& im) {
  const bool upsdRan =
      im.mode == "standalone" || im.mode == "netserver" ||
      (im.mode.empty() && (!im.lines("upsd.conf").empty() || !im.lines("upsd.users").empty()));
  im.server = upsdRan && !im.upsSection.empty();
  const std::string why = whyNoServer(im);
  if (!why.empty()) {
    if (im.upsHeader)
      im.notNeeded(*im.upsHeader, "the name NUT clients used (upsc NAME@host): " + why);
    for (const auto& at : im.lines("upsd.conf"))
      im.notNeeded(at, why);
    return;
  }
  auto& nut = im.out.config.nut.emplace();
  if (allOf(im.upsSection, "._-")) {
    nut.name = im.upsSection;
    im.carried(*im.upsHeader, "serve.nut.name", "clients keep asking for it: upsc NAME@host");
  } else {
    im.drop(*im.upsHeader, "hidupsd's UPS names are letters, digits, '.', '_' or '-': the NUT "
                           "server calls it \"ups\"");
  }
  im.note("serve.nut", "upsd ran here: hidupsd answers NUT's protocol in its place");
  if (im.modeLine)
    im.note("serve.nut", fmt::format("(from {}: MODE={})", im.modeLine->place(), im.mode));
  bool listened = false;
  for (const auto& at : im.lines("upsd.conf"))
    upsdDirective(im, at, listened);
  if (!listened) im.note("serve.nut.listen", "upsd's default: 127.0.0.1 (and ::1) port 3493");
}

void importUpsdUsers(Importer& im) {
  const std::string why = whyNoServer(im);
  if (!why.empty()) {
    for (const auto& at : im.lines("upsd.users"))
      im.notNeeded(at, why);
    return;
  }
  auto users = readUsers(im);
  writeUsers(im, users);
}

} // namespace hidupsd::nutconf
