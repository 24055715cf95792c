// The sandbox's network namespace.
//
// Creating one costs the kernel more than any other step of a start (0.34 to 0.45 ms of about
// 2.5 ms here; bench/README.md), and assembling the root does not need it. So, unless something
// outside may look at the child's namespaces while it is being set up (plan/plan.h), the
// monitor leaves it out of the clone and a helper makes it meanwhile: a fork of the monitor,
// outside the new pid namespace (a thread of the child would take pid 2 there), joins the
// child's user namespace, makes the network namespace, brings lo up and sends its descriptor
// to the child, which enters it once the root is assembled.
#pragma once

#include "launch/channel.h"
#include "sys/process.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

using sys::Process;

// A datagram socket in this process's network namespace, for the ioctls that set it up.
Result<unique_fd> netns_socket();

// lo up in the network namespace of `sock` (a new one has only lo, and it is down); the kernel
// then gives it 127.0.0.1/8 and ::1.
Result<void> loopback_up(int sock);

// Monitor, once the child's id maps exist: starts the helper, which sends on `link` and exits.
Result<Process> monitor_start_netns_helper(const Spec& spec, const Process& child, Channel link);

// Child: waits for the helper's namespace and enters it.
Result<void> child_enter_netns(Channel& link);

}  // namespace sb::launch
