#include "mount/assemble.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <optional>
#include <set>
#include <cstdio>
#include <vector>

#include "mount/deny.h"
#include "mount/filesystems.h"
#include "mount/mounter.h"
#include "mount/mountinfo.h"
#include "mount/resolve.h"
#include "sys/io.h"
#include "sys/paths.h"
#include "sys/syscalls.h"

namespace sb::mount {

namespace {

// Whether something is mounted beneath this mount namespace's /proc.
bool procfs_is_covered() {
  auto mounts = parse_mountinfo(sys::read_file_or_empty("/proc/self/mountinfo"));
  if (!mounts) return false;
  for (const auto& e : *mounts)
    if (beneath("/proc", e.mount_point)) return true;
  return false;
}


constexpr mode_t kDirMode = 0755;

// Whether the directory `name` is in `root`, or can be made there.
bool can_hold(RootDir root, const char* name) {
  if (auto dir = resolve(root, name)) {
    struct stat st{};
    return ::fstat(dir->get(), &st) == 0 && S_ISDIR(st.st_mode);
  }
  return ::mkdirat(root.fd, name, kDirMode) == 0;
}


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
  std::string base;  // where it is mounted while it is built
  unique_fd fd;      // the topmost mount at base
  Resolver how = Resolver::openat2;

  RootDir dir() const { return {fd.get(), how}; }

  // After a mount onto "/" itself the old descriptor names the covered mount; take the top.
  Result<void> refresh() {
    TRY_ASSIGN(fd, sys::open(base, O_PATH | O_DIRECTORY));
    return {};
  }
};

// What an operation needs from the caller's view of the host, taken before anything is
// mounted: a bind's source as a detached copy of its mount tree (a copy taken later would
// include the new root itself when the source contains the directory it is built on), or an
// overlay's layers.
struct Sources {
  unique_fd main;
  std::vector<unique_fd> layers;  // overlay: lower layers bottom first, then upper and work
};

Result<bool> same_object(int a, int b);

// A destination that is the new root itself ("/", "//", "/.").
bool is_root(const std::string& dest) {
  for (std::string_view c : sys::path_components(dest))
    if (c != ".") return false;
  return true;
}

std::unexpected<Error> root_not_a_directory(const std::string& src) {
  return fail("Can't make " + src + " the new root, which must be a directory", ENOTDIR);
}

Result<unique_fd> open_source(const std::string& path) {
  auto fd = sys::open(path, O_PATH);
  if (!fd) return fail("Can't find source path " + path, fd.error().err);
  return fd;
}

// --bind-fd: the descriptor belongs to the caller's mount namespace, so it is reached again by
// its path in this one and must lead to the same object.
Result<unique_fd> open_fd_source(Mounter& m, const BindOp& bind, const Origin& origin) {
  std::string what = origin.option + " " + std::to_string(*bind.src_fd);
  char link[PATH_MAX];
  ssize_t n = ::readlink(sys::fd_path(*bind.src_fd).c_str(), link, sizeof link - 1);
  if (n < 0) return fail_errno(what);
  std::string path(link, static_cast<size_t>(n));
  auto tree = m.take_source(AT_FDCWD, path);
  if (!tree) return fail(what + ": " + path, tree.error().err);
  TRY_ASSIGN(bool same, same_object(tree->get(), *bind.src_fd));
  if (!same) return fail(what + ": " + path + " no longer names the descriptor's file", EXDEV);
  return tree;
}

// `host_proc`: --proc binds the caller's procfs, as bubblewrap does when the pid namespace is
// shared: a new procfs can only be mounted by a member of a pid namespace of this user
// namespace's own.
Result<void> open_sources_of(Mounter& m, const Spec& spec, size_t i, bool host_proc, Sources& sources) {
  const MountOp& op = spec.mounts[i];
  if (host_proc && std::holds_alternative<ProcOp>(op)) {
    auto tree = m.take_source(AT_FDCWD, "/proc");
    if (!tree) return fail("Can't find source path /proc", tree.error().err);
    sources.main = std::move(*tree);
    return {};
  }
  if (const auto* bind = std::get_if<BindOp>(&op)) {
    if (bind->src_fd) {
      TRY_ASSIGN(sources.main, open_fd_source(m, *bind, spec.mount_origin(i)));
      return {};
    }
    auto tree = m.take_source(AT_FDCWD, bind->src);
    if (!tree && tree.error().err == ENOENT && bind->optional) return {};
    if (!tree) return fail("Can't find source path " + bind->src, tree.error().err);
    struct stat st {};
    if (is_root(bind->dest) && ::fstat(tree->get(), &st) == 0 && !S_ISDIR(st.st_mode))
      return root_not_a_directory(bind->src);
    sources.main = std::move(*tree);
  } else if (const auto* overlay = std::get_if<OverlayOp>(&op)) {
    std::vector<std::string> paths = overlay->lower;
    if (overlay->kind == OverlayKind::rw) {
      paths.push_back(overlay->upper);
      paths.push_back(overlay->work);
    }
    for (const auto& p : paths) {
      TRY_ASSIGN(unique_fd fd, open_source(p));
      sources.layers.push_back(std::move(fd));
    }
  }
  return {};
}

// A failure of operation i names the option it came from, in the native wording; the drop-in
// prints bubblewrap's sentence alone.
}  // namespace

bool directory_inside(const Spec& spec, const std::string& path) {
  if (path.empty() || path[0] != '/') return false;
  auto below = [](const std::string& dest, const std::string& p) -> std::optional<std::string> {
    std::string d = dest;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    if (d == "/" ) return p;
    if (p == d) return std::string("/");
    if (p.starts_with(d + "/")) return p.substr(d.size());
    return std::nullopt;
  };
  // The last operation that mounts on or above it decides; a parent of some destination
  // is made for it.
  for (size_t i = spec.mounts.size(); i-- > 0;) {
    const MountOp& op = spec.mounts[i];
    auto rest = below(destination_of(op), path);
    if (!rest) continue;
    if (const auto* bind = std::get_if<BindOp>(&op); bind && !bind->src_fd) {
      struct stat st {};
      std::string src = *rest == "/" ? bind->src : bind->src + *rest;
      if (::stat(src.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
      break;
    }
    if (*rest == "/" && (std::holds_alternative<TmpfsOp>(op) || std::holds_alternative<DirOp>(op) ||
                         std::holds_alternative<ProcOp>(op) || std::holds_alternative<DevOp>(op) ||
                         std::holds_alternative<OverlayOp>(op)))
      return true;
    break;
  }
  for (const auto& op : spec.mounts)
    if (below(path, destination_of(op)).value_or("/") != "/") return true;
  return path == "/";
}

Result<void> check_sources(const Spec& spec) {
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    auto checked = [&]() -> Result<void> {
      std::vector<std::string> paths;
      if (const auto* bind = std::get_if<BindOp>(&spec.mounts[i]); bind && !bind->src_fd) {
        struct stat st {};
        if (::stat(bind->src.c_str(), &st) < 0) {
          if (errno == ENOENT && bind->optional) return {};
          return fail_errno("Can't find source path " + bind->src);
        }
        if (is_root(bind->dest) && !S_ISDIR(st.st_mode)) return root_not_a_directory(bind->src);
      } else if (const auto* overlay = std::get_if<OverlayOp>(&spec.mounts[i])) {
        paths = overlay->lower;
        if (overlay->kind == OverlayKind::rw) paths.insert(paths.end(), {overlay->upper, overlay->work});
      }
      for (const auto& p : paths)
        if (::access(p.c_str(), F_OK) < 0) return fail_errno("Can't find source path " + p);
      return {};
    }();
    if (!checked && spec.wording == Wording::own) checked.error().origin = spec.mount_origin(i).str();
    if (!checked) return checked;
  }
  return {};
}

namespace {

Result<void> from_origin(Result<void> r, const Spec& spec, size_t i) {
  if (!r && spec.wording == Wording::own) r.error().origin = spec.mount_origin(i).str();
  return r;
}

Result<std::vector<Sources>> open_sources(Mounter& m, const Spec& spec, bool host_proc) {
  std::vector<Sources> sources(spec.mounts.size());
  for (size_t i = 0; i < spec.mounts.size(); ++i)
    TRY(from_origin(open_sources_of(m, spec, i, host_proc, sources[i]), spec, i));
  return sources;
}

// Holds what the sandbox needs but must not see: --bind-data copies and --tmp-overlay upper
// layers. It sits under the new root, so it vanishes with the old root.
bool needs_scratch(const std::vector<MountOp>& ops) {
  for (const auto& op : ops) {
    if (const auto* d = std::get_if<DataOp>(&op); d && d->bind) return true;
    if (const auto* o = std::get_if<OverlayOp>(&op); o && o->kind == OverlayKind::tmp) return true;
  }
  return false;
}

// Copies everything readable from `from` into `to`; `what` names a failure either side.
Result<void> copy_data(int from, int to, const std::string& what) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(what);
    if (n == 0) return {};
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail_errno(what);
      off += w;
    }
  }
}

// A mode as C's "%#o" prints it: 0700, 01777, 0.
std::string octal_mode(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#o", static_cast<unsigned>(mode));
  return buf;
}

Result<bool> same_object(int a, int b) {
  struct stat sa, sb;
  if (::fstat(a, &sa) < 0 || ::fstat(b, &sb) < 0) return fail_errno("fstat");
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Applies one operation; `source` is the opened bind source, if any.
struct Apply {
  Mounter& m;
  Root& root;
  Sources& sources;
  int scratch;          // the scratch tmpfs, or -1
  unsigned& scratch_n;  // names handed out in it so far
  bool narrow_parents_by_default;  // Spec::narrow_parents_by_default_perms
  std::set<int>& read_fds;         // data descriptors already read to their end

  // The mode of the missing parents of an operation's destination: 0755, narrowed by its
  // --perms; in bubblewrap's way also by the permissions it gives the operation unasked (none
  // for a bind, a symlink or a mount: such parents are 0700).
  mode_t parents(std::optional<mode_t> perms, mode_t unasked = 0) const {
    if (perms) return parent_mode_for(*perms);
    return narrow_parents_by_default ? parent_mode_for(unasked) : kDirMode;
  }

  // The operation's destination as the caller wrote it, for messages.
  static std::string shown(const std::string& dest) { return dest.starts_with('/') ? dest : "/" + dest; }

  // A mount on the root directory itself ("/", and whatever leads there: "/tmp/..", a link
  // to "/") covers the root: the new root is the mount now.
  Result<void> after_mount_on(int target) {
    TRY_ASSIGN(bool on_root, same_object(target, root.fd.get()));
    if (on_root) return root.refresh();
    return {};
  }

  Result<void> operator()(const BindOp& op) {
    unique_fd& source = sources.main;
    if (!source) return {};  // a -try source that does not exist
    std::string rel = relative_dest(op.dest);
    struct stat st;
    if (::fstat(source.get(), &st) < 0) return fail_errno("Can't stat " + op.src);
    auto target = S_ISDIR(st.st_mode) ? make_dirs(root.dir(), rel, kDirMode, parents(std::nullopt))
                                      : make_file(root.dir(), rel, parents(std::nullopt));
    if (!target) return std::unexpected(std::move(target).error());
    std::string what = "Can't bind mount " +
                       (op.src_fd ? "fd " + std::to_string(*op.src_fd) : op.src) + " on " +
                       shown(op.dest);
    if (auto a = m.bind(source.get(), target->get(), "", bind_attrs(op.kind) | (op.noexec ? MOUNT_ATTR_NOEXEC : 0)); !a)
      return std::unexpected(std::move(a).error().wrap(what));
    TRY(after_mount_on(target->get()));
    // What the path shows now must be what was mounted. (After a bind on the root through
    // "dir/..", the path is looked up in what was bound, which may not have dir.)
    auto now = resolve(root.dir(), rel);
    if (!now) return fail(what, now.error().err);
    TRY_ASSIGN(bool same, same_object(now->get(), source.get()));
    source.reset();
    if (!same) return fail(what + ": destination changed while mounting", EXDEV);
    return {};
  }

  // Mounts the filesystem `make` creates on the directory dest, made if missing.
  template <typename Make>
  Result<void> mount_new(const std::string& dest, const char* fstype, mode_t parents, Make make) {
    std::string rel = relative_dest(dest);
    TRY_ASSIGN(unique_fd target, make_dirs(root.dir(), rel, kDirMode, parents));
    if (auto made = make(target.get()); !made)
      return std::unexpected(
          std::move(made).error().wrap(std::string("Can't mount ") + fstype + " on " + shown(dest)));
    return after_mount_on(target.get());
  }

  Result<void> operator()(const MqueueOp& op) {
    return mount_new(op.dest, "mqueue", parents(std::nullopt), [&](int target) { return mount_mqueue(m, target); });
  }

  Result<void> operator()(const OverlayOp& op) {
    std::vector<int> lower;
    for (size_t i = 0; i < op.lower.size(); ++i) lower.push_back(sources.layers[i].get());
    int upper = -1, work = -1;
    unique_fd tmp_upper, tmp_work;
    if (op.kind == OverlayKind::rw) {
      upper = sources.layers[op.lower.size()].get();
      work = sources.layers[op.lower.size() + 1].get();
    } else if (op.kind == OverlayKind::tmp) {
      std::string n = std::to_string(scratch_n++);
      for (auto* name : {"upper", "work"})
        if (::mkdirat(scratch, (std::string(name) + n).c_str(), 0755) < 0)
          return fail_errno("Can't make the --tmp-overlay layers for " + shown(op.dest));
      tmp_upper.reset(::openat(scratch, ("upper" + n).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      tmp_work.reset(::openat(scratch, ("work" + n).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!tmp_upper || !tmp_work) return fail_errno("Can't open the --tmp-overlay layers for " + shown(op.dest));
      upper = tmp_upper.get();
      work = tmp_work.get();
    }
    return mount_new(op.dest, "overlay", parents(std::nullopt),
                     [&](int target) { return mount_overlay(m, target, lower, upper, work); });
  }

  Result<void> operator()(const DataOp& op) {
    // Read once: as in bubblewrap, which closes it, a second use of the descriptor finds it
    // closed, rather than an empty file made in silence.
    if (!read_fds.insert(op.fd).second) return fail("Can't write data to file " + shown(op.dest), EBADF);
    std::string rel = relative_dest(op.dest);
    std::string what = "Can't bind mount fd " + std::to_string(op.fd) + " on " + shown(op.dest);
    if (!op.bind) {  // --file: a new file in the sandbox, 0666 unless --perms
      TRY_ASSIGN(Parent parent, make_parent(root.dir(), rel, parents(op.perms, 0666)));
      unique_fd file(::openat(parent.dir.get(), parent.name.c_str(),
                              O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666));
      if (!file) return fail_errno("Can't create file " + shown(op.dest));
      if (op.perms && ::fchmod(file.get(), *op.perms) < 0) return fail_errno("Can't chmod " + shown(op.dest));
      return copy_data(op.fd, file.get(), "Can't write data to file " + shown(op.dest));
    }
    // --bind-data: a private copy in the scratch tmpfs, bound on the destination.
    std::string name = "data" + std::to_string(scratch_n++);
    unique_fd copy(::openat(scratch, name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600));
    if (!copy) return fail_errno("Can't create tmpfile for " + shown(op.dest));
    mode_t mode = op.perms.value_or(0600);
    if (::fchmod(copy.get(), mode) < 0)
      return fail_errno("Can't set mode " + octal_mode(mode) + " on file to be used for " + shown(op.dest));
    TRY(copy_data(op.fd, copy.get(), "Can't write data to file " + shown(op.dest)));
    TRY_ASSIGN(unique_fd target, make_file(root.dir(), rel, parents(op.perms, 0600)));
    auto tree = m.take_source(copy.get(), "");
    if (!tree) return std::unexpected(std::move(tree).error().wrap(what));
    if (auto b = m.bind(tree->get(), target.get(), "", bind_attrs(op.ro ? BindKind::ro : BindKind::rw)); !b)
      return std::unexpected(std::move(b).error().wrap(what));
    return after_mount_on(target.get());
  }

  Result<void> operator()(const ProcOp& op) {
    if (!sources.main) {
      auto made = mount_new(op.dest, "proc", parents(std::nullopt), [&](int target) { return mount_proc(m, target); });
      // The kernel shows a new procfs only where the caller's is wholly visible: under covers
      // a container (or a sandbox around this one) put on parts of /proc it refuses one.
      if (!made && made.error().err == EPERM && procfs_is_covered())
        made.error().hint = "the /proc here has parts covered (as in a container), so the kernel refuses a new one; "
                            "--share-pid binds this /proc instead";
      return made;
    }
    // The caller's procfs (open_sources), bound with its submounts and covered the same way.
    std::string rel = relative_dest(op.dest);
    std::string what = "Can't bind mount /proc on " + shown(op.dest);
    TRY_ASSIGN(unique_fd target, make_dirs(root.dir(), rel, kDirMode, parents(std::nullopt)));
    if (auto b = m.bind(sources.main.get(), target.get(), "", bind_attrs(BindKind::rw)); !b)
      return std::unexpected(std::move(b).error().wrap(what));
    sources.main.reset();
    TRY(after_mount_on(target.get()));
    TRY_ASSIGN(unique_fd proc, resolve(root.dir(), rel));
    if (auto c = cover_proc(m, proc.get()); !c) return std::unexpected(std::move(c).error().wrap(what));
    return {};
  }

  Result<void> operator()(const DevOp& op) {
    return mount_new(op.dest, "dev", parents(std::nullopt), [&](int target) { return mount_dev(m, target); });
  }

  Result<void> operator()(const TmpfsOp& op) {
    return mount_new(op.dest, "tmpfs", parents(op.perms, kDirMode), [&](int target) {
      return mount_tmpfs(m, target, op.perms.value_or(kDirMode), op.size, op.noexec);
    });
  }

  Result<void> operator()(const DirOp& op) {
    TRY(make_dirs(root.dir(), relative_dest(op.dest), op.perms.value_or(kDirMode), parents(op.perms, kDirMode)));
    return {};
  }

  Result<void> operator()(const SymlinkOp& op) {
    TRY_ASSIGN(Parent parent, make_parent(root.dir(), relative_dest(op.dest), parents(std::nullopt)));
    std::string what = "Can't make symlink at " + shown(op.dest);
    if (::symlinkat(op.target.c_str(), parent.dir.get(), parent.name.c_str()) == 0) return {};
    if (errno != EEXIST) return fail_errno(what);
    // An identical link is fine, so scripts can be re-run on a rootfs; anything else is named.
    std::string existing(PATH_MAX, '\0');
    ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), existing.data(), existing.size());
    if (n < 0 && errno == EINVAL) return fail(what + ": destination exists and is not a symlink");
    if (n < 0) return fail_errno(what + ": destination exists, and cannot read symlink target");
    existing.resize(static_cast<size_t>(n));
    if (existing == op.target) return {};
    return fail(what + ": existing destination is " + existing);
  }

  Result<void> operator()(const RemountRoOp& op) {
    std::string what = "Can't remount readonly on " + shown(op.dest);
    auto fd = resolve(root.dir(), relative_dest(op.dest));
    if (op.bind_self) {
      if (!fd && fd.error().err == ENOENT) return {};
      if (!fd) return fail(what, fd.error().err);
      TRY_ASSIGN(unique_fd self, m.take_source(fd->get(), ""));
      if (auto r = m.bind(self.get(), fd->get(), "", MOUNT_ATTR_RDONLY); !r) return fail(what, r.error().err);
      return {};
    }
    if (!fd) return fail(what, fd.error().err);
    if (auto r = m.add_attrs(fd->get(), MOUNT_ATTR_RDONLY); !r)
      return fail(what + (r.error().err == EINVAL ? ": Unable to find destination in mount table" : ""),
                  r.error().err == EINVAL ? 0 : r.error().err);
    return {};
  }

  Result<void> operator()(const ChmodOp& op) {
    auto fd = resolve(root.dir(), relative_dest(op.path));
    if (!fd || ::chmod(sys::fd_path(fd->get()).c_str(), op.mode) < 0)
      return fail("Can't chmod " + octal_mode(op.mode) + " " + shown(op.path), fd ? errno : fd.error().err);
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

// Modes are exactly what the operations ask, whatever the caller's umask, as bubblewrap makes
// them; COMMAND gets the caller's umask back.
class NoUmask {
 public:
  NoUmask() : saved_(::umask(0)) {}
  ~NoUmask() { ::umask(saved_); }
  NoUmask(const NoUmask&) = delete;
  NoUmask& operator=(const NoUmask&) = delete;

 private:
  mode_t saved_;
};

}  // namespace

Result<security::AssembledRoot> child_assemble_root(const Spec& spec, const Plan& plan) {
  NoUmask no_umask;
  // Nothing done here may reach the caller's namespace. Native: nothing the host mounts later
  // reaches this one either (a mount added under a shared bind source would appear inside
  // without the bind's read-only, nosuid and nodev). The drop-in keeps bubblewrap's slave
  // mounts, through which it does.
  unsigned long propagation = spec.host_propagation ? MS_SLAVE : MS_PRIVATE;
  if (::mount(nullptr, "/", nullptr, propagation | MS_REC, nullptr) < 0) {
    Error e{errno, spec.host_propagation ? "Can't make / a slave mount" : "Can't make / a private mount"};
    // With every capability of its own user namespace, only something around this process
    // refuses a mount: most often another sandbox this one runs in.
    if (e.err == EPERM)
      e.hint = "a sandbox around this one forbids mounting (its Landlock rules: run it with --no-landlock; or its "
               "syscall profile)";
    return std::unexpected(std::move(e));
  }

  std::unique_ptr<Mounter> m = choose_mounter(plan.host.mount_api);
  NofileLimit limit(spec.mounts.size());  // one descriptor per source until its turn
  TRY_ASSIGN(std::vector<Sources> sources, open_sources(*m, spec, !plan.own_procfs));

  Root root;
  root.how = m->resolver();
  TRY_ASSIGN(root.base, m->build_base());
  TRY_ASSIGN(unique_fd base, sys::open(root.base, O_PATH | O_DIRECTORY));
  auto mount_base = [&](mode_t mode, const char* what) -> Result<unique_fd> {
    auto tmpfs = new_tmpfs(*m, mode, std::nullopt);
    if (!tmpfs) return std::unexpected(std::move(tmpfs).error().wrap(what));
    if (auto a = m->attach(tmpfs->get(), base.get()); !a) return std::unexpected(std::move(a).error().wrap(what));
    return tmpfs;
  };
  unique_fd scratch;
  if (needs_scratch(spec.mounts) || !spec.denies.empty()) {
    TRY_ASSIGN(scratch, mount_base(0700, "Can't create scratch space"));
  }
  TRY(mount_base(kDirMode, "Can't create the new root"));
  TRY(root.refresh());

  unsigned scratch_n = 0;
  std::set<int> read_fds;
  security::AssembledRoot made;
  made.skipped.resize(spec.mounts.size());
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    // A step the plan found outside the new root (bubblewrap's "/..") has no effect inside.
    if (plan.left_out(i)) continue;
    if (const auto* b = std::get_if<BindOp>(&spec.mounts[i]); b && !sources[i].main) made.skipped[i] = true;
    // The automatic /dev is left out where the root cannot hold one, rather than failing a run
    // that did not ask for it.
    if (const auto* d = std::get_if<DevOp>(&spec.mounts[i]); d && d->automatic && !can_hold(root.dir(), "dev")) {
      made.skipped[i] = true;
      continue;
    }
    TRY(from_origin(std::visit(Apply{*m, root, sources[i], scratch.get(), scratch_n,
                                     spec.narrow_parents_by_default_perms, read_fds},
                               spec.mounts[i]),
                    spec, i));
  }
  if (!spec.denies.empty()) TRY(cover_denied(*m, root.dir(), scratch.get(), scratch_n, spec, made));
  TRY(pivot(root));
  return made;
}

}  // namespace sb::mount
