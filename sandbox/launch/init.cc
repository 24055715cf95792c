// pid 1 inside the sandbox.
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

}  // namespace

void child_run_init(const Spec& spec, Channel& channel) {
  sigset_t set = forwarded_set();
  sigaddset(&set, SIGCHLD);
  struct sigaction sa{};
  sa.sa_handler = init_noop_handler;
  for (int sig : kForwardedSignals) ::sigaction(sig, &sa, nullptr);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  // Without a pid namespace of its own, init still collects the orphans of COMMAND.
  if (!spec.ns.pid) ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  pid_t command = ::fork();
  if (command < 0) child_fail(channel, fail_errno("Can't start COMMAND: fork").error());
  if (command == 0) {
    sigset_t none;
    sigemptyset(&none);
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int sig : kForwardedSignals) ::sigaction(sig, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // fork cleared the parent-death signal; init's death is the sandbox's end.
    if (spec.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    child_fail(channel, child_exec_command(spec));
  }

  // init holds nothing COMMAND could reach: no descriptor beyond the standard three, and it
  // is not dumpable, so COMMAND can neither ptrace it nor open its /proc entries.
  channel.close();
  (void)sys::close_range(3, UINT_MAX, 0);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

  for (;;) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&set, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      ::kill(command, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == command) ::_exit(status_code(status));
  }
}

}  // namespace sb::launch
