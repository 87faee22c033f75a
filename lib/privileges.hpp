// SPDX-License-Identifier: GPL-2.0-or-later
// Dropping privileges for good: another user, no capabilities, an empty root, a syscall filter.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace hidupsd::lib {

/// What dropPrivileges did.
struct Dropped {
  bool wasRoot = false; ///< false: started unprivileged, only no_new_privs was set
  std::string user;     ///< the user now running ("hidupsd-listener", "nobody")
  uid_t uid = 0;
  gid_t gid = 0;
  std::filesystem::path root; ///< the empty folder chrooted into ("" when not root)
};

/// Makes this process harmless for good. Call it while it has one thread (capabilities and the
/// bounding set are per thread; threads started later inherit the result).
/// As root: looks `user` up (then "nobody" when it does not exist, with the user named in the
/// result), makes `emptyRoot` (mode 0555, owned by root) if missing and refuses one that is
/// not an empty folder owned by root and writable by root only, chroots there, empties the
/// capability bounding and ambient sets, drops every supplementary group, switches real,
/// effective and saved ids to the user's, and checks that root cannot be regained.
/// As anyone: sets no_new_privs and makes the process non-dumpable (no ptrace, no core
/// with its secrets). Throws std::system_error / std::runtime_error naming the step; a caller
/// must then exit, never go on privileged.
Dropped dropPrivileges(const std::string& user, const std::filesystem::path& emptyRoot);

/// Loads a seccomp filter on every thread of the process (TSYNC): the calls a network server
/// never needs kill the process (execve, ptrace, mount, module and kexec loading, reboot,
/// bpf, namespaces, io_uring, fork and any clone but a thread's, connect…), set*id calls fail
/// with EPERM, and socket() is refused (EAFNOSUPPORT): the listening sockets exist already,
/// so a hijacked listener can open no new connection. Needs no_new_privs (dropPrivileges sets
/// it). Load it before starting threads (they inherit it; TSYNC covers any already running).
/// Throws std::runtime_error.
void applySyscallFilter();

/// The effective capabilities of this thread (capget(2): what /proc/PID/status shows as CapEff),
/// 0 when none. Throws std::system_error.
unsigned long long effectiveCapabilities();

} // namespace hidupsd::lib
