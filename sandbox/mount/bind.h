// Bind mounts by descriptor with the new mount API.
#pragma once

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

// MOUNT_ATTR_* flags a bind of this kind carries on every submount.
uint64_t bind_attrs(BindKind kind);

// Clones the whole tree at srcfd (open_tree, recursive), applies `attrs` to every mount in it
// (mount_setattr, recursive) and attaches it on destfd (move_mount). Returns the attached tree.
Result<unique_fd> bind_tree(int srcfd, int destfd, uint64_t attrs);

}  // namespace sb::mount
