// New filesystem instances: procfs, a minimal /dev, tmpfs, mqueue, overlay, each mounted on the
// directory descriptor `target`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "mount/mounter.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

Result<void> mount_proc(Mounter& m, int target);
// The kernel's switches under the procfs whose root is `proc` (sys, sysrq-trigger, irq, bus)
// made read-only, as mount_proc does for a new instance.
Result<void> cover_proc(Mounter& m, int proc);
Result<void> mount_dev(Mounter& m, int target);
Result<void> mount_tmpfs(Mounter& m, int target, mode_t mode, std::optional<uint64_t> size, bool noexec = false);
Result<void> mount_mqueue(Mounter& m, int target);

// An overlay on `target`: lower layers bottom first, as descriptors; upper/work optional (both
// or neither; neither makes it read-only).
Result<void> mount_overlay(Mounter& m, int target, const std::vector<int>& lower, int upper, int work);

// A tmpfs (nosuid, nodev), not yet attached anywhere.
Result<unique_fd> new_tmpfs(Mounter& m, mode_t mode, std::optional<uint64_t> size);

}  // namespace sb::mount
