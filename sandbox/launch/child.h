// What runs inside the new namespaces, before COMMAND.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "launch/channel.h"
#include "launch/handed.h"
#include "plan/plan.h"
#include "spec.h"
#include "sys/fd.h"

namespace sb::launch {

// What setup gathers for the last steps before COMMAND.
struct ChildState {
  const Plan* plan = nullptr;                 // what the monitor planned (plan/plan.h)
  HandedFds* fds = nullptr;                   // this process's copies of the options' descriptors
  std::vector<std::string> seccomp_programs;  // applied last, in COMMAND's process
  std::vector<unique_fd> locks;               // --lock-file: held by init for the sandbox's life
  int channel_fd = -1;                        // to the monitor (--log-denials sends the listener)
  unique_fd join;                             // --name: where init takes --join requests (join.h)
};

// COMMAND's environment (the --setenv, --unsetenv and --clearenv steps) and working directory
// (--chdir, else the caller's if it exists inside, else $HOME, else /), in this process.
Result<void> child_apply_env(const Spec& spec);
Result<void> child_chdir(const Spec& spec, const std::string& callers_cwd);

// What init is given beside its target: COMMAND's environment and directory (taken as
// bubblewrap's pid 1 has them; joined processes start with them), the socket the monitor
// hands --join requests on (launch/join.h), and the fence (security/landlock.h). Empty for
// the relay of a --pidns, which lives among processes that are not the sandbox's.
struct InitContext {
  const Spec* spec = nullptr;
  const std::string* callers_cwd = nullptr;
  int join_fd = -1;
  std::optional<security::InitFence> fence;
};

// The cloned child: sets up the sandbox in the hardening order, then becomes init (or COMMAND
// with --as-pid-1). Failures go to the monitor as one record.
// `netns`: where the monitor's helper sends the network namespace, if it makes it (netns.h).
[[noreturn]] void child_main(const Spec& spec, const Plan& plan, HandedFds& fds, Channel channel,
                             std::optional<Channel> netns, unique_fd join);

// --new-session: whether COMMAND's process calls setsid (and leads the session) rather than
// this one before init exists.
bool child_command_leads_session(const Spec& spec);

// Waits until fd has data or is closed (--block-fd, --userns-block-fd, init's ready pipe).
Result<void> child_wait_on(int fd, const char* option);

// Sends the error to the monitor and exits with its code.
[[noreturn]] void child_fail(Channel& channel, const Error& error);

// The last steps in COMMAND's own process: capabilities, directory, environment,
// descriptors, --block-fd, then, once `init_ready` (if any) reaches end of file, seccomp and
// exec. Returns only on failure.
Error child_exec_command(const Spec& spec, const ChildState& state, int init_ready = -1);

// --pidns with a new pid namespace: the kernel creates a pid namespace only for the children
// of a process, so this process stays outside it and relays signals and the exit status, while
// its child, pid 1 inside, returns and carries on.
Result<void> child_enter_nested_pid_namespace(const Spec& spec, Channel& channel, const ChildState& state);

// Turns this process into the sandbox-init program (sandbox/init/sandbox-init.c): non-dumpable
// from its first instruction, no capabilities, `programs` loaded, nothing held but `keep`,
// passing signals on to `target` and exiting with its status. `ready` is closed once it is so.
// The --rlimit limits are set just before the exec.
[[noreturn]] void child_become_init(pid_t target, const std::vector<std::string>& programs, std::vector<int> keep,
                                    unique_fd ready, const std::vector<RlimitOp>& rlimits, InitContext context = {});

// pid 1: starts COMMAND, forwards signals to it, reaps orphans, exits with COMMAND's status.
[[noreturn]] void child_run_init(const Spec& spec, Channel& channel, const ChildState& state);

}  // namespace sb::launch
