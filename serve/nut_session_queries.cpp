// SPDX-License-Identifier: GPL-2.0-or-later
// NutSession's GET and LIST requests, as upsd answers them (server/netget.c, netlist.c).
#include <algorithm>

#include <fmt/format.h>

#include "serve/nut_descriptions.hpp"
#include "serve/nut_session.hpp"
#include "serve/nut_session_util.hpp"

namespace hidupsd::serve {

std::string NutSession::get(Args args) {
  if (args.empty()) return nutError("INVALID-ARGUMENT");
  const auto& sub = args[0];
  if (equalsIgnoreCase(sub, "TRACKING")) return getTracking(args.subspan(1));
  if (args.size() < 2) return nutError("INVALID-ARGUMENT");
  if (equalsIgnoreCase(sub, "NUMLOGINS")) return getNumLogins(args[1]);
  if (equalsIgnoreCase(sub, "UPSDESC")) return getUpsDesc(args[1]);
  if (args.size() < 3) return nutError("INVALID-ARGUMENT");
  if (equalsIgnoreCase(sub, "VAR")) return getVar(args[1], args[2]);
  if (equalsIgnoreCase(sub, "TYPE")) return getType(args[1], args[2]);
  if (equalsIgnoreCase(sub, "DESC")) return getDesc(args[1], args[2]);
  if (equalsIgnoreCase(sub, "CMDDESC")) return getCmdDesc(args[1], args[2]);
  return nutError("INVALID-ARGUMENT");
}

std::string NutSession::list(Args args) {
  if (args.empty()) return nutError("INVALID-ARGUMENT");
  const auto& sub = args[0];
  if (equalsIgnoreCase(sub, "UPS")) return listUps();
  if (args.size() < 2) return nutError("INVALID-ARGUMENT");
  if (equalsIgnoreCase(sub, "VAR")) return listVar(args[1], false);
  if (equalsIgnoreCase(sub, "RW")) return listVar(args[1], true);
  if (equalsIgnoreCase(sub, "CMD")) return listCmd(args[1]);
  if (equalsIgnoreCase(sub, "CLIENT")) return listClient(args[1]);
  if (args.size() < 3) return nutError("INVALID-ARGUMENT");
  if (equalsIgnoreCase(sub, "ENUM")) return listAllowed(args[1], args[2], false);
  if (equalsIgnoreCase(sub, "RANGE")) return listAllowed(args[1], args[2], true);
  return nutError("INVALID-ARGUMENT");
}

std::string NutSession::getVar(const std::string& ups, const std::string& var) {
  // upsd answers server.* for any UPS name, even an unknown one.
  if (var.size() >= 7 && equalsIgnoreCase(std::string_view(var).substr(0, 7), "server."))
    return getServerVar(ups, var);
  std::string error;
  const auto state = available(ups, error);
  if (!state) return error;
  const auto* found = findVariable(state->snapshot, var);
  if (found == nullptr) return nutError("VAR-NOT-SUPPORTED");
  // The names as the client spelled them: upscli matches the echo against its query.
  return fmt::format("VAR {} {} \"{}\"\n", ups, var, escapeValue(found->second));
}

std::string NutSession::getServerVar(const std::string& ups, const std::string& var) const {
  if (equalsIgnoreCase(var, "server.info"))
    return fmt::format("VAR {} server.info \"hidupsd {} - NUT network protocol 1.3\"\n", ups,
                       escapeValue(options_.version));
  if (equalsIgnoreCase(var, "server.version"))
    return fmt::format("VAR {} server.version \"{}\"\n", ups, escapeValue(options_.version));
  return nutError("VAR-NOT-SUPPORTED");
}

NutSession::VariableLookup NutSession::lookUpVariable(const std::string& ups,
                                                      const std::string& var) {
  VariableLookup out;
  const auto state = available(ups, out.error);
  if (!state) return out;
  const auto* found = findVariable(state->snapshot, var);
  if (found == nullptr) {
    out.error = nutError("VAR-NOT-SUPPORTED");
    return out;
  }
  const auto writable = backendFor(ups)->writable();
  if (const auto* rw = findWritable(writable, found->first)) out.writable = *rw;
  return out;
}

std::string NutSession::getType(const std::string& ups, const std::string& var) {
  const auto v = lookUpVariable(ups, var);
  if (!v.error.empty()) return v.error;
  return fmt::format("TYPE {} {} {}\n", ups, var, typeWords(v.writable ? &*v.writable : nullptr));
}

std::string NutSession::getDesc(const std::string& ups, const std::string& var) {
  std::string error;
  if (!available(ups, error)) return error;
  return fmt::format("DESC {} {} \"{}\"\n", ups, var,
                     variableDescription(var).value_or("Description unavailable"));
}

std::string NutSession::getCmdDesc(const std::string& ups, const std::string& cmd) {
  std::string error;
  if (!available(ups, error)) return error;
  return fmt::format("CMDDESC {} {} \"{}\"\n", ups, cmd,
                     commandDescription(cmd).value_or("Description unavailable"));
}

std::string NutSession::getUpsDesc(const std::string& ups) const {
  if (!isOurUps(ups)) return nutError("UNKNOWN-UPS");
  if (options_.description.empty()) return fmt::format("UPSDESC {} \"Unavailable\"\n", ups);
  return fmt::format("UPSDESC {} \"{}\"\n", ups, escapeValue(options_.description));
}

std::string NutSession::getNumLogins(const std::string& ups) {
  std::string error;
  if (!available(ups, error)) return error;
  return fmt::format("NUMLOGINS {} {}\n", ups, logins_.count());
}

std::string NutSession::listUps() const {
  const auto description = options_.description.empty() ? std::string("Description unavailable")
                                                        : escapeValue(options_.description);
  auto out = fmt::format("BEGIN LIST UPS\nUPS {} \"{}\"\n", options_.upsName, description);
  std::vector<std::string> others;
  try {
    others = backend_.otherNames();
  } catch (const std::exception&) {
    // Out of memory: ours alone.
  }
  for (const auto& name : others)
    out += fmt::format("UPS {} \"{}\"\n", name, description);
  return out + "END LIST UPS\n";
}

std::string NutSession::listVar(const std::string& ups, bool rwOnly) {
  std::string error;
  const auto state = available(ups, error);
  if (!state) return error;
  const auto* kind = rwOnly ? "RW" : "VAR";
  const auto writable = rwOnly ? backendFor(ups)->writable() : std::vector<RwVariable>{};
  auto out = fmt::format("BEGIN LIST {} {}\n", kind, ups);
  for (const auto& [name, value] : state->snapshot.variables) {
    if (rwOnly && findWritable(writable, name) == nullptr) continue;
    out += fmt::format("{} {} {} \"{}\"\n", kind, ups, name, escapeValue(value));
  }
  return out + fmt::format("END LIST {} {}\n", kind, ups);
}

std::string NutSession::listCmd(const std::string& ups) {
  std::string error;
  if (!available(ups, error)) return error;
  auto out = fmt::format("BEGIN LIST CMD {}\n", ups);
  for (const auto& command : backendFor(ups)->commands())
    out += fmt::format("CMD {} {}\n", ups, command);
  return out + fmt::format("END LIST CMD {}\n", ups);
}

std::string NutSession::listAllowed(const std::string& ups, const std::string& var, bool ranges) {
  const auto v = lookUpVariable(ups, var);
  if (!v.error.empty()) return v.error;
  const RwVariable* rw = v.writable ? &*v.writable : nullptr;
  const std::string_view list = ranges ? "RANGE" : "ENUM";
  auto out = fmt::format("BEGIN LIST {} {} {}\n", list, ups, var);
  if (rw != nullptr && ranges)
    for (const auto& [min, max] : rw->ranges)
      out += fmt::format("RANGE {} {} \"{}\" \"{}\"\n", ups, var, min, max);
  if (rw != nullptr && !ranges)
    for (const auto& value : rw->enumValues)
      out += fmt::format("ENUM {} {} \"{}\"\n", ups, var, escapeValue(value));
  return out + fmt::format("END LIST {} {} {}\n", list, ups, var);
}

std::string NutSession::listClient(const std::string& ups) const {
  if (!isOurUps(ups)) return nutError("UNKNOWN-UPS");
  auto out = fmt::format("BEGIN LIST CLIENT {}\n", ups);
  for (const auto& address : logins_.addresses())
    out += fmt::format("CLIENT {} {}\n", options_.upsName, address);
  return out + fmt::format("END LIST CLIENT {}\n", ups);
}

std::string NutSession::getTracking(Args args) const {
  if (args.empty()) return tracking_ ? "ON\n" : "OFF\n";
  if (!tracking_) return nutError("FEATURE-NOT-CONFIGURED");
  const auto it = trackingResults_.find(args[0]);
  return it == trackingResults_.end() ? std::string("ERR UNKNOWN\n") : it->second;
}

} // namespace hidupsd::serve
