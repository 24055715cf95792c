#include "mount/deny.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "mount/filesystems.h"
#include "security/deny.h"

namespace sb::mount {

namespace {

constexpr uint64_t kCoverAttrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

std::string joined(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// The names in the directory rel, or none when it is not a directory that can be read (what
// the sandbox cannot list, COMMAND cannot either).
std::vector<std::pair<std::string, bool>> entries(RootDir root, const std::string& rel) {
  std::vector<std::pair<std::string, bool>> out;  // name, is a directory (not through a symlink)
  auto at = resolve(root, rel);
  if (!at) return out;
  int fd = ::openat(at->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return out;
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return out;
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bool dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      dir = ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    out.emplace_back(std::move(name), dir);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

struct Expander {
  RootDir root;
  const DenyPath& deny;
  std::string what() const { return "--deny " + deny.pattern; }

  // Every directory at or beneath each of `from`, not through symlinks.
  Result<std::vector<std::string>> all_below(const std::vector<std::string>& from) {
    std::vector<std::string> out;
    std::vector<std::pair<std::string, size_t>> todo;
    for (const auto& f : from) todo.emplace_back(f, 0);
    while (!todo.empty()) {
      auto [rel, depth] = std::move(todo.back());
      todo.pop_back();
      out.push_back(rel);
      if (out.size() > security::kDenyMaxDirs)
        return fail(what() + ": '**' reaches more than " + std::to_string(security::kDenyMaxDirs) + " directories");
      for (const auto& [name, dir] : entries(root, rel)) {
        if (!dir) continue;
        if (depth + 1 > security::kDenyMaxDepth)
          return fail(what() + ": '**' goes deeper than " + std::to_string(security::kDenyMaxDepth) +
                          " directories, at /" + joined(rel, name));
        todo.emplace_back(joined(rel, name), depth + 1);
      }
    }
    return out;
  }

  // The paths, relative to the root, that the pattern matches now.
  Result<std::vector<std::string>> matches(const std::vector<std::string>& parts) {
    std::vector<std::string> current{""};
    for (size_t k = 0; k < parts.size(); ++k) {
      const std::string& part = parts[k];
      std::vector<std::string> next;
      if (part == "**") {
        TRY_ASSIGN(next, all_below(current));
      } else if (security::has_wildcard(part)) {
        for (const auto& dir : current)
          for (const auto& [name, is_dir] : entries(root, dir))
            if (::fnmatch(part.c_str(), name.c_str(), 0) == 0) next.push_back(joined(dir, name));
      } else {
        for (const auto& dir : current) next.push_back(joined(dir, part));
      }
      std::sort(next.begin(), next.end());
      next.erase(std::unique(next.begin(), next.end()), next.end());
      current = std::move(next);
    }
    return current;
  }
};

// An empty file of mode 0000 in the scratch tmpfs, bound read-only on target.
Result<void> cover_file(Mounter& m, int target, int scratch, unsigned& scratch_n) {
  std::string name = "deny" + std::to_string(scratch_n++);
  unique_fd file(::openat(scratch, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0));
  if (!file) return fail_errno("Can't make the cover");
  TRY_ASSIGN(unique_fd source, m.take_source(scratch, name));
  return m.bind(source.get(), target, "", kCoverAttrs);
}

Result<void> cover_dir(Mounter& m, int target) {
  TRY_ASSIGN(unique_fd mnt, m.create({"tmpfs", {{"mode", "0"}, {"size", "4096"}, {"nr_inodes", "1"}}, kCoverAttrs}));
  return m.attach(mnt.get(), target);
}

}  // namespace

Result<void> cover_denied(Mounter& m, RootDir root, int scratch, unsigned& scratch_n, const Spec& spec,
                          security::AssembledRoot& out) {
  struct Match {
    std::string rel;
    const DenyPath* deny;
  };
  std::vector<Match> found;
  std::vector<const DenyPath*> missing;
  // Everything is looked up before anything is covered: a cover would hide what lies beneath.
  for (const auto& deny : spec.denies) {
    TRY_ASSIGN(auto parts, security::split_deny_pattern(deny.pattern));
    bool literal = std::none_of(parts.begin(), parts.end(), [](const auto& p) { return security::has_wildcard(p); });
    Expander ex{root, deny};
    TRY_ASSIGN(auto paths, ex.matches(parts));
    for (auto& rel : paths) {
      auto fd = resolve(root, rel);
      if (fd) {
        found.push_back({std::move(rel), &deny});
        if (found.size() > security::kDenyMaxMatches)
          return fail(ex.what() + ": more than " + std::to_string(security::kDenyMaxMatches) + " paths to deny");
      } else if ((fd.error().err == ENOENT || fd.error().err == ENOTDIR) && deny.if_present) {
        // Masked where present only.
      } else if ((fd.error().err == ENOENT || fd.error().err == ENOTDIR) && literal) {
        // Missing, or with a non-directory on the way: COMMAND could remove that and make
        // the path, so it is kept from being made just as a missing one is.
        missing.push_back(&deny);
      } else if (fd.error().err != ENOENT && fd.error().err != ENOTDIR) {
        return fail(ex.what() + ": /" + rel, fd.error().err);
      }
    }
  }
  // A missing path beneath a directory that is covered cannot be made: the cover is read-only.
  for (const DenyPath* deny : missing) {
    std::string path = "/" + security::joined_parts(*security::split_deny_pattern(deny->pattern));
    if (std::any_of(found.begin(), found.end(), [&](const Match& f) { return path.starts_with("/" + f.rel + "/"); }))
      continue;
    out.missing.push_back(path);
    out.missing_origins.push_back(deny->origin);
  }
  // Deepest first, so that covering a directory does not hide a match beneath it.
  std::sort(found.begin(), found.end(), [](const Match& a, const Match& b) {
    return std::count(a.rel.begin(), a.rel.end(), '/') > std::count(b.rel.begin(), b.rel.end(), '/');
  });
  std::set<std::string> covered;
  for (const auto& f : found) {
    if (!covered.insert(f.rel).second) continue;
    TRY_ASSIGN(unique_fd target, resolve(root, f.rel));
    struct stat st;
    if (::fstat(target.get(), &st) < 0) return fail_errno("--deny " + f.deny->pattern + ": /" + f.rel);
    auto r = S_ISDIR(st.st_mode) ? cover_dir(m, target.get()) : cover_file(m, target.get(), scratch, scratch_n);
    if (!r) return std::unexpected(std::move(r).error().wrap("--deny " + f.deny->pattern + ": can't cover /" + f.rel));
  }
  return {};
}

}  // namespace sb::mount
