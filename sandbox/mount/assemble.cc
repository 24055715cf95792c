#include "mount/assemble.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <vector>

#include "mount/bind.h"
#include "mount/filesystems.h"
#include "mount/resolve.h"
#include "sys/syscalls.h"

namespace sb::mount {

namespace {

// Where the new root is mounted while it is built. Only this namespace sees it, and the bind
// sources were opened before it covered anything.
constexpr const char* kBase = "/tmp";

constexpr mode_t kDirMode = 0755;

// Sources are held open until their turn; lift the soft descriptor limit for that while, and
// put it back before COMMAND can inherit it.
class NofileLimit {
 public:
  explicit NofileLimit(size_t needed) {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) < 0) return;
    rlim_t want = saved_.rlim_cur + needed;
    if (needed == 0 || saved_.rlim_cur == RLIM_INFINITY) return;
    rlimit raised = saved_;
    raised.rlim_cur = saved_.rlim_max == RLIM_INFINITY ? want : std::min(want, saved_.rlim_max);
    raised_ = ::setrlimit(RLIMIT_NOFILE, &raised) == 0;
  }
  ~NofileLimit() {
    if (raised_) ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  NofileLimit(const NofileLimit&) = delete;
  NofileLimit& operator=(const NofileLimit&) = delete;

 private:
  rlimit saved_{};
  bool raised_ = false;
};

struct Root {
  unique_fd fd;  // the topmost mount at kBase

  // After a mount onto "/" itself the old descriptor names the covered mount; take the top.
  Result<void> refresh() {
    TRY_ASSIGN(fd, sys::open(kBase, O_PATH | O_DIRECTORY));
    return {};
  }
};

Result<std::vector<unique_fd>> open_sources(const std::vector<MountOp>& ops) {
  std::vector<unique_fd> sources(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto* bind = std::get_if<BindOp>(&ops[i]);
    if (!bind) continue;
    auto fd = sys::open(bind->src, O_PATH);
    if (!fd && fd.error().err == ENOENT && bind->optional) continue;
    if (!fd) return fail("Can't find source path " + bind->src, fd.error().err);
    sources[i] = std::move(*fd);
  }
  return sources;
}

Result<bool> same_object(int a, int b) {
  struct stat sa, sb;
  if (::fstat(a, &sa) < 0 || ::fstat(b, &sb) < 0) return fail_errno("fstat");
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Applies one operation; `source` is the opened bind source, if any.
struct Apply {
  Root& root;
  unique_fd& source;

  // The operation's destination as the caller wrote it, for messages.
  static std::string shown(const std::string& dest) { return dest.starts_with('/') ? dest : "/" + dest; }

  Result<void> after_mount_on(const std::string& rel) {
    if (rel.empty()) return root.refresh();
    return {};
  }

  Result<void> operator()(const BindOp& op) {
    if (!source) return {};  // a -try source that does not exist
    std::string rel = relative_dest(op.dest);
    struct stat st;
    if (::fstat(source.get(), &st) < 0) return fail_errno("Can't stat " + op.src);
    auto target = S_ISDIR(st.st_mode) ? make_dirs(root.fd.get(), rel, kDirMode, kDirMode)
                                      : make_file(root.fd.get(), rel, kDirMode);
    if (!target) return std::unexpected(std::move(target).error());
    std::string what = "Can't bind mount " + op.src + " on " + shown(op.dest);
    auto tree = bind_tree(source.get(), target->get(), bind_attrs(op.kind));
    if (!tree) return std::unexpected(std::move(tree).error().wrap(what));
    source.reset();
    TRY(after_mount_on(rel));
    // What the path shows now must be what was mounted.
    TRY_ASSIGN(unique_fd now, resolve(root.fd.get(), rel));
    TRY_ASSIGN(bool same, same_object(now.get(), tree->get()));
    if (!same) return fail(what + ": destination changed while mounting", EXDEV);
    return {};
  }

  // Mounts the filesystem `make` creates on the directory dest, made if missing.
  template <typename Make>
  Result<void> mount_new(const std::string& dest, const char* fstype, mode_t parents, Make make) {
    std::string rel = relative_dest(dest);
    TRY_ASSIGN(unique_fd target, make_dirs(root.fd.get(), rel, parents, parents));
    if (auto m = make(target.get()); !m)
      return std::unexpected(
          std::move(m).error().wrap(std::string("Can't mount ") + fstype + " on " + shown(dest)));
    return after_mount_on(rel);
  }

  Result<void> operator()(const ProcOp& op) { return mount_new(op.dest, "proc", kDirMode, mount_proc); }

  Result<void> operator()(const DevOp& op) { return mount_new(op.dest, "dev", kDirMode, mount_dev); }

  Result<void> operator()(const TmpfsOp& op) {
    mode_t parents = op.perms ? parent_mode_for(*op.perms) : kDirMode;
    return mount_new(op.dest, "tmpfs", parents, [&](int target) {
      return mount_tmpfs(target, op.perms.value_or(kDirMode), op.size);
    });
  }

  Result<void> operator()(const DirOp& op) {
    mode_t parents = op.perms ? parent_mode_for(*op.perms) : kDirMode;
    TRY(make_dirs(root.fd.get(), relative_dest(op.dest), op.perms.value_or(kDirMode), parents));
    return {};
  }

  Result<void> operator()(const SymlinkOp& op) {
    TRY_ASSIGN(Parent parent, make_parent(root.fd.get(), relative_dest(op.dest), kDirMode));
    if (::symlinkat(op.target.c_str(), parent.dir.get(), parent.name.c_str()) == 0) return {};
    int err = errno;
    if (err == EEXIST) {  // an identical link is fine, so scripts can be re-run on a rootfs
      std::string existing(PATH_MAX, '\0');
      ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), existing.data(), existing.size());
      if (n >= 0 && existing.compare(0, static_cast<size_t>(n), op.target) == 0 &&
          static_cast<size_t>(n) == op.target.size())
        return {};
    }
    return fail("Can't make symlink at " + shown(op.dest), err);
  }

  Result<void> operator()(const RemountRoOp& op) {
    std::string what = "Can't remount read-only " + shown(op.dest);
    auto fd = resolve(root.fd.get(), relative_dest(op.dest));
    if (!fd) return fail(what, fd.error().err);
    if (auto r = sys::mount_setattr(fd->get(), "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0); !r)
      return fail(what + (r.error().err == EINVAL ? ": not a mount point" : ""),
                  r.error().err == EINVAL ? 0 : r.error().err);
    return {};
  }

  Result<void> operator()(const ChmodOp& op) {
    auto fd = resolve(root.fd.get(), relative_dest(op.path));
    if (!fd || ::chmod(sys::fd_path(fd->get()).c_str(), op.mode) < 0)
      return fail("Can't chmod " + shown(op.path), fd ? errno : fd.error().err);
    return {};
  }
};

// pivot_root(".", ".") stacks the old root on the new one; detaching "." then removes it, so no
// directory for it is needed and nothing of it stays in the new mount table.
Result<void> pivot(const Root& root) {
  if (::fchdir(root.fd.get()) < 0) return fail_errno("Can't enter the new root");
  TRY(sys::pivot_root(".", "."));
  if (::umount2(".", MNT_DETACH) < 0) return fail_errno("Can't detach the old root");
  if (::chdir("/") < 0) return fail_errno("Can't enter the new root");
  return {};
}

}  // namespace

Result<void> child_assemble_root(const Spec& spec) {
  // Nothing done here may reach the caller's namespace; host changes still propagate in.
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return fail_errno("Can't make / a slave mount");

  NofileLimit limit(spec.mounts.size());
  TRY_ASSIGN(std::vector<unique_fd> sources, open_sources(spec.mounts));

  Root root;
  {
    auto base = sys::open(kBase, O_PATH | O_DIRECTORY);
    if (!base) return fail(std::string("Can't open ") + kBase, base.error().err);
    auto tmpfs = new_tmpfs(kDirMode, std::nullopt, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (!tmpfs) return std::unexpected(std::move(tmpfs).error().wrap("Can't create the new root"));
    if (auto m = sys::move_mount(tmpfs->get(), "", base->get(), "",
                                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
        !m)
      return std::unexpected(std::move(m).error().wrap("Can't mount the new root"));
    TRY(root.refresh());
  }

  for (size_t i = 0; i < spec.mounts.size(); ++i)
    TRY(std::visit(Apply{root, sources[i]}, spec.mounts[i]));
  return pivot(root);
}

}  // namespace sb::mount
