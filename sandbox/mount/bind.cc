#include "mount/bind.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "sys/syscalls.h"

namespace sb::mount {

uint64_t bind_attrs(BindKind kind) {
  uint64_t attrs = MOUNT_ATTR_NOSUID;
  if (kind != BindKind::dev) attrs |= MOUNT_ATTR_NODEV;
  if (kind == BindKind::ro) attrs |= MOUNT_ATTR_RDONLY;
  return attrs;
}

Result<unique_fd> bind_tree(int srcfd, int destfd, uint64_t attrs) {
  TRY_ASSIGN(unique_fd tree,
             sys::open_tree(srcfd, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH));
  // Set on the detached copy, so the tree never appears in the new root with weaker flags.
  TRY(sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0));
  TRY(sys::move_mount(tree.get(), "", destfd, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
  return tree;
}

}  // namespace sb::mount
