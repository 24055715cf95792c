// pid 1 inside the sandbox.
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <linux/close_range.h>

#include "launch/child.h"
#include "launch/init_image.h"
#include "launch/signals.h"
#include "limits/limits.h"
#include "security/compile.h"
#include "security/privileges.h"
#include "security/seccomp.h"
#include "sys/io.h"
#include "sys/numbers.h"
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

// From here on this process takes the forwarded signals and SIGCHLD itself. The forwarded
// ones are blocked already, since the clone (child_main): one that came during setup waits.
void hold_signals() {
  sigset_t set = init_signals();
  struct sigaction sa{};
  sa.sa_handler = init_noop_handler;
  for (int sig : kForwardedSignals) ::sigaction(sig, &sa, nullptr);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

// In a child of a process that holds them: default dispositions and an empty mask again. A
// signal held for COMMAND is passed on by init once this child exists.
void release_signals() {
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig : kForwardedSignals) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Passes forwarded signals on to `target`, reaps every child, and exits with `target`'s status.
// Only where sandbox-init cannot be started (become_init).
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

// Starts COMMAND's process (a fork: it needs a copy, since this process execs sandbox-init
// meanwhile). It prepares its exec alongside, and execs only once `init_ready` reaches end of
// file: once this process is sandbox-init, non-dumpable and without capabilities, so there is
// no moment at which COMMAND runs beside a weaker init. The child never returns from here: it
// execs or exits.
Result<pid_t> start_command(const Spec& spec, Channel& channel, const ChildState& state, unique_fd& init_ready) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) return fail_errno("Can't start COMMAND: pipe");
  hold_signals();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[1]);
    release_signals();
    // The parent-death signal does not pass to children; init's death is the sandbox's end.
    if (spec.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    child_fail(channel, child_exec_command(spec, state, ready[0]));
  }
  ::close(ready[0]);
  init_ready.reset(ready[1]);
  if (pid < 0) return fail_errno("Can't start COMMAND: fork");
  return pid;
}

// The sandbox-init image in a memory file that no one, this process included once its
// effective capabilities are gone, may read: executing it makes a non-dumpable process.
unique_fd init_image() {
  constexpr unsigned kMfdExec = 0x10;  // MFD_EXEC (Linux 6.3): executable even where memfds default to not
  int fd = static_cast<int>(::syscall(SYS_memfd_create, "sandbox-init", MFD_CLOEXEC | kMfdExec));
  if (fd < 0 && errno == EINVAL) fd = static_cast<int>(::syscall(SYS_memfd_create, "sandbox-init", MFD_CLOEXEC));
  unique_fd image(fd);
  if (!image) return image;
  if (!sys::write_all(image.get(), {reinterpret_cast<const char*>(kInitImage), kInitImageSize})) return unique_fd();
  if (::fchmod(image.get(), 0100) < 0) return unique_fd();
  return image;
}

std::string hex_programs(const std::vector<std::string>& programs) {
  std::string out;
  for (const auto& p : programs) {
    if (!out.empty()) out += ',';
    out += sys::hex_bytes(p);
  }
  return out;
}

}  // namespace

void child_become_init(pid_t target, const std::vector<std::string>& programs, std::vector<int> keep, unique_fd ready,
                       const std::vector<RlimitOp>& rlimits, InitContext context) {
  // Nothing but what it holds for the sandbox's life (locks, --sync-fd); not even the
  // terminal, which COMMAND could otherwise steer it to inject into.
  for (int fd = 0; fd < 3; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (ready) keep.push_back(ready.get());
  if (context.join_fd >= 0) keep.push_back(context.join_fd);
  (void)sys::close_fds_except(std::move(keep), CLOSE_RANGE_CLOEXEC);
  unique_fd image = init_image();
  // With no effective capability left, this process cannot read the image either.
  if (image && security::drop_capabilities(0)) {
    // Its parameters are arguments, which it hides once read; its environment and directory
    // are COMMAND's, taken without capabilities as COMMAND takes them.
    // SANDBOX_INIT_SECCOMP is not last: init takes the end of the last argument to hide them.
    std::vector<std::string> params = {
        "sandbox-init",
        "SANDBOX_INIT_TARGET=" + std::to_string(target),
        "SANDBOX_INIT_READY=" + std::to_string(ready ? ready.get() : -1),
        "SANDBOX_INIT_SECCOMP=" + hex_programs(programs),
        "SANDBOX_INIT_JOIN=" + std::to_string(context.join_fd),
    };
    if (context.fence)
      params.push_back("SANDBOX_INIT_FENCE=" + std::to_string(context.fence->handled_fs) + "," +
                       std::to_string(context.fence->scoped));
    std::vector<char*> argv;
    for (auto& p : params) argv.push_back(p.data());
    argv.push_back(nullptr);
    char* no_environment[] = {nullptr};
    bool commands_environment = context.spec && child_apply_env(*context.spec);
    if (commands_environment) (void)child_chdir(*context.spec, *context.callers_cwd);
    if (!limits::apply_rlimits(rlimits)) {
      ::kill(target, SIGKILL);
      ::_exit(125);
    }
    // environ as it is now: setting PWD may have moved it.
    ::syscall(SYS_execveat, image.get(), "", argv.data(), commands_environment && environ ? environ : no_environment,
              AT_EMPTY_PATH);
  }
  // No sandbox-init (a kernel that refuses to execute memory files, say): the same
  // confinement in this process. Entering the sandbox's namespaces through /proc/1/ns then
  // needs CAP_SYS_PTRACE outside.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!security::drop_capabilities(0) || !limits::apply_rlimits(rlimits)) {
    ::kill(target, SIGKILL);
    ::_exit(125);
  }
  ready.reset();  // COMMAND may exec now
  // A program the kernel refuses here it refuses in COMMAND's process too, which reports it.
  (void)security::apply_seccomp(programs);
  forward_and_reap(target);
}

Result<void> child_enter_nested_pid_namespace(const Spec& spec, Channel& channel, const ChildState& state) {
  if (::unshare(CLONE_NEWPID) < 0) return fail_errno("Can't make a pid namespace inside --pidns");
  hold_signals();
  pid_t inner = ::fork();
  if (inner < 0) return fail_errno("Can't start pid 1 inside --pidns: fork");
  if (inner == 0) {
    if (spec.die_with_monitor || spec.die_with_parent)
      ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return {};
  }
  channel.close();
  child_become_init(inner, state.seccomp_programs, {}, unique_fd(), spec.rlimits);
}

// init does one thing, reap, with wait4 (after rt_sigtimedwait, or blocking where that is
// refused), under the programs COMMAND gets. Programs that refuse it would have init die at
// once and take COMMAND with it: said before anything starts, as bubblewrap's init says it.
// Programs this process cannot read to the end are left to the kernel.
Result<void> child_check_init_can_wait(const Spec& spec, const std::vector<std::string>& programs) {
  if (programs.empty()) return {};
  auto call = [](int nr, std::initializer_list<uint64_t> args) {
    seccomp_data d{};
    d.nr = nr;
    d.arch = security::kNativeAuditArch;
    size_t i = 0;
    for (uint64_t a : args) d.args[i++] = a;
    return d;
  };
  auto allowed = [](uint32_t v) {
    uint32_t action = v & SECCOMP_RET_ACTION_FULL;
    return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
  };
  constexpr uint64_t kSomewhere = 0x10000;  // a pointer, as init's are
  auto signals = security::run_filters(programs, call(__NR_rt_sigtimedwait, {kSomewhere, kSomewhere, 0, 8}));
  if (!signals) return {};
  auto wait = security::run_filters(programs, call(__NR_wait4, {~uint64_t{0}, kSomewhere, allowed(*signals) ? WNOHANG : 0u, 0}));
  if (!wait || allowed(*wait)) return {};
  // A trace or a notification with no one to take it fails with ENOSYS; a kill is a refusal.
  uint32_t action = *wait & SECCOMP_RET_ACTION_FULL;
  int err = action == SECCOMP_RET_ERRNO ? static_cast<int>(*wait & SECCOMP_RET_DATA)
            : action == SECCOMP_RET_TRACE || action == SECCOMP_RET_USER_NOTIF ? ENOSYS
                                                                               : EPERM;
  if (spec.wording == Wording::bwrap) return fail("init wait()", err);
  Error e{err, "the seccomp programs refuse wait4, with which init reaps COMMAND and its orphans"};
  e.hint = "let the programs allow wait4 (and rt_sigtimedwait), or run COMMAND as pid 1 with --as-pid-1";
  return std::unexpected(std::move(e));
}

void child_run_init(const Spec& spec, Channel& channel, const ChildState& state) {
  // Without a pid namespace of its own, init still collects the orphans of COMMAND.
  if (!spec.ns.pid) ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (auto can = child_check_init_can_wait(spec, state.seccomp_programs); !can) child_fail(channel, can.error());

  unique_fd ready;
  auto command = start_command(spec, channel, state, ready);
  if (!command) child_fail(channel, command.error());
  channel.close();
  // It holds the locks and --sync-fd for the sandbox's life, and nothing else.
  std::vector<int> keep;
  for (const auto& fd : state.locks) keep.push_back(fd.get());
  if (spec.sync_fd) keep.push_back(*spec.sync_fd);
  InitContext context{&spec, &state.plan->host.cwd, state.join ? state.join.get() : -1, state.plan->init_fence};
  child_become_init(*command, state.seccomp_programs, std::move(keep), std::move(ready), spec.rlimits, context);
}

}  // namespace sb::launch
