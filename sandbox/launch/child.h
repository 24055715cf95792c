// What runs inside the new namespaces, before COMMAND.
#pragma once

#include "launch/channel.h"
#include "spec.h"

namespace sb::launch {

// The cloned child: sets up the sandbox in the hardening order, then becomes init (or COMMAND
// with --as-pid-1). Failures go to the monitor as one record.
[[noreturn]] void child_main(const Spec& spec, Channel channel);

// Sends the error to the monitor and exits with its code.
[[noreturn]] void child_fail(Channel& channel, const Error& error);

// The last steps in COMMAND's own process: session, directory, environment, descriptors, exec.
// Returns only on failure.
Error child_exec_command(const Spec& spec);

// pid 1: starts COMMAND, forwards signals to it, reaps orphans, exits with COMMAND's status.
[[noreturn]] void child_run_init(const Spec& spec, Channel& channel);

}  // namespace sb::launch
