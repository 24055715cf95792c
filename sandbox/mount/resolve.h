// Paths inside the new root. Everything is resolved from a descriptor of the root, as if that
// root were "/": a symlink met on the way, absolute or full of "..", never leads out of it, so
// nothing outside is ever opened, created or mounted on. The kernel does this for us with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) (Linux 5.6); where openat2 is missing the
// same walk is done here, one component at a time.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

enum class Resolver : unsigned char {
  openat2,  // the kernel resolves, with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
  walk,     // component by component with O_NOFOLLOW; ".." is the directory walked through
};

// The new root, and how paths inside it are resolved.
struct RootDir {
  int fd = -1;
  Resolver how = Resolver::openat2;
};

// "/a//b/./c/" -> "a/b/c"; "/" -> "" (the root itself). ".." is kept: resolution stops it at
// the root.
std::string relative_dest(std::string_view dest);

// The mode for missing parents: 0755, losing group/other access when `perms` denies it.
mode_t parent_mode_for(mode_t perms);

// Opens rel with O_PATH inside the root, following symlinks within it.
Result<unique_fd> resolve(RootDir root, const std::string& rel);

// mkdir -p inside the root: creates what is missing (last component with `mode`, parents with
// `parent_mode`) and returns an O_PATH descriptor of the directory.
Result<unique_fd> make_dirs(RootDir root, const std::string& rel, mode_t mode, mode_t parent_mode);

struct Parent {
  unique_fd dir;     // O_PATH descriptor of the parent directory
  std::string name;  // the last component
};
// Creates the parents of rel; rel must not be the root.
Result<Parent> make_parent(RootDir root, const std::string& rel, mode_t parent_mode);

// A regular file to mount on: opens rel if it exists, else creates it empty (mode 0444).
Result<unique_fd> make_file(RootDir root, const std::string& rel, mode_t parent_mode);

}  // namespace sb::mount
