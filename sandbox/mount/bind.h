// Bind mounts by descriptor with the new mount API.
#pragma once

#include <string>

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

// MOUNT_ATTR_* flags a bind of this kind carries on every submount.
uint64_t bind_attrs(BindKind kind);

// A detached copy of the whole mount tree at dirfd/path (open_tree, recursive), following a
// final symlink. Taken before the new root is mounted, it is a snapshot of the caller's view.
Result<unique_fd> clone_tree(int dirfd, const std::string& path);

// Applies `attrs` to every mount of a detached tree (mount_setattr, recursive) and attaches it
// on destfd (move_mount).
Result<void> attach_tree(int tree, int destfd, uint64_t attrs);

// clone_tree + attach_tree; returns the attached tree.
Result<unique_fd> bind_tree(int srcfd, int destfd, uint64_t attrs);

}  // namespace sb::mount
