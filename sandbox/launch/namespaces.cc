#include "launch/namespaces.h"

#include <sched.h>

namespace sb::launch {

bool setup_unobserved(const Spec& spec) { return !spec.info_fd && !spec.json_status_fd && !spec.pidns_fd; }

uint64_t clone_namespaces(const Spec& spec) {
  uint64_t flags = spec.userns_fd ? 0 : CLONE_NEWUSER;
  // After joining --pidns the kernel refuses CLONE_NEWPID here; the child makes it instead.
  if (spec.ns.pid && !spec.pidns_fd) flags |= CLONE_NEWPID;
  if (spec.ns.cgroup) flags |= CLONE_NEWCGROUP;
  if (setup_unobserved(spec)) return flags;
  flags |= CLONE_NEWNS;
  if (spec.ns.ipc) flags |= CLONE_NEWIPC;
  if (spec.ns.uts) flags |= CLONE_NEWUTS;
  if (spec.ns.net) flags |= CLONE_NEWNET;
  return flags;
}

int child_unshared_namespaces(const Spec& spec) {
  if (!setup_unobserved(spec)) return 0;
  return CLONE_NEWNS | (spec.ns.ipc ? CLONE_NEWIPC : 0) | (spec.ns.uts ? CLONE_NEWUTS : 0);
}

}  // namespace sb::launch
