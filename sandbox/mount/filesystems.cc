#include "mount/filesystems.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <string>

#include "sys/syscalls.h"

namespace sb::mount {

namespace {

std::string octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", static_cast<unsigned>(mode));
  return buf;
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

constexpr uint64_t kNoDevSuidExec = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

}  // namespace

Result<unique_fd> new_tmpfs(Mounter& m, mode_t mode, std::optional<uint64_t> size) {
  FsConfig fs{"tmpfs", {{"mode", octal(mode)}}, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (size) fs.options.emplace_back("size", std::to_string(*size));
  return m.create(fs);
}

Result<void> mount_tmpfs(Mounter& m, int target, mode_t mode, std::optional<uint64_t> size, bool noexec) {
  TRY_ASSIGN(unique_fd mnt, new_tmpfs(m, mode, size));
  if (noexec) TRY(m.add_attrs(mnt.get(), MOUNT_ATTR_NOEXEC));
  return m.attach(mnt.get(), target);
}

Result<void> mount_mqueue(Mounter& m, int target) {
  TRY_ASSIGN(unique_fd mnt, m.create({"mqueue", {}, kNoDevSuidExec}));
  return m.attach(mnt.get(), target);
}

Result<void> mount_overlay(Mounter& m, int target, const std::vector<int>& lower, int upper, int work) {
  // The kernel lists the top layer first.
  std::string lowerdir;
  for (auto it = lower.rbegin(); it != lower.rend(); ++it)
    lowerdir += (lowerdir.empty() ? "" : ":") + sys::fd_path(*it);
  FsConfig fs{"overlay", {{"lowerdir", lowerdir}}, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (upper >= 0) {
    fs.options.emplace_back("upperdir", sys::fd_path(upper));
    fs.options.emplace_back("workdir", sys::fd_path(work));
  } else {
    fs.attrs |= MOUNT_ATTR_RDONLY;
  }
  // Inside a user namespace overlayfs may only use the user.* xattr namespace.
  fs.options.emplace_back("userxattr", "");
  TRY_ASSIGN(unique_fd mnt, m.create(fs));
  return m.attach(mnt.get(), target);
}

Result<void> cover_proc(Mounter& m, int proc) {
  for (const char* name : kProcReadOnly) {
    auto tree = m.take_source(proc, name, true);
    if (!tree && tree.error().err == ENOENT) continue;  // not every kernel has all four
    if (!tree) return std::unexpected(std::move(tree).error().wrap(name));
    if (auto b = m.bind(tree->get(), proc, name, MOUNT_ATTR_RDONLY | kNoDevSuidExec); !b)
      return std::unexpected(std::move(b).error().wrap(name));
  }
  return {};
}

Result<void> mount_proc(Mounter& m, int target) {
  // Attached first, then covered: kernels before 6.15 cannot mount inside a detached tree. The
  // descriptor goes on naming the mount wherever it moves.
  TRY_ASSIGN(unique_fd mnt, m.create({"proc", {}, kNoDevSuidExec}));
  TRY(m.attach(mnt.get(), target));
  return cover_proc(m, mnt.get());
}

Result<void> mount_dev(Mounter& m, int target) {
  TRY_ASSIGN(unique_fd mnt, new_tmpfs(m, 0755, std::nullopt));
  TRY(m.attach(mnt.get(), target));  // first, as for proc
  int dev = mnt.get();
  for (const char* name : kDevNodes) {
    auto wrap = [&](Error e) { return std::unexpected(std::move(e).wrap(std::string("/dev/") + name)); };
    int fd = ::openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
    if (fd < 0) return fail_errno(std::string("creating ") + name);
    ::close(fd);
    // The host's node, not a new one: mknod is refused in a user namespace, and a bind keeps
    // the device usable because the bind itself is not nodev.
    auto node = m.take_source(AT_FDCWD, std::string("/dev/") + name);
    if (!node) return wrap(std::move(node).error());
    if (auto b = m.bind(node->get(), dev, name, MOUNT_ATTR_NOSUID); !b) return wrap(std::move(b).error());
  }
  for (const auto& link : kDevLinks)
    if (::symlinkat(link.target, dev, link.name) < 0)
      return fail_errno(std::string("creating /dev/") + link.name);
  if (::mkdirat(dev, "shm", 0755) < 0) return fail_errno("creating /dev/shm");
  if (::mkdirat(dev, "pts", 0755) < 0) return fail_errno("creating /dev/pts");

  // A private devpts instance: the command sees only the terminals it opens itself.
  TRY_ASSIGN(unique_fd pts, m.create({"devpts",
                                      {{"newinstance", ""}, {"ptmxmode", "0666"}, {"mode", "0620"}},
                                      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC}));
  return m.attach(pts.get(), dev, "pts");
}

}  // namespace sb::mount
