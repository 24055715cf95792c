// Which namespaces are made where.
//
// The monitor's clone3 must make the child's user and pid namespaces: the child is inside the
// one from its first instruction and pid 1 of the other. The rest cost the kernel more than
// anything else in a start (bench/README.md), and until the root is assembled the child needs
// none of them but the mount namespace. So, when nothing outside may look at the child's
// namespaces while it is set up, they are made off the monitor's path: once its id maps exist
// the child unshares the mount, IPC and UTS namespaces itself, and meanwhile a helper of the
// monitor makes the network namespace (netns.h). Otherwise clone makes them all.
#pragma once

#include <cstdint>

#include "spec.h"

namespace sb::launch {

// Whether nothing outside may look at the child's namespaces before COMMAND starts. --info-fd
// and --json-status-fd name them as soon as the child exists, and a reader may enter them at
// once; after joining --pidns the helper would be born inside it.
bool setup_unobserved(const Spec& spec);

// The CLONE_NEW* flags of the monitor's clone3.
uint64_t clone_namespaces(const Spec& spec);

// The CLONE_NEW* flags the child unshares once its id maps exist; 0 for none.
int child_unshared_namespaces(const Spec& spec);

}  // namespace sb::launch
