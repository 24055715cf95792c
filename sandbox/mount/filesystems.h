// New filesystem instances: procfs, a minimal /dev, tmpfs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

// Each mounts on the directory descriptor `target` and returns the new mount.
Result<unique_fd> mount_proc(int target);
Result<unique_fd> mount_dev(int target);
Result<unique_fd> mount_tmpfs(int target, mode_t mode, std::optional<uint64_t> size);

Result<unique_fd> mount_mqueue(int target);

// An overlay on `target`: lower layers bottom first, as descriptors; upper/work optional (both
// or neither; neither makes it read-only).
Result<unique_fd> mount_overlay(int target, const std::vector<int>& lower, int upper, int work);

// A detached tmpfs (mode 0755, nosuid, nodev), for the new root.
Result<unique_fd> new_tmpfs(mode_t mode, std::optional<uint64_t> size, uint64_t attrs);

}  // namespace sb::mount
