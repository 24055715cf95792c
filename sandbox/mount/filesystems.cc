#include "mount/filesystems.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <string>

#include "mount/bind.h"
#include "sys/syscalls.h"

namespace sb::mount {

namespace {

std::string octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", static_cast<unsigned>(mode));
  return buf;
}

Result<void> attach(int mnt, int target, const std::string& name = "") {
  unsigned flags = MOVE_MOUNT_F_EMPTY_PATH | (name.empty() ? MOVE_MOUNT_T_EMPTY_PATH : 0);
  return sys::move_mount(mnt, "", target, name, flags);
}

// Writes to the kernel's switches under /proc would reach the host or outlive the sandbox.
constexpr std::array kProcReadOnly = {"sys", "sysrq-trigger", "irq", "bus"};

constexpr std::array kDevNodes = {"null", "zero", "full", "random", "urandom", "tty"};

struct DevLink {
  const char* name;
  const char* target;
};
constexpr std::array kDevLinks = {
    DevLink{"fd", "/proc/self/fd"},       DevLink{"stdin", "/proc/self/fd/0"},
    DevLink{"stdout", "/proc/self/fd/1"}, DevLink{"stderr", "/proc/self/fd/2"},
    DevLink{"core", "/proc/kcore"},       DevLink{"ptmx", "pts/ptmx"},
};

}  // namespace

Result<unique_fd> new_tmpfs(mode_t mode, std::optional<uint64_t> size, uint64_t attrs) {
  TRY_ASSIGN(unique_fd fs, sys::fsopen("tmpfs"));
  TRY(sys::fsconfig_string(fs.get(), "source", "tmpfs"));
  TRY(sys::fsconfig_string(fs.get(), "mode", octal(mode)));
  if (size) TRY(sys::fsconfig_string(fs.get(), "size", std::to_string(*size)));
  return sys::fsmount_create(fs.get(), static_cast<unsigned>(attrs));
}

Result<unique_fd> mount_tmpfs(int target, mode_t mode, std::optional<uint64_t> size) {
  TRY_ASSIGN(unique_fd mnt, new_tmpfs(mode, size, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV));
  TRY(attach(mnt.get(), target));
  return mnt;
}

namespace {

// A new instance of a filesystem that takes no options, nosuid, nodev and noexec, on target.
Result<unique_fd> mount_plain(int target, const std::string& type) {
  TRY_ASSIGN(unique_fd fs, sys::fsopen(type));
  TRY(sys::fsconfig_string(fs.get(), "source", type));
  TRY_ASSIGN(unique_fd mnt, sys::fsmount_create(fs.get(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                              MOUNT_ATTR_NOEXEC));
  TRY(attach(mnt.get(), target));
  return mnt;
}

}  // namespace

Result<unique_fd> mount_mqueue(int target) { return mount_plain(target, "mqueue"); }

Result<unique_fd> mount_overlay(int target, const std::vector<int>& lower, int upper, int work) {
  TRY_ASSIGN(unique_fd fs, sys::fsopen("overlay"));
  TRY(sys::fsconfig_string(fs.get(), "source", "overlay"));
  // The kernel lists the top layer first.
  std::string lowerdir;
  for (auto it = lower.rbegin(); it != lower.rend(); ++it)
    lowerdir += (lowerdir.empty() ? "" : ":") + sys::fd_path(*it);
  TRY(sys::fsconfig_string(fs.get(), "lowerdir", lowerdir));
  if (upper >= 0) {
    TRY(sys::fsconfig_string(fs.get(), "upperdir", sys::fd_path(upper)));
    TRY(sys::fsconfig_string(fs.get(), "workdir", sys::fd_path(work)));
  }
  // Inside a user namespace overlayfs may only use the user.* xattr namespace.
  TRY(sys::fsconfig_flag(fs.get(), "userxattr"));
  uint64_t attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (upper < 0 ? MOUNT_ATTR_RDONLY : 0);
  TRY_ASSIGN(unique_fd mnt, sys::fsmount_create(fs.get(), static_cast<unsigned>(attrs)));
  TRY(attach(mnt.get(), target));
  return mnt;
}

Result<unique_fd> mount_proc(int target) {
  TRY_ASSIGN(unique_fd mnt, mount_plain(target, "proc"));
  for (const char* name : kProcReadOnly) {
    auto tree = sys::open_tree(mnt.get(), name, OPEN_TREE_CLONE | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
    if (!tree && tree.error().err == ENOENT) continue;  // not every kernel has all four
    if (!tree) return std::unexpected(std::move(tree).error().wrap(name));
    TRY(sys::mount_setattr(tree->get(), "", AT_EMPTY_PATH | AT_RECURSIVE,
                           MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                               MOUNT_ATTR_NOEXEC,
                           0));
    TRY(attach(tree->get(), mnt.get(), name));
  }
  return mnt;
}

Result<unique_fd> mount_dev(int target) {
  TRY_ASSIGN(unique_fd mnt, mount_tmpfs(target, 0755, std::nullopt));
  int dev = mnt.get();
  for (const char* name : kDevNodes) {
    auto wrap = [&](Error e) { return std::unexpected(std::move(e).wrap(std::string("/dev/") + name)); };
    int fd = ::openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
    if (fd < 0) return fail_errno(std::string("creating ") + name);
    ::close(fd);
    auto spot = sys::openat2(dev, name, O_PATH, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    if (!spot) return wrap(std::move(spot).error());
    // The host's node, not a new one: mknod is refused in a user namespace, and a bind keeps
    // the device usable because the bind itself is not nodev.
    auto node = sys::open(std::string("/dev/") + name, O_PATH);
    if (!node) return wrap(std::move(node).error());
    if (auto b = bind_tree(node->get(), spot->get(), MOUNT_ATTR_NOSUID); !b)
      return wrap(std::move(b).error());
  }
  for (const auto& link : kDevLinks)
    if (::symlinkat(link.target, dev, link.name) < 0)
      return fail_errno(std::string("creating /dev/") + link.name);
  if (::mkdirat(dev, "shm", 0755) < 0) return fail_errno("creating /dev/shm");
  if (::mkdirat(dev, "pts", 0755) < 0) return fail_errno("creating /dev/pts");

  // A private devpts instance: the command sees only the terminals it opens itself.
  TRY_ASSIGN(unique_fd fs, sys::fsopen("devpts"));
  TRY(sys::fsconfig_string(fs.get(), "source", "devpts"));
  TRY(sys::fsconfig_flag(fs.get(), "newinstance"));
  TRY(sys::fsconfig_string(fs.get(), "ptmxmode", "0666"));
  TRY(sys::fsconfig_string(fs.get(), "mode", "0620"));
  TRY_ASSIGN(unique_fd pts, sys::fsmount_create(fs.get(), MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
  TRY(attach(pts.get(), dev, "pts"));
  return mnt;
}

}  // namespace sb::mount
