// The last steps before COMMAND, in its own process.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <span>
#include <vector>

#include "launch/child.h"
#include "launch/denials.h"
#include "launch/missing.h"
#include "limits/limits.h"
#include "security/privileges.h"
#include "security/compile.h"
#include "security/landlock.h"
#include "security/seccomp.h"
#include "sys/fdpass.h"
#include "sys/syscalls.h"

namespace sb::launch {

Result<void> child_apply_env(const Spec& spec) {
  for (const auto& e : spec.env) {
    switch (e.kind) {
      case EnvOp::Kind::clear:  // PWD comes back with the working directory, below
        ::clearenv();
        break;
      case EnvOp::Kind::set:
        if (::setenv(e.name.c_str(), e.value.c_str(), 1) < 0) return fail_errno("--setenv " + e.name);
        break;
      case EnvOp::Kind::unset:
        if (::unsetenv(e.name.c_str()) < 0) return fail_errno("--unsetenv " + e.name);
        break;
    }
  }
  return {};
}

Result<void> child_chdir(const Spec& spec, const std::string& callers_cwd) {
  if (spec.chdir) {
    if (::chdir(spec.chdir->c_str()) < 0) return fail_errno("Can't chdir to " + *spec.chdir);
  } else {
    // The caller's directory if it exists inside, else $HOME, else the root.
    const char* home = ::getenv("HOME");
    if ((callers_cwd.empty() || ::chdir(callers_cwd.c_str()) < 0) &&
        (!home || ::chdir(home) < 0) && ::chdir("/") < 0)
      return fail_errno("Can't chdir to /");
  }
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd)) ::setenv("PWD", cwd, 1);
  return {};
}

// --console-socket (OCI): a terminal of the sandbox's own devpts, its master sent out, its
// other end COMMAND's controlling terminal and standard streams, as runc does it.
Result<void> child_open_console(const Spec& spec) {
  unique_fd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return fail_errno("--console-socket: /dev/ptmx");
  int unlock = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) return fail_errno("--console-socket: unlocking the terminal");
  unique_fd peer(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!peer) return fail_errno("--console-socket: the terminal's other end");
  if (spec.console_rows && spec.console_columns) {
    struct winsize size {};
    size.ws_row = spec.console_rows;
    size.ws_col = spec.console_columns;
    (void)::ioctl(peer.get(), TIOCSWINSZ, &size);
  }
  const int fds[] = {master.get()};
  if (auto sent = sys::send_with_fds(*spec.console_socket_fd, "console", fds); !sent)
    return std::unexpected(std::move(sent).error().wrap("--console-socket: sending the terminal"));
  master.reset();
  ::close(*spec.console_socket_fd);
  if (::getsid(0) != ::getpid() && ::setsid() < 0) return fail_errno("--console-socket: a session of its own");
  if (::ioctl(peer.get(), TIOCSCTTY, 0) < 0) return fail_errno("--console-socket: the controlling terminal");
  for (int n = 0; n <= 2; ++n)
    if (::dup2(peer.get(), n) < 0) return fail_errno("--console-socket: the standard streams");
  return {};
}

Error child_exec_command(const Spec& spec, const ChildState& state, int init_ready) {
  if (child_command_leads_session(spec) && ::setsid() < 0) return fail_errno("Can't start a new session").error();
  if (spec.console_socket_fd) {
    if (auto r = child_open_console(spec); !r) return r.error();
  }
  // Ids mapped 1:1 (OCI, config without a user namespace) leave this process root: COMMAND's
  // ids are taken here, as runc takes them.
  if (spec.identity_id_maps) {
    const uid_t uid = state.plan->uid;
    const gid_t gid = state.plan->gid;
    // The capabilities are kept across the change (and made effective again) for the step
    // below to drop them all, the bounding set included.
    ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (::setgroups(spec.groups.size(), spec.groups.data()) < 0)
      return fail_errno("Can't take the supplementary groups of process.user").error();
    if (::setresgid(gid, gid, gid) < 0 || ::setresuid(uid, uid, uid) < 0)
      return fail_errno("Can't become uid " + std::to_string(uid) + ", gid " + std::to_string(gid)).error();
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) == 0) {
      for (auto& d : data) d.effective = d.permitted;
      (void)::syscall(SYS_capset, &header, data);
    }
  }
  // Every step below is COMMAND's, with COMMAND's privileges.
  if (auto r = security::drop_capabilities(spec.caps); !r) return r.error();
  if (auto r = child_apply_env(spec); !r) return r.error();
  if (spec.umask) ::umask(*spec.umask);
  if (auto r = child_chdir(spec, state.plan->host.cwd); !r) return r.error();
  if (spec.close_inherited_fds) {
    // Only what an option names goes in; marking rather than closing keeps the channel open
    // until the exec succeeds.
    std::vector<int> keep = spec.keep_fds;
    if (spec.block_fd) keep.push_back(*spec.block_fd);  // closed below, once read
    if (auto r = sys::close_fds_except(keep, CLOSE_RANGE_CLOEXEC); !r) return r.error();
  } else if (spec.sync_fd && !spec.as_pid_1) {
    // --sync-fd is init's to hold (it went with the rest above when inherited descriptors are
    // closed); bubblewrap leaves it to COMMAND only when COMMAND is pid 1.
    ::fcntl(*spec.sync_fd, F_SETFD, FD_CLOEXEC);
  }
  // As bubblewrap, a descriptor that cannot be read does not hold COMMAND back.
  if (spec.block_fd) {
    (void)child_wait_on(*spec.block_fd, "--block-fd");
    state.fds->block.reset();
  }
  // Behind the fence, init may be readable by the caller and still closed to COMMAND.
  if (init_ready >= 0 && state.plan->init_fence) {
    if (auto r = security::enter_init_fence(*state.plan->init_fence); !r) return r.error();
  }
  // Until init is sandbox-init, COMMAND's code does not run beside it.
  if (init_ready >= 0) {
    (void)child_wait_on(init_ready, "init");
    ::close(init_ready);
  }
  std::vector<char*> argv;
  argv.reserve(spec.command.size() + 1);
  for (const auto& a : spec.command) argv.push_back(const_cast<char*>(a.c_str()));
  if (spec.argv0) argv[0] = const_cast<char*>(spec.argv0->c_str());
  argv.push_back(nullptr);
  // The resource limits, now that nothing but the seccomp programs and the exec is left.
  if (auto r = limits::apply_rlimits(spec.rlimits); !r) return r.error();
  // Seccomp last: the filter may forbid what the steps above need. With --log-denials the
  // profile's program (the first) asks the monitor's listener instead of failing calls itself.
  std::span<const std::string> programs = state.seccomp_programs;
  if (state.plan->log_denials && !programs.empty()) {
    if (auto r = child_load_with_listener(security::notify_variant(programs.front()), state.channel_fd); !r)
      return r.error();
    programs = programs.subspan(1);
  }
  if (auto r = security::apply_seccomp(programs, spec.wording == Wording::bwrap); !r) return r.error();

  ::execvp(spec.command[0].c_str(), argv.data());
  int err = errno;
  Failure kind = (err == ENOENT || err == ENOTDIR) ? Failure::not_found : Failure::not_executable;
  Error e{err, "execvp " + spec.command[0], kind};
  // The file may well be there: its interpreter is what is missing.
  if (err == ENOENT) e.hint = missing_interpreter_hint(spec.command[0], ::getenv("PATH"));
  return e;
}

}  // namespace sb::launch
