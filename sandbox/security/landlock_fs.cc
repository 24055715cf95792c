#include "security/landlock_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

#include "sys/fd.h"
#include "sys/paths.h"

namespace sb::security {

namespace {

// "/a//b/./c/.." -> "/a/b"; ".." stops at the root, as resolution inside the new root does.
std::string normalized(std::string_view dest) {
  std::vector<std::string_view> parts;
  for (std::string_view c : sys::path_components(dest)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (auto c : parts) out += "/" + std::string(c);
  return out.empty() ? "/" : out;
}

bool beneath(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

// The rights a mount step gives, by kind; an empty path for a step that changes none.
struct StepOf {
  const std::string& dest;
  FsStep step(FsStep::Kind kind, uint64_t access) const {
    FsStep s;
    s.kind = kind;
    s.path = dest;
    s.access = access;
    return s;
  }
  FsStep operator()(const BindOp& b) const {
    return step(FsStep::Kind::mount, b.kind == BindKind::ro ? kFsRead : b.kind == BindKind::dev ? kFsDevices : kFsWrite);
  }
  FsStep operator()(const ProcOp&) const { return step(FsStep::Kind::mount, kFsProc); }
  FsStep operator()(const DevOp&) const { return step(FsStep::Kind::mount, kFsDevices); }
  FsStep operator()(const TmpfsOp&) const { return step(FsStep::Kind::mount, kFsWrite); }
  FsStep operator()(const MqueueOp&) const { return step(FsStep::Kind::mount, kFsWrite); }
  FsStep operator()(const OverlayOp& o) const {
    return step(FsStep::Kind::mount, o.kind == OverlayKind::ro ? kFsRead : kFsWrite);
  }
  FsStep operator()(const DataOp& d) const {
    if (!d.bind) return step(FsStep::Kind::made, kFsWrite & kFsFileRights);
    return step(FsStep::Kind::mount, (d.ro ? kFsRead : kFsWrite) & kFsFileRights);
  }
  FsStep operator()(const DirOp&) const { return step(FsStep::Kind::made, kFsWrite); }
  FsStep operator()(const RemountRoOp&) const { return step(FsStep::Kind::remount, kFsRead); }
  FsStep operator()(const SymlinkOp&) const { return {}; }
  FsStep operator()(const ChmodOp&) const { return {}; }
};

// The grant whose path is the nearest at or above `path`.
std::map<std::string, FsGrant>::const_iterator nearest(const std::map<std::string, FsGrant>& grants,
                                                       const std::string& path) {
  std::string p = path;
  for (;;) {
    if (auto it = grants.find(p); it != grants.end()) return it;
    if (p == "/") return grants.end();
    size_t slash = p.rfind('/');
    p = slash == 0 ? "/" : p.substr(0, slash);
  }
}

int add_rule(int ruleset, int fd, uint64_t access) {
  struct {
    uint64_t allowed_access;
    int32_t parent_fd;
  } __attribute__((packed)) rule{access, fd};
  constexpr int kRulePathBeneath = 1;  // LANDLOCK_RULE_PATH_BENEATH
  return static_cast<int>(::syscall(SYS_landlock_add_rule, ruleset, kRulePathBeneath, &rule, 0));
}

// The paths the rules are placed on, as a tree: the grants and the directories kept as they
// are, with the directories on the way to them.
struct Node {
  uint64_t granted = 0;     // a grant's rights at this path
  bool no_create = false;   // a --deny's deepest existing directory
  bool keep_below = false;  // no_create here or beneath
  std::map<std::string, Node> kids;
};

struct Placer {
  int ruleset;
  uint64_t handled;

  // One rule on dir/name (or on path itself when name is empty); a path that is not there (a
  // step that made nothing) or a symlink (whose target has rules of its own) gets none.
  Result<void> rule(const std::string& path, int dir, const char* name, uint64_t access) {
    unique_fd fd(::openat(dir, name, O_PATH | O_CLOEXEC | (dir == AT_FDCWD ? 0 : O_NOFOLLOW)));
    if (!fd) {
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) return {};
      return fail_errno("Landlock: can't open " + path);
    }
    access &= handled;
    if (dir != AT_FDCWD) {  // an entry listed: it may be a symlink, or not a directory
      struct stat st;
      if (::fstat(fd.get(), &st) < 0) return fail_errno("Landlock: can't stat " + path);
      if (S_ISLNK(st.st_mode)) return {};
      if (!S_ISDIR(st.st_mode)) access &= kFsFileRights;
    }
    if (!access) return {};
    // A step's path is a directory but for a file that a --file or data bind put there, which
    // takes a file's rights only (EINVAL): one system call fewer on every start than asking.
    int r = add_rule(ruleset, fd.get(), access);
    if (r < 0 && errno == EINVAL && dir == AT_FDCWD && (access & kFsFileRights) != access)
      r = add_rule(ruleset, fd.get(), access & kFsFileRights);
    if (r < 0) return fail_errno("Can't add the Landlock rule for " + path);
    return {};
  }

  // `want`: what the grants at and above path allow; `placed`: what the rules above give.
  Result<void> place(const std::string& path, const Node& n, uint64_t want, uint64_t placed) {
    want |= n.granted;
    // Beneath a directory kept as it is, only listing may come from above.
    uint64_t here = n.keep_below ? (want & kFsReadDir) : want;
    if (here & ~placed) {
      TRY(rule(path, AT_FDCWD, path.c_str(), here));
      placed |= here;
    }
    if (want & ~placed & handled) {
      // The entries of this directory get what they would have had, one by one.
      unique_fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (dir) {
        DIR* d = ::fdopendir(::dup(dir.get()));
        if (!d) return fail_errno("Landlock: can't list " + path);
        std::vector<std::string> names;
        while (dirent* e = ::readdir(d)) {
          std::string name = e->d_name;
          if (name != "." && name != ".." && !n.kids.contains(name)) names.push_back(std::move(name));
        }
        ::closedir(d);
        std::string prefix = path == "/" ? "/" : path + "/";
        for (const auto& name : names) TRY(rule(prefix + name, dir.get(), name.c_str(), want));
      }
    }
    std::string prefix = path == "/" ? "/" : path + "/";
    for (const auto& [name, kid] : n.kids) TRY(place(prefix + name, kid, want, placed));
    return {};
  }
};

Node& node_at(Node& root, const std::string& path) {
  Node* n = &root;
  for (std::string_view c : sys::path_components(path)) n = &n->kids[std::string(c)];
  return *n;
}

bool mark_keep(Node& n) {
  bool keep = n.no_create;
  for (auto& [name, kid] : n.kids) keep |= mark_keep(kid);
  n.keep_below = keep;
  return keep;
}

}  // namespace

uint64_t fs_rights_of_abi(int abi) {
  if (abi <= 0) return 0;
  if (abi == 1) return kFsRefer - 1;
  if (abi == 2) return kFsTruncate - 1;
  if (abi <= 4) return kFsIoctlDev - 1;
  return (kFsIoctlDev << 1) - 1;
}

std::vector<FsStep> plan_fs_steps(const Spec& spec, const std::vector<bool>& outside) {
  std::vector<FsStep> steps;
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    if (i < outside.size() && outside[i]) continue;
    std::string dest = normalized(destination_of(spec.mounts[i]));
    FsStep s = std::visit(StepOf{dest}, spec.mounts[i]);
    if (s.path.empty()) continue;
    s.op = i;
    s.origin = spec.mount_origin(i);
    steps.push_back(std::move(s));
  }
  return steps;
}

std::map<std::string, FsGrant> fs_grants(const std::vector<FsStep>& steps, const std::vector<bool>& skipped) {
  // The new root starts as a tmpfs of the sandbox's own: read, and writable only where an
  // operation made something on it (the directories and files the caller asked for).
  std::map<std::string, FsGrant> g{{"/", {kFsRead, Origin{"the new root", 0}}}};
  for (const auto& s : steps) {
    if (s.op < skipped.size() && skipped[s.op]) continue;
    switch (s.kind) {
      case FsStep::Kind::mount:
        std::erase_if(g, [&](const auto& kv) { return beneath(kv.first, s.path); });
        g[s.path] = {s.access, s.origin};
        break;
      case FsStep::Kind::made: {
        auto it = nearest(g, s.path);
        if (it != g.end() && it->first == "/" && it->second.origin.option == "the new root") g[s.path] = {s.access, s.origin};
        break;
      }
      case FsStep::Kind::remount: {
        auto it = nearest(g, s.path);
        if (it != g.end()) g[s.path] = {it->second.access & s.access, s.origin};
        break;
      }
    }
  }
  return g;
}

std::string fs_rights_text(uint64_t access) {
  std::string out = access & kFsReadFile ? "read" : access & kFsReadDir ? "list" : "none";
  if (access & kFsMakeReg) out += ", write";
  else if (access & kFsWriteFile) out += ", write files";
  if (access & kFsIoctlDev) out += ", devices";
  return out;
}

Result<void> add_fs_rules(int ruleset, uint64_t handled, const std::map<std::string, FsGrant>& grants,
                          const std::vector<std::string>& no_create) {
  Node root;
  for (const auto& [path, grant] : grants) node_at(root, path).granted |= grant.access;
  for (const auto& path : no_create) node_at(root, path).no_create = true;
  mark_keep(root);
  Placer p{ruleset, handled};
  return p.place("/", root, 0, 0);
}

std::string deepest_existing_dir(const std::string& path) {
  // Components still to walk, last first; a symlink met on the way puts its target's in front.
  std::vector<std::string> todo;
  auto push_parts = [&](std::string_view p) {
    auto parts = sys::path_components(p);
    todo.insert(todo.end(), parts.rbegin(), parts.rend());
  };
  push_parts(path);
  std::string cur = "/";
  for (int links = 0; !todo.empty();) {
    std::string c = std::move(todo.back());
    todo.pop_back();
    if (c == ".") continue;
    if (c == "..") {
      cur = cur.rfind('/') == 0 ? "/" : cur.substr(0, cur.rfind('/'));
      continue;
    }
    std::string next = (cur == "/" ? "/" : cur + "/") + c;
    struct stat st;
    if (::lstat(next.c_str(), &st) < 0) return errno == ENOENT ? cur : std::string();
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) return {};
      char target[PATH_MAX];
      ssize_t n = ::readlink(next.c_str(), target, sizeof target - 1);
      if (n < 0) return {};
      std::string_view t(target, static_cast<size_t>(n));
      if (t.starts_with('/')) cur = "/";
      push_parts(t);
      continue;
    }
    // The path itself exists; or a non-directory stands on the way, which whoever may change
    // the directory holding it could replace with a directory: that directory is the one.
    if (!S_ISDIR(st.st_mode)) return todo.empty() ? std::string() : cur;
    cur = next;
  }
  return {};  // it exists
}

}  // namespace sb::security
