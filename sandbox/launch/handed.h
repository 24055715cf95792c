// The descriptors the caller hands over by option, each owned once. A descriptor named by an
// option is closed exactly once, at its last use, by whichever process uses it last (the
// monitor for the status descriptors, the child for the rest); its number may be reused by
// one of ours after that, so nothing else closes it. Those not closed by then stay out of
// COMMAND's reach as launch/ decides (close_inherited_fds, --sync-fd, --keep-fd).
#pragma once

#include <vector>

#include "spec.h"
#include "sys/fd.h"

namespace sb::launch {

struct HandedFds {
  unique_fd info, json_status, block, sync, userns_block, userns, userns2, pidns;
  std::vector<unique_fd> args;     // --args streams, read by the parser already
  std::vector<unique_fd> seccomp;  // in Spec::seccomp_fds order
  std::vector<unique_fd> mounts;   // per Spec::mounts index: a --bind-fd source or a data fd
};

// Takes ownership of every descriptor the Spec names (no system call). The numbers to use stay
// the Spec's; a slot is what closes.
HandedFds hand_over(const Spec& spec);

}  // namespace sb::launch
