// SPDX-License-Identifier: GPL-2.0-or-later
// dropPrivileges and applySyscallFilter: the listener's sandbox, made by the process itself so
// that it holds the same under systemd and when an admin starts hidupsd by hand.
#include "lib/privileges.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

namespace hidupsd::lib {

namespace {

[[noreturn]] void fail(std::string_view step) {
  throw std::system_error(errno, std::generic_category(), std::string(step));
}

/// The folder to chroot into: made if missing; refused unless root's, 0555-ish and empty.
void prepareEmptyRoot(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0555) != 0 && errno != EEXIST)
    fail(fmt::format("mkdir {}", dir.string()));
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) fail(fmt::format("lstat {}", dir.string()));
  if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    throw std::runtime_error(
        fmt::format("{} must be a folder owned by root and writable by root only", dir.string()));
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) fail(fmt::format("opendir {}", dir.string()));
  bool empty = true;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") empty = false;
  }
  ::closedir(d);
  if (!empty) throw std::runtime_error(fmt::format("{} must be empty", dir.string()));
}

/// The blank-separated words of `text`.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

/// A rule on the call's first argument: `action` when (arg0 & mask) == value. (libseccomp's
/// SCMP_A0 macro is a C compound literal, which C++ compilers only take as an extension.)
int ruleOnFirstArgument(scmp_filter_ctx ctx, std::uint32_t action, int call, std::uint64_t mask,
                        std::uint64_t value) {
  scmp_arg_cmp compare{};
  compare.arg = 0;
  compare.op = SCMP_CMP_MASKED_EQ;
  compare.datum_a = mask;
  compare.datum_b = value;
  return ::seccomp_rule_add_array(ctx, action, call, 1, &compare);
}

} // namespace

Dropped dropPrivileges(const std::string& user, const std::filesystem::path& emptyRoot) {
  Dropped out;
  out.wasRoot = ::geteuid() == 0;
  if (out.wasRoot) {
    const passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr)
      throw std::runtime_error(fmt::format("neither user {} nor nobody exists", user));
    if (pw->pw_uid == 0) throw std::runtime_error(fmt::format("user {} is root", pw->pw_name));
    out.user = pw->pw_name;
    out.uid = pw->pw_uid;
    out.gid = pw->pw_gid;
    prepareEmptyRoot(emptyRoot);
    if (::chdir(emptyRoot.c_str()) != 0) fail("chdir to the empty root");
    if (::chroot(".") != 0) fail("chroot");
    if (::chdir("/") != 0) fail("chdir /");
    out.root = emptyRoot;
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap)
      if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
        fail("dropping the capability bounding set");
    if (::setgroups(0, nullptr) != 0) fail("setgroups");
    if (::setresgid(out.gid, out.gid, out.gid) != 0) fail("setresgid");
    if (::setresuid(out.uid, out.uid, out.uid) != 0) fail("setresuid");
    if (::setuid(0) == 0 || ::seteuid(0) == 0)
      throw std::runtime_error("root could be regained after dropping it");
  } else {
    out.uid = ::getuid();
    out.gid = ::getgid();
    if (const passwd* pw = ::getpwuid(out.uid); pw != nullptr) out.user = pw->pw_name;
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    fail("clearing the ambient capabilities");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("no_new_privs");
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail("non-dumpable");
  return out;
}

void applySyscallFilter() {
  scmp_filter_ctx ctx = ::seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) throw std::runtime_error("seccomp_init failed");
  struct Guard {
    scmp_filter_ctx c;
    ~Guard() { ::seccomp_release(c); }
  } guard{ctx};
  int rc = ::seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
  // Never needed by a server that only accepts, reads and writes: a call of these is an attack.
  constexpr std::string_view kKill =
      "execve execveat ptrace process_vm_readv process_vm_writev kexec_load kexec_file_load "
      "init_module finit_module delete_module reboot mount umount2 pivot_root chroot swapon "
      "swapoff bpf perf_event_open open_by_handle_at name_to_handle_at setns unshare keyctl "
      "add_key request_key acct settimeofday clock_settime clock_adjtime adjtimex iopl ioperm "
      "userfaultfd fanotify_init quotactl syslog vhangup mknod mknodat fsopen fsmount "
      "move_mount open_tree sethostname setdomainname lookup_dcookie kcmp fsconfig fspick "
      "mount_setattr umount pidfd_getfd process_madvise modify_ldt subpage_prot switch_endian "
      "vm86 vm86old pciconfig_iobase pciconfig_read pciconfig_write "
      // io_uring's socket and connect operations are not seen by seccomp; no new process
      // (a forked child would outlive the listener's SIGKILL, holding its sockets); connect:
      // the listener never calls out.
      "io_uring_setup io_uring_enter io_uring_register fork vfork connect";
  for (const auto& name : words(kKill)) {
    const int nr = ::seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue; // not on this architecture
    if (rc == 0) rc = ::seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0);
  }
  // Identity, personality and real-time scheduling changes fail quietly: nothing in the
  // listener asks for them.
  constexpr std::string_view kRefuse =
      "setuid setgid setreuid setregid setresuid setresgid setgroups capset setfsuid setfsgid "
      "personality sched_setscheduler sched_setattr sched_setparam";
  for (const auto& name : words(kRefuse)) {
    const int nr = ::seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;
    if (rc == 0) rc = ::seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
  }
  // No new socket of any family: the listening ones are bound before the filter.
  if (rc == 0) rc = ::seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0);
  // Threads only: clone without CLONE_THREAD (a new process) kills, and so does any CLONE_NEW*
  // flag (a user namespace is a kernel attack surface of its own); clone3, whose flags sit
  // behind a pointer a filter cannot read, fails with ENOSYS, and glibc then makes its threads
  // with clone.
  if (rc == 0)
    rc = ruleOnFirstArgument(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), CLONE_THREAD, 0);
  for (const std::uint64_t flag : {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                   CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET})
    if (rc == 0) rc = ruleOnFirstArgument(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), flag, flag);
  if (rc == 0) rc = ::seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc == 0) rc = ::seccomp_load(ctx);
  if (rc != 0) throw std::runtime_error(fmt::format("seccomp filter: {}", std::strerror(-rc)));
}

unsigned long long effectiveCapabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) fail("capget");
  return (static_cast<unsigned long long>(data[1].effective) << 32) | data[0].effective;
}

} // namespace hidupsd::lib
