#include "sys/syscalls.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstring>
#include <linux/close_range.h>

namespace sb::sys {

namespace {

// The kernel's struct clone_args (stable ABI); declared here to avoid <linux/sched.h>,
// whose CLONE_* macros collide with <sched.h>.
struct CloneArgs {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
  uint64_t set_tid;
  uint64_t set_tid_size;
  uint64_t cgroup;
};

constexpr uint64_t kClonePidfd = 0x00001000;           // CLONE_PIDFD
constexpr uint64_t kCloneIntoCgroup = 0x200000000ULL;  // CLONE_INTO_CGROUP (Linux 5.7)

}  // namespace

Result<unique_fd> openat2(int dirfd, const std::string& path, uint64_t flags, uint64_t mode,
                          uint64_t resolve) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.mode = mode;
  how.resolve = resolve;
  long fd;
  do {
    fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
  } while (fd < 0 && errno == EAGAIN);  // a concurrent rename; retry as the man page advises
  if (fd < 0) return fail_errno(path);
  return unique_fd(static_cast<int>(fd));
}

Result<unique_fd> open(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail_errno(path);
  return unique_fd(fd);
}

Result<unique_fd> open_tree(int dirfd, const std::string& path, unsigned flags) {
  int fd = ::open_tree(dirfd, path.c_str(), flags | OPEN_TREE_CLOEXEC);
  if (fd < 0) return fail_errno("open_tree");
  return unique_fd(fd);
}

Result<void> move_mount(int from_dirfd, const std::string& from_path, int to_dirfd,
                        const std::string& to_path, unsigned flags) {
  if (::move_mount(from_dirfd, from_path.c_str(), to_dirfd, to_path.c_str(), flags) < 0)
    return fail_errno("move_mount");
  return {};
}

Result<void> mount_setattr(int dirfd, const std::string& path, unsigned at_flags, uint64_t set,
                           uint64_t clear) {
  mount_attr attr{};
  attr.attr_set = set;
  attr.attr_clr = clear;
  if (::mount_setattr(dirfd, path.c_str(), at_flags, &attr, sizeof attr) < 0)
    return fail_errno("mount_setattr");
  return {};
}

Result<unique_fd> fsopen(const std::string& fstype) {
  int fd = ::fsopen(fstype.c_str(), FSOPEN_CLOEXEC);
  if (fd < 0) return fail_errno("fsopen " + fstype);
  return unique_fd(fd);
}

Result<void> fsconfig_string(int fsfd, const std::string& key, const std::string& value) {
  if (::fsconfig(fsfd, FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0) < 0)
    return fail_errno("fsconfig " + key + "=" + value);
  return {};
}

Result<void> fsconfig_flag(int fsfd, const std::string& key) {
  if (::fsconfig(fsfd, FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0) < 0)
    return fail_errno("fsconfig " + key);
  return {};
}

Result<unique_fd> fsmount_create(int fsfd, unsigned attr_flags) {
  if (::fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return fail_errno("fsconfig create");
  int fd = ::fsmount(fsfd, FSMOUNT_CLOEXEC, attr_flags);
  if (fd < 0) return fail_errno("fsmount");
  return unique_fd(fd);
}

Result<void> pivot_root(const char* new_root, const char* put_old) {
  if (::syscall(SYS_pivot_root, new_root, put_old) < 0) return fail_errno("pivot_root");
  return {};
}

Result<void> close_range(unsigned first, unsigned last, unsigned flags) {
  if (::syscall(SYS_close_range, first, last, flags) < 0) return fail_errno("close_range");
  return {};
}

Result<void> close_fds_except(std::vector<int> keep, unsigned flags) {
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > from) TRY(close_range(from, static_cast<unsigned>(fd) - 1, flags));
    from = std::max(from, static_cast<unsigned>(fd) + 1);
    if ((flags & CLOSE_RANGE_CLOEXEC) && ::fcntl(fd, F_SETFD, 0) < 0)
      return fail_errno("descriptor " + std::to_string(fd));
  }
  return close_range(from, UINT_MAX, flags);
}

Result<void> pidfd_send_signal(int pidfd, int sig) {
  if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0)
    return fail_errno("pidfd_send_signal");
  return {};
}

Result<CloneResult> clone3(uint64_t ns_flags, bool want_pidfd, int cgroup_fd) {
  int pidfd = -1;
  CloneArgs args{};
  args.flags = ns_flags | (want_pidfd ? kClonePidfd : 0);
  args.pidfd = reinterpret_cast<uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  // The first size without the cgroup field unless it is used, for kernels before 5.7.
  size_t size = offsetof(CloneArgs, set_tid);
  if (cgroup_fd >= 0) {
    args.flags |= kCloneIntoCgroup;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
    size = sizeof args;
  }
  long pid = ::syscall(SYS_clone3, &args, size);
  if (pid < 0) return fail_errno("clone3");
  CloneResult r;
  r.pid = static_cast<pid_t>(pid);
  if (pid > 0 && want_pidfd) r.pidfd.reset(pidfd);
  return r;
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

Result<void> write_file_at(int dir, const std::string& name, const std::string& data) {
  unique_fd fd(::openat(dir, name.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_errno(name);
  ssize_t n = ::write(fd.get(), data.data(), data.size());
  if (n < 0) return fail_errno(name);
  if (static_cast<size_t>(n) != data.size()) return fail(name + ": short write", EIO);
  return {};
}

}  // namespace sb::sys
