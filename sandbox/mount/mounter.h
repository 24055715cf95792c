// The two ways of making mounts. The new mount API (Linux 5.12: open_tree, move_mount,
// mount_setattr, fsopen/fsmount) works on detached mounts held by descriptors; the legacy
// mount(2) path gives the same operations by keeping each "detached" mount on a private staging
// directory until it is moved into place. Which one runs is chosen once, at run time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mount/resolve.h"
#include "host.h"
#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::mount {

// MOUNT_ATTR_* flags a bind of this kind carries on every submount.
uint64_t bind_attrs(BindKind kind);

// A new filesystem instance: its type, its options (an empty value is a flag) and the
// MOUNT_ATTR_* flags of the mount.
struct FsConfig {
  std::string type;
  std::vector<std::pair<std::string, std::string>> options;
  uint64_t attrs = 0;
};

class Mounter {
 public:
  virtual ~Mounter() = default;

  // A bind source as the caller sees it, taken before anything is mounted: dirfd/path (an empty
  // path: dirfd itself), following a final symlink unless `nofollow`.
  virtual Result<unique_fd> take_source(int dirfd, const std::string& path, bool nofollow = false) = 0;
  // Binds a taken source, with all its submounts, on target/name (an empty name: on target),
  // with `attrs` set on every mount before it appears there. The source is used up.
  virtual Result<void> bind(int source, int target, const std::string& name, uint64_t attrs) = 0;
  // A new filesystem instance, not yet anywhere the sandbox can see; returns its root.
  virtual Result<unique_fd> create(const FsConfig& fs) = 0;
  // Moves a mount made by create() onto target/name.
  virtual Result<void> attach(int mnt, int target, const std::string& name = "") = 0;
  // Adds MOUNT_ATTR_* flags to the one mount whose root is `mnt`.
  virtual Result<void> add_attrs(int mnt, uint64_t attrs) = 0;
  // The directory the new root is mounted on while it is built, opened as a path: only this
  // mount namespace sees it, and nothing the sources hold may lie beneath it.
  virtual Result<std::string> build_base() = 0;
  // How paths inside the new root are resolved.
  virtual Resolver resolver() const = 0;
};

// A directory of the caller's tree to build the new root on.
Result<std::string> find_base_dir();

// The new API where the kernel has all of it, else mount(2). `api` forces one.
std::unique_ptr<Mounter> choose_mounter(MountApi api);

std::unique_ptr<Mounter> new_api_mounter();
std::unique_ptr<Mounter> legacy_mounter();

}  // namespace sb::mount
