// The new mount API: every mount is made detached, flagged, then moved into place by descriptor.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount/mounter.h"
#include "sys/syscalls.h"

namespace sb::mount {

uint64_t bind_attrs(BindKind kind) {
  uint64_t attrs = MOUNT_ATTR_NOSUID;
  if (kind != BindKind::dev) attrs |= MOUNT_ATTR_NODEV;
  if (kind == BindKind::ro) attrs |= MOUNT_ATTR_RDONLY;
  return attrs;
}

Result<std::string> find_base_dir() {
  // The first of these that is a directory (a sandbox inside a sandbox may lack /tmp). Not
  // /proc or /dev: setup still reads those.
  for (const char* candidate : {"/tmp", "/var/tmp", "/run", "/mnt", "/home", "/root", "/usr", "/etc"}) {
    struct stat st;
    if (::stat(candidate, &st) == 0 && S_ISDIR(st.st_mode)) return std::string(candidate);
  }
  return fail("Can't build the new root: no directory to build it on", ENOENT);
}

namespace {

class NewApi final : public Mounter {
 public:
  Result<unique_fd> take_source(int dirfd, const std::string& path, bool nofollow) override {
    // A copy of the tree as it is now: one taken after the new root is mounted would hold the
    // new root too whenever the source contains the directory it is built on.
    unsigned flags = OPEN_TREE_CLONE | AT_RECURSIVE | (path.empty() ? AT_EMPTY_PATH : 0) |
                     (nofollow ? AT_SYMLINK_NOFOLLOW : 0);
    return sys::open_tree(dirfd, path, flags);
  }

  Result<void> bind(int source, int target, const std::string& name, uint64_t attrs) override {
    // Set on the detached copy, so the tree never appears in the new root with weaker flags.
    TRY(sys::mount_setattr(source, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs, 0));
    return attach(source, target, name);
  }

  Result<unique_fd> create(const FsConfig& fs) override {
    TRY_ASSIGN(unique_fd ctx, sys::fsopen(fs.type));
    TRY(sys::fsconfig_string(ctx.get(), "source", fs.type));
    for (const auto& [key, value] : fs.options)
      TRY(value.empty() ? sys::fsconfig_flag(ctx.get(), key) : sys::fsconfig_string(ctx.get(), key, value));
    return sys::fsmount_create(ctx.get(), static_cast<unsigned>(fs.attrs));
  }

  Result<void> attach(int mnt, int target, const std::string& name) override {
    unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | (name.empty() ? MOVE_MOUNT_T_EMPTY_PATH : 0);
    return sys::move_mount(mnt, "", target, name, flags);
  }

  Result<void> add_attrs(int mnt, uint64_t attrs) override {
    return sys::mount_setattr(mnt, "", AT_EMPTY_PATH, attrs, 0);
  }

  // Only this namespace sees what is mounted there, and the sources were cloned before it
  // covered anything.
  Result<std::string> build_base() override { return find_base_dir(); }

  Resolver resolver() const override { return Resolver::openat2; }
};

// A call the kernel does not have answers ENOSYS (or, behind some seccomp filters, EPERM);
// these probes pass arguments every kernel that has the call rejects otherwise.
bool has_new_api() {
  auto missing = [](long r) { return r < 0 && (errno == ENOSYS || errno == EPERM); };
  return !missing(::syscall(SYS_open_tree, -1, "", 0)) &&
         !missing(::syscall(SYS_move_mount, -1, "", -1, "", ~0u)) &&
         !missing(::syscall(SYS_fsopen, nullptr, ~0u)) &&
         !missing(::syscall(SYS_mount_setattr, -1, "", 0, nullptr, 0)) &&
         !missing(::syscall(SYS_openat2, -1, "", nullptr, 0));
}

}  // namespace

std::unique_ptr<Mounter> new_api_mounter() { return std::make_unique<NewApi>(); }

std::unique_ptr<Mounter> choose_mounter(MountApi api) {
  switch (api) {
    case MountApi::new_api: return new_api_mounter();
    case MountApi::legacy: return legacy_mounter();
    case MountApi::automatic: break;
  }
  return has_new_api() ? new_api_mounter() : legacy_mounter();
}

}  // namespace sb::mount
