#include "mount/resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <climits>
#include <deque>
#include <vector>

#include "sys/paths.h"
#include "sys/syscalls.h"

namespace sb::mount {

namespace {

constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

// How many symlinks one resolution may follow, as the kernel allows (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

// What openat2(RESOLVE_IN_ROOT) does, done here. Every component is opened with O_NOFOLLOW
// relative to the directory before it; a symlink's text is spliced into what is left (from the
// root when absolute); ".." returns to the directory walked through before, never above the
// root. Each step holds a descriptor, so a rename or a link swapped in while walking can change
// which object is found, never lead out of the root. Returns an O_PATH descriptor.
Result<unique_fd> walk(int rootfd, const std::string& rel, bool directory) {
  std::vector<unique_fd> dirs;  // dirs[0] the root, back() the object reached
  dirs.emplace_back(::openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dirs.back()) return fail_errno(rel);
  std::deque<std::string> left;
  for (auto c : sys::path_components(rel)) left.emplace_back(c);
  int links = 0;
  while (!left.empty()) {
    std::string c = std::move(left.front());
    left.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (dirs.size() > 1) dirs.pop_back();
      continue;
    }
    unique_fd fd(::openat(dirs.back().get(), c.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return fail_errno(rel);
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) return fail_errno(rel);
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks) return fail(rel, ELOOP);
      std::string target(PATH_MAX, '\0');
      ssize_t n = ::readlinkat(fd.get(), "", target.data(), target.size());
      if (n < 0) return fail_errno(rel);
      target.resize(static_cast<size_t>(n));
      if (target.starts_with('/')) dirs.resize(1);
      auto parts = sys::path_components(target);
      left.insert(left.begin(), parts.begin(), parts.end());
      continue;
    }
    if ((!left.empty() || directory) && !S_ISDIR(st.st_mode)) return fail(rel, ENOTDIR);
    dirs.push_back(std::move(fd));
  }
  return std::move(dirs.back());
}

Result<unique_fd> open_in_root(RootDir root, const std::string& rel, bool directory) {
  if (root.how == Resolver::walk) return walk(root.fd, rel, directory);
  uint64_t flags = O_PATH | (directory ? O_DIRECTORY : 0);
  return sys::openat2(root.fd, rel.empty() ? "." : rel, flags, 0, kInRoot);
}

}  // namespace

std::string relative_dest(std::string_view dest) {
  std::string out;
  for (auto c : sys::path_components(dest)) {
    if (c == ".") continue;
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

mode_t parent_mode_for(mode_t perms) {
  mode_t mode = 0755;
  if ((perms & 0070) == 0) mode &= ~mode_t{0050};
  if ((perms & 0007) == 0) mode &= ~mode_t{0005};
  return mode;
}

Result<unique_fd> resolve(RootDir root, const std::string& rel) { return open_in_root(root, rel, false); }

namespace {

// mkdir -p of rel; `of` is the destination rel belongs to when all of rel are its parents
// (empty: rel is the destination). Failures use bubblewrap's sentences, which name the
// destination: "Can't mkdir parents for DEST" or "Can't mkdir DEST".
Result<unique_fd> make_dirs_for(RootDir root, const std::string& rel, mode_t mode, mode_t parent_mode,
                                const std::string& of) {
  auto parts = sys::path_components(rel);
  auto cur = open_in_root(root, "", true);
  if (!cur) return std::unexpected(std::move(cur).error());
  std::string prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!prefix.empty()) prefix += '/';
    prefix += parts[i];
    const bool last = i + 1 == parts.size();
    const std::string what = !of.empty() ? "Can't mkdir parents for /" + of
                             : last       ? "Can't mkdir /" + rel
                                          : "Can't mkdir parents for /" + rel;
    auto next = open_in_root(root, prefix, true);
    if (!next && next.error().err == ENOENT && parts[i] != "..") {
      // Create in the already-resolved parent: mkdirat never follows a final symlink, so a
      // dangling link fails with EEXIST instead of creating its target.
      bool existed = ::mkdirat(cur->get(), std::string(parts[i]).c_str(), last ? mode : parent_mode) < 0;
      if (existed && errno != EEXIST) return fail_errno(what);
      next = open_in_root(root, prefix, true);
      if (!next && existed && next.error().err == ENOENT)
        return fail(what + ": /" + prefix + " is a symbolic link whose target does not exist in the sandbox");
    }
    if (!next) return fail(what, next.error().err);
    cur = std::move(next);
  }
  return std::move(*cur);
}

}  // namespace

Result<unique_fd> make_dirs(RootDir root, const std::string& rel, mode_t mode, mode_t parent_mode) {
  return make_dirs_for(root, rel, mode, parent_mode, "");
}

Result<Parent> make_parent(RootDir root, const std::string& rel, mode_t parent_mode) {
  auto slash = rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (name.empty() || name == "..") return fail("/" + rel + ": not a file name", EINVAL);
  TRY_ASSIGN(unique_fd fd, make_dirs_for(root, dir, parent_mode, parent_mode, rel));
  return Parent{std::move(fd), std::move(name)};
}

Result<unique_fd> make_file(RootDir root, const std::string& rel, mode_t parent_mode) {
  auto existing = resolve(root, rel);
  if (existing || existing.error().err != ENOENT) {
    if (!existing) return fail("Can't open /" + rel, existing.error().err);
    return existing;
  }
  TRY_ASSIGN(Parent parent, make_parent(root, rel, parent_mode));
  // O_EXCL|O_NOFOLLOW: a dangling symlink at the name is refused, never followed.
  int fd = ::openat(parent.dir.get(), parent.name.c_str(),
                    O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0444);
  if (fd < 0) return fail_errno("Can't create file at /" + rel);
  ::close(fd);
  auto created = resolve(root, rel);
  if (!created) return fail("Can't open /" + rel, created.error().err);
  return created;
}

}  // namespace sb::mount
