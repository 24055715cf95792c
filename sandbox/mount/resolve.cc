#include "mount/resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>

#include <vector>

#include "sys/syscalls.h"

namespace sb::mount {

namespace {

constexpr uint64_t kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

std::vector<std::string_view> components(std::string_view rel) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    if (end > start) out.push_back(rel.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string relative_dest(std::string_view dest) {
  std::string out;
  for (auto c : components(dest)) {
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

Result<unique_fd> resolve(int rootfd, const std::string& rel, int flags) {
  int how = flags == 0 ? O_PATH : flags;
  return sys::openat2(rootfd, rel.empty() ? "." : rel, static_cast<uint64_t>(how), 0, kInRoot);
}

Result<unique_fd> make_dirs(int rootfd, const std::string& rel, mode_t mode, mode_t parent_mode) {
  auto parts = components(rel);
  auto cur = sys::openat2(rootfd, ".", O_PATH | O_DIRECTORY, 0, kInRoot);
  if (!cur) return std::unexpected(std::move(cur).error());
  std::string prefix;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!prefix.empty()) prefix += '/';
    prefix += parts[i];
    auto next = sys::openat2(rootfd, prefix, O_PATH | O_DIRECTORY, 0, kInRoot);
    if (!next && next.error().err == ENOENT && parts[i] != "..") {
      // Create in the already-resolved parent: mkdirat never follows a final symlink, so a
      // dangling link fails with EEXIST instead of creating its target.
      mode_t m = i + 1 == parts.size() ? mode : parent_mode;
      bool existed = ::mkdirat(cur->get(), std::string(parts[i]).c_str(), m) < 0;
      if (existed && errno != EEXIST) return fail_errno("Can't create directory /" + prefix);
      next = sys::openat2(rootfd, prefix, O_PATH | O_DIRECTORY, 0, kInRoot);
      if (!next && existed && next.error().err == ENOENT)
        return fail("Can't create directory /" + prefix +
                    ": a symbolic link whose target does not exist in the sandbox is in the way");
    }
    if (!next) return fail("Can't create directory /" + prefix, next.error().err);
    cur = std::move(next);
  }
  return std::move(*cur);
}

Result<Parent> make_parent(int rootfd, const std::string& rel, mode_t parent_mode) {
  auto slash = rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (name.empty() || name == "..") return fail("/" + rel + ": not a file name", EINVAL);
  TRY_ASSIGN(unique_fd fd, make_dirs(rootfd, dir, parent_mode, parent_mode));
  return Parent{std::move(fd), std::move(name)};
}

Result<unique_fd> make_file(int rootfd, const std::string& rel, mode_t parent_mode) {
  auto existing = resolve(rootfd, rel);
  if (existing || existing.error().err != ENOENT) {
    if (!existing) return fail("Can't open /" + rel, existing.error().err);
    return existing;
  }
  TRY_ASSIGN(Parent parent, make_parent(rootfd, rel, parent_mode));
  // O_EXCL|O_NOFOLLOW: a dangling symlink at the name is refused, never followed.
  int fd = ::openat(parent.dir.get(), parent.name.c_str(),
                    O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0444);
  if (fd < 0) return fail_errno("Can't create file /" + rel);
  ::close(fd);
  auto created = resolve(rootfd, rel);
  if (!created) return fail("Can't open /" + rel, created.error().err);
  return created;
}

}  // namespace sb::mount
