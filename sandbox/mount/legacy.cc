// The legacy mount(2) path, for kernels without the new mount API (before 5.12). It offers the
// same operations: what the new API keeps detached behind a descriptor is kept here on a private
// staging directory until MS_MOVE puts it in place, and the flags mount_setattr(AT_RECURSIVE)
// sets on a whole tree are set by remounting each mount /proc/self/mountinfo lists below it.
//
// The staging area is a tmpfs the process pivots into first, with the caller's root beneath it
// at /oldroot: a recursive bind of a source that holds the new root's base then copies the
// caller's tree only, never the staging area or the new root (the new API gets this by cloning
// every source before anything is mounted).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <climits>
#include <unordered_map>

#include "mount/mounter.h"
#include "mount/mountinfo.h"
#include "sys/io.h"
#include "sys/syscalls.h"

namespace sb::mount {

namespace {

constexpr const char* kStaging = "/.stage";
constexpr const char* kNewRoot = "/newroot";

unsigned long ms_flags(uint64_t attrs) {
  unsigned long flags = 0;
  if (attrs & MOUNT_ATTR_RDONLY) flags |= MS_RDONLY;
  if (attrs & MOUNT_ATTR_NOSUID) flags |= MS_NOSUID;
  if (attrs & MOUNT_ATTR_NODEV) flags |= MS_NODEV;
  if (attrs & MOUNT_ATTR_NOEXEC) flags |= MS_NOEXEC;
  return flags;
}

Result<std::string> read_text(const std::string& path) {
  TRY_ASSIGN(unique_fd fd, sys::open(path, O_RDONLY));
  auto text = sys::read_to_end(fd.get());
  if (!text) return fail(path, text.error().err);
  return text;
}

Result<std::vector<MountEntry>> read_mountinfo() {
  TRY_ASSIGN(std::string text, read_text("/proc/self/mountinfo"));
  return parse_mountinfo(text);
}

std::string at(int dirfd, const std::string& name) {
  return sys::fd_path(dirfd) + (name.empty() ? "" : "/" + name);
}

Result<void> mount_call(const char* source, const std::string& target, const char* type,
                        unsigned long flags, const std::string& data, const char* what) {
  if (::mount(source, target.c_str(), type, flags, data.empty() ? nullptr : data.c_str()) < 0)
    return fail_errno(what);
  return {};
}

// Adds flags to the one mount at path. The flags it has stay: a remount that would clear one
// the kernel locked (nodev, nosuid, ro ... of a mount from a more privileged namespace) fails.
Result<void> remount(const std::string& path, uint64_t attrs) {
  struct statvfs sv;
  if (::statvfs(path.c_str(), &sv) < 0) return fail_errno("statvfs");
  unsigned long keep = 0;
  if (sv.f_flag & ST_RDONLY) keep |= MS_RDONLY;
  if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
  return mount_call(nullptr, path, nullptr, MS_REMOUNT | MS_BIND | keep | ms_flags(attrs), "", "remount");
}

class Legacy final : public Mounter {
 public:
  Result<unique_fd> take_source(int dirfd, const std::string& path, bool nofollow) override {
    int fd = path.empty() ? ::fcntl(dirfd, F_DUPFD_CLOEXEC, 3)
                          : ::openat(dirfd, path.c_str(), O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) return fail_errno(path);
    unique_fd source(fd);
    if (!staged_) TRY(note_submounts(source.get()));
    return source;
  }

  Result<void> bind(int source, int target, const std::string& name, uint64_t attrs) override {
    struct stat st;
    if (::fstat(source, &st) < 0) return fail_errno("fstat");
    TRY_ASSIGN(std::string stage, new_stage(S_ISDIR(st.st_mode)));
    TRY(mount_call(sys::fd_path(source).c_str(), stage, nullptr, MS_BIND | MS_REC, "", "mount --rbind"));
    bool flat = !S_ISDIR(st.st_mode);
    if (auto it = flat_.find(source); it != flat_.end()) {
      flat = flat || it->second;
      flat_.erase(it);
    }
    TRY(remount_tree(stage, attrs, flat));
    return mount_call(stage.c_str(), at(target, name), nullptr, MS_MOVE, "", "mount --move");
  }

  Result<unique_fd> create(const FsConfig& fs) override {
    std::string data;
    for (const auto& [key, value] : fs.options)
      data += (data.empty() ? "" : ",") + key + (value.empty() ? "" : "=" + value);
    TRY_ASSIGN(std::string stage, new_stage(true));
    TRY(mount_call(fs.type.c_str(), stage, fs.type.c_str(), ms_flags(fs.attrs), data,
                   ("mount " + fs.type).c_str()));
    return sys::open(stage, O_PATH | O_DIRECTORY);  // the new mount's root, on top of the stage
  }

  Result<void> attach(int mnt, int target, const std::string& name) override {
    return mount_call(sys::fd_path(mnt).c_str(), at(target, name), nullptr, MS_MOVE, "", "mount --move");
  }

  Result<void> add_attrs(int mnt, uint64_t attrs) override { return remount(sys::fd_path(mnt), attrs); }

  Result<std::string> build_base() override {
    TRY_ASSIGN(std::string base, find_base_dir());
    TRY(mount_call("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "Can't mount the staging area"));
    std::string old = base + "/oldroot";
    if (::mkdir(old.c_str(), 0700) < 0) return fail_errno("Can't make " + old);
    TRY(sys::pivot_root(base.c_str(), old.c_str()));
    // Private, so mounts may be moved out of it; the caller's tree beneath keeps receiving the
    // host's mount events.
    TRY(mount_call(nullptr, "/", nullptr, MS_PRIVATE, "", "Can't make the staging area private"));
    if (::mkdir(kStaging, 0700) < 0 || ::mkdir(kNewRoot, 0755) < 0) return fail_errno("Can't fill the staging area");
    // Setup still opens /proc/self/fd/N and the host's /dev nodes by those names.
    if (::symlink("oldroot/proc", "/proc") < 0 || ::symlink("oldroot/dev", "/dev") < 0)
      return fail_errno("Can't fill the staging area");
    staged_ = true;
    return std::string(kNewRoot);
  }

  Resolver resolver() const override { return Resolver::walk; }

 private:
  Result<std::string> new_stage(bool dir) {
    std::string path = std::string(kStaging) + "/" + std::to_string(stages_++);
    int r = dir ? ::mkdir(path.c_str(), 0700) : ::close(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
    if (r < 0) return fail_errno("Can't make " + path);
    return path;
  }

  // Whether a source holds mounts beneath it, by the caller's mount table read once: a source
  // that holds none is flagged with one remount instead of a read of the whole table.
  Result<void> note_submounts(int source) {
    if (!host_read_) {
      TRY_ASSIGN(host_, read_mountinfo());
      host_read_ = true;
    }
    char link[PATH_MAX];
    ssize_t n = ::readlink(sys::fd_path(source).c_str(), link, sizeof link - 1);
    if (n < 0) return {};  // unknown: the whole table is read at bind time
    std::string path(link, static_cast<size_t>(n));
    bool none = true;
    for (const auto& m : host_) none = none && !beneath(path, m.mount_point);
    flat_[source] = none;
    return {};
  }

  Result<void> remount_tree(const std::string& stage, uint64_t attrs, bool flat) {
    TRY(remount(stage, attrs));
    if (flat) return {};
    TRY_ASSIGN(std::vector<MountEntry> mounts, read_mountinfo());
    const MountEntry* top = nullptr;
    for (const auto& m : mounts)
      if (m.mount_point == stage) top = &m;  // the last listed is the one on top
    if (!top) return fail("mountinfo does not list " + stage, ENOENT);
    for (const MountEntry* sub : descendants(mounts, top->id)) {
      auto r = remount(sub->mount_point, attrs);
      // A mount this process cannot even reach (a covered one, or behind a directory it may not
      // search) is out of the command's reach too, which has fewer rights still.
      if (!r && (r.error().err == EACCES || r.error().err == ENOENT)) continue;
      if (!r) return std::unexpected(std::move(r).error().wrap(sub->mount_point));
    }
    return {};
  }

  unsigned stages_ = 0;
  bool staged_ = false;  // build_base has run: the caller's tree is at /oldroot
  bool host_read_ = false;
  std::vector<MountEntry> host_;         // the caller's mount table, before anything was mounted
  std::unordered_map<int, bool> flat_;   // taken source -> holds no mounts beneath it
};

}  // namespace

std::unique_ptr<Mounter> legacy_mounter() { return std::make_unique<Legacy>(); }

}  // namespace sb::mount
