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

Result<unique_fd> clone_tree(int dirfd, const std::string& path) {
  return sys::open_tree(dirfd, path, OPEN_TREE_CLONE | AT_RECURSIVE | (path.empty() ? AT_EMPTY_PATH : 0));
}

Result<void> attach_tree(int tree, int destfd, uint64_t attrs) {
  // Set on the detached copy, so the tree never appears in the new root with weaker flags.
  TRY(sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0));
  return sys::move_mount(tree, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

Result<unique_fd> bind_tree(int srcfd, int destfd, uint64_t attrs) {
  TRY_ASSIGN(unique_fd tree, clone_tree(srcfd, ""));
  TRY(attach_tree(tree.get(), destfd, attrs));
  return tree;
}

}  // namespace sb::mount
