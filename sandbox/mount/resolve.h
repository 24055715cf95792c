// Paths inside the new root. Everything is resolved from a descriptor of the root with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): a symlink met on the way resolves as if
// the new root were "/", so nothing outside it is ever opened, created or mounted on.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

// "/a//b/./c/" -> "a/b/c"; "/" -> "" (the root itself). ".." is kept: the kernel resolves it
// and RESOLVE_IN_ROOT stops it at the root.
std::string relative_dest(std::string_view dest);

// The mode for missing parents: 0755, losing group/other access when `perms` denies it.
mode_t parent_mode_for(mode_t perms);

// Opens rel (O_PATH unless told) inside the root, following symlinks within it.
Result<unique_fd> resolve(int rootfd, const std::string& rel, int flags = 0);

// mkdir -p inside the root: creates what is missing (last component with `mode`, parents with
// `parent_mode`) and returns an O_PATH descriptor of the directory.
Result<unique_fd> make_dirs(int rootfd, const std::string& rel, mode_t mode, mode_t parent_mode);

struct Parent {
  unique_fd dir;     // O_PATH descriptor of the parent directory
  std::string name;  // the last component
};
// Creates the parents of rel; rel must not be the root.
Result<Parent> make_parent(int rootfd, const std::string& rel, mode_t parent_mode);

// A regular file to mount on: opens rel if it exists, else creates it empty (mode 0444).
Result<unique_fd> make_file(int rootfd, const std::string& rel, mode_t parent_mode);

}  // namespace sb::mount
