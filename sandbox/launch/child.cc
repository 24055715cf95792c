#include "launch/child.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <span>

#include "launch/netns.h"
#include "limits/limits.h"
#include "limits/sysctl.h"
#include "launch/signals.h"
#include "mount/assemble.h"
#include "security/landlock.h"
#include "security/privileges.h"
#include "security/seccomp.h"
#include "security/userns.h"
#include "sys/fd.h"

namespace sb::launch {

namespace {

Result<void> child_set_hostname(const Plan& plan) {
  if (!plan.hostname) return {};
  const std::string& name = *plan.hostname;
  if (::sethostname(name.data(), name.size()) < 0) return fail_errno("Can't set hostname to " + name);
  return {};
}

// SELinux labels are accepted for scripts written for it; with SELinux on they would have to
// be applied, which this build does not do, so it refuses rather than run unlabelled.
Result<void> child_check_labels(const Spec& spec) {
  if ((spec.exec_label || spec.file_label) && ::access("/sys/fs/selinux/enforce", F_OK) == 0)
    return fail(std::string(spec.exec_label ? "--exec-label" : "--file-label") +
                ": SELinux is enabled here and labels are not supported", ENOTSUP);
  return {};
}

// --lock-file: a read lock taken by this process, which becomes init and holds it.
Result<void> child_take_locks(const Spec& spec, ChildState& state) {
  for (const auto& path : spec.lock_files) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_errno("Unable to open lock file " + path);
    struct flock lock{};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd.get(), F_SETLK, &lock) < 0) return fail_errno("Unable to lock file " + path);
    state.locks.push_back(std::move(fd));
  }
  return {};
}

// Descriptors the monitor used for the child: the status descriptors (so that a reader of
// --info-fd sees its end while the child may still wait on --userns-block-fd), the namespaces
// the monitor joined and the --args streams. Each named descriptor is closed exactly once, at
// its last use, and never again: its number may be reused by one of ours after that.
void child_close_monitor_fds(HandedFds& fds) {
  for (unique_fd* fd : {&fds.info, &fds.json_status, &fds.userns, &fds.pidns}) fd->reset();
  fds.args.clear();
}

// Descriptors handed over for a mount: data to copy, and --bind-fd sources. A --bind-fd
// source left open would let COMMAND walk out of the bind with openat(fd, "..").
void child_close_mount_fds(HandedFds& fds) { fds.mounts.clear(); }

// The caller's session keyring would otherwise be reachable inside (keyctl, request_key);
// an anonymous one of the sandbox's own takes its place for every process inside.
Result<void> child_join_keyring(const Spec& spec) {
  constexpr long kJoinSessionKeyring = 1;  // KEYCTL_JOIN_SESSION_KEYRING
  if (!spec.own_keyring) return {};
  // ENOSYS: no keyrings in this kernel. EPERM: the syscall policy of a sandbox around this
  // one (ours when nested, or Docker's) denies keyctl, and with it every keyring.
  if (::syscall(SYS_keyctl, kJoinSessionKeyring, nullptr) < 0 && errno != ENOSYS && errno != EPERM)
    return fail_errno("Can't join a session keyring of the sandbox's own");
  return {};
}

// The hardening order. Each step needs the ones before it; the comments say why it is here.
Result<void> child_setup(const Spec& spec, Channel& channel, std::optional<Channel>& netns, ChildState& state) {
  // The forwarded signals stay blocked, as the monitor blocked them before the clone: one that
  // comes during setup waits for init, which passes it on to COMMAND (a signal of pid 1's
  // default action would be dropped).
  child_close_monitor_fds(*state.fds);
  TRY(child_check_labels(spec));
  // Until the id maps exist this process has no usable identity inside.
  TRY(channel.child_wait_go());
  if (spec.userns_block_fd) {
    TRY(child_wait_on(*spec.userns_block_fd, "--userns-block-fd"));
    state.fds->userns_block.reset();
  }
  // The namespaces clone left out (plan/plan.h), all but the network namespace.
  if (int flags = state.plan->unshare_flags; flags && ::unshare(flags) < 0)
    return fail_errno("Can't create the sandbox's namespaces");
  // The time namespace holds init and COMMAND, which this process makes; its offsets are
  // written now, while nothing is in it, through the caller's /proc.
  TRY(limits::make_time_namespace(spec));
  // Read before anything else runs inside: every process of the sandbox loads them, the plan's
  // own first, so the caller's are evaluated before them.
  state.seccomp_programs = state.plan->builtin_seccomp;
  TRY_ASSIGN(auto callers, security::read_seccomp_programs(spec, state.fds->seccomp));
  state.seccomp_programs.insert(state.seccomp_programs.end(), callers.begin(), callers.end());
  if (spec.pidns_fd && spec.ns.pid) TRY(child_enter_nested_pid_namespace(spec, channel, state));
  TRY(child_join_keyring(spec));
  // Settings of the new IPC namespace now, the UTS one's after the hostname, the network's once
  // this process is in it: through the caller's /proc/sys, which the new root hides.
  unique_fd procsys;
  if (!spec.sysctls.empty()) {
    procsys.reset(::open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!procsys) return fail_errno("Can't open /proc/sys for the sysctl settings");
    TRY(limits::write_sysctls(procsys.get(), spec.sysctls, limits::SysctlNamespace::ipc));
  }
  // The caller's /proc, still reachable by this descriptor after the pivot.
  unique_fd proc;
  if (spec.disable_userns) {
    proc.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!proc) return fail_errno("--disable-userns: can't open /proc");
  }
  // Mounts need CAP_SYS_ADMIN in the new user namespace, and proc must be mounted by a member
  // of the new pid namespace.
  TRY_ASSIGN(security::AssembledRoot assembled, mount::child_assemble_root(spec, *state.plan));
  TRY(security::check_denies_kept(state.plan->landlock, spec, assembled));
  child_close_mount_fds(*state.fds);
  TRY(child_take_locks(spec, state));
  TRY(child_set_hostname(*state.plan));
  if (procsys) TRY(limits::write_sysctls(procsys.get(), spec.sysctls, limits::SysctlNamespace::uts));
  // Made by clone, or meanwhile by the monitor's helper (netns.h).
  if (netns) TRY(child_enter_netns(*netns));
  else if (spec.ns.net) {
    TRY_ASSIGN(unique_fd sock, netns_socket());
    TRY(loopback_up(sock.get()));
  }
  // A network namespace joined by path was set by the monitor, in the namespace that owns it.
  if (procsys && !spec.netns_path) TRY(limits::write_sysctls(procsys.get(), spec.sysctls, limits::SysctlNamespace::net));
  procsys.reset();
  // After everything that needs this user namespace's capabilities over the others.
  if (spec.disable_userns) TRY(security::disable_user_namespaces(proc.get()));
  if (spec.userns2_fd) {
    if (::setns(*spec.userns2_fd, CLONE_NEWUSER) < 0)
      return fail_errno("Can't switch to --userns2 " + std::to_string(*spec.userns2_fd));
    state.fds->userns2.reset();
  }
  // Checked where COMMAND will run: after --userns2.
  if (spec.assert_userns_disabled) TRY(security::assert_user_namespaces_disabled());
  TRY(security::set_no_new_privs());
  // Before init exists, as bubblewrap does it: init then holds no terminal either.
  if (spec.new_session && !child_command_leads_session(spec) && ::setsid() < 0)
    return fail_errno("Can't start a new session");
  // The Landlock domain, here, so init and COMMAND are both in it (security/landlock.h).
  if (state.plan->landlock) TRY(security::apply_landlock(*state.plan->landlock, assembled));
  // The built-in `default` profile, once, here, where init and COMMAND inherit it: one filter
  // instead of two made from the same program (making one is the bulk of its cost). What setup
  // has left (fork, exec of sandbox-init, capabilities, directory, environment, descriptors)
  // makes none of the calls it denies. Any other profile, which may deny anything, and the
  // caller's programs are still loaded last, in each process.
  if (state.plan->embedded_default && !state.plan->log_denials && !state.seccomp_programs.empty()) {
    TRY(security::apply_seccomp(std::span(state.seccomp_programs).first(1)));
    state.seccomp_programs.erase(state.seccomp_programs.begin());
  }
  // The capabilities go in COMMAND's process (child_exec_command) and in init's
  // (child_become_init), each its own way; this process keeps them until it forks COMMAND.
  return {};
}

}  // namespace

bool child_command_leads_session(const Spec& spec) { return spec.new_session && spec.no_init_needed(); }

Result<void> child_wait_on(int fd, const char* option) {
  char b;
  ssize_t n;
  do {
    n = ::read(fd, &b, 1);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno(std::string(option) + " " + std::to_string(fd));
  return {};
}

void child_fail(Channel& channel, const Error& error) {
  channel.send_error(error);
  switch (error.kind) {
    case Failure::not_found: ::_exit(127);
    case Failure::not_executable: ::_exit(126);
    case Failure::setup:
    case Failure::usage: break;
  }
  ::_exit(125);
}

void child_main(const Spec& spec, const Plan& plan, HandedFds& fds, Channel channel, std::optional<Channel> netns,
                unique_fd join) {
  // Until it execs sandbox-init, this process's command line would show the caller's whole
  // one to whatever sees it (cmdline needs no permission to read; a pid namespace joined with
  // --pidns holds others' processes). Everything in it was copied out.
  if (plan.host.args_begin) {
    std::memset(plan.host.args_begin, 0, plan.host.args_size);
    std::strncpy(plan.host.args_begin, "sandbox-init", plan.host.args_size - 1);
  }
  // The monitor's death ends the sandbox: init's death kills every process in its pid
  // namespace. Set before waiting for "go", so a monitor that died already is seen as EOF.
  if (spec.die_with_monitor || spec.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  ChildState state;
  state.plan = &plan;
  state.fds = &fds;
  state.channel_fd = channel.fd();
  state.join = std::move(join);
  if (auto r = child_setup(spec, channel, netns, state); !r) child_fail(channel, r.error());
  if (spec.as_pid_1 || spec.no_init_needed()) child_fail(channel, child_exec_command(spec, state));
  child_run_init(spec, channel, state);
}

}  // namespace sb::launch
