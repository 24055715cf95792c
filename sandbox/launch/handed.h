// The descriptors the caller hands over by option, each owned once. A descriptor named by an
// option is closed exactly once, at its last use, by whichever process uses it last (the
// monitor for the status descriptors, the child for the rest); its number may be reused by
// one of ours after that, so nothing else closes it. Those not closed by then stay out of
// COMMAND's reach as launch/ decides (close_inherited_fds, --sync-fd, --keep-fd).
#pragma once

#include "plan/plan.h"
#include "sys/fd.h"

namespace sb::launch {

using HandedFds = Handed<unique_fd>;

// Takes ownership of the descriptors as the plan assigns them to slots (no system call). The
// numbers to use stay the Spec's; a slot is what closes.
HandedFds hand_over(const Handed<int>& planned);

}  // namespace sb::launch
