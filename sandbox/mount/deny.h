// --deny inside the new root, before the pivot (security/deny.h says what it means).
#pragma once

#include "mount/mounter.h"
#include "mount/resolve.h"
#include "security/landlock.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::mount {

// Expands each --deny pattern inside the new root and covers every match: a directory with an
// empty read-only tmpfs of mode 0000, anything else with an empty read-only file of mode 0000
// made in `scratch`. Only this mount namespace sees the covers; nothing is made on the host. A
// path without wildcards that does not exist goes to out.missing, for Landlock.
Result<void> cover_denied(Mounter& m, RootDir root, int scratch, unsigned& scratch_n, const Spec& spec,
                          security::AssembledRoot& out);

}  // namespace sb::mount
