// pid 1 inside the sandbox.
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>

#include "launch/child.h"
#include "launch/signals.h"
#include "sys/syscalls.h"

namespace sb::launch {

namespace {

// pid 1 drops signals whose action is the default; a handler, though never run (the signals
// are blocked and taken with sigwaitinfo), makes the kernel queue them.
void init_noop_handler(int) {}

sigset_t init_signals() {
  sigset_t set = forwarded_set();
  sigaddset(&set, SIGCHLD);
  return set;
}

// From here on this process takes the forwarded signals and SIGCHLD itself.
void hold_signals() {
  sigset_t set = init_signals();
  struct sigaction sa{};
  sa.sa_handler = init_noop_handler;
  for (int sig : kForwardedSignals) ::sigaction(sig, &sa, nullptr);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

// In a child of a process that holds them: default dispositions and an empty mask again.
void release_signals() {
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig : kForwardedSignals) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

pid_t fork_with_signals_held() {
  hold_signals();
  pid_t pid = ::fork();
  if (pid == 0) release_signals();
  return pid;
}

// Passes forwarded signals on to `target`, reaps every child, and exits with `target`'s status.
[[noreturn]] void forward_and_reap(pid_t target) {
  sigset_t set = init_signals();
  for (;;) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&set, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      ::kill(target, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == target) ::_exit(status_code(status));
  }
}

// Starts COMMAND's process. It shares init's memory, and init waits, until the exec (vfork):
// copying init's address space only for the exec to throw the copy away cost more than
// anything else in starting COMMAND. With --block-fd, which may wait for long before the exec,
// it gets a copy instead (fork), so that init stays free to pass signals on meanwhile. The
// child never returns from here: it execs or exits.
Result<pid_t> start_command(const Spec& spec, Channel& channel, const ChildState& state) {
  hold_signals();
  pid_t pid = spec.block_fd ? ::fork() : ::vfork();
  if (pid == 0) {
    release_signals();
    // The parent-death signal does not pass to children; init's death is the sandbox's end.
    if (spec.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    child_fail(channel, child_exec_command(spec, state));
  }
  if (pid < 0) return fail_errno("Can't start COMMAND: fork");
  return pid;
}

}  // namespace

Result<void> child_enter_nested_pid_namespace(const Spec& spec, Channel& channel) {
  if (::unshare(CLONE_NEWPID) < 0) return fail_errno("Can't make a pid namespace inside --pidns");
  pid_t inner = fork_with_signals_held();
  if (inner < 0) return fail_errno("Can't start pid 1 inside --pidns: fork");
  if (inner == 0) {
    if (spec.personality == Personality::native || spec.die_with_parent)
      ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return {};
  }
  channel.close();
  forward_and_reap(inner);
}

void child_run_init(const Spec& spec, Channel& channel, const ChildState& state) {
  // Without a pid namespace of its own, init still collects the orphans of COMMAND.
  if (!spec.ns.pid) ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  auto command = start_command(spec, channel, state);
  if (!command) child_fail(channel, command.error());

  // init holds nothing COMMAND could use: no capability, no descriptor beyond the standard
  // three and its locks. It stays dumpable: joining the sandbox later (--userns, --pidns) goes
  // through its /proc/PID/ns entries.
  channel.close();
  std::vector<int> locks;
  for (const auto& fd : state.locks) locks.push_back(fd.get());
  (void)sys::close_fds_except(locks, 0);

  forward_and_reap(*command);
}

}  // namespace sb::launch
