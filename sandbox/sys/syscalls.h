// Thin wrappers over the system calls the sandbox needs, returning Result<T>.
// Each returns an Error carrying errno and a short context naming the call and the path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::sys {

// openat2(2) with `resolve` flags (RESOLVE_IN_ROOT etc.); O_CLOEXEC is always added.
Result<unique_fd> openat2(int dirfd, const std::string& path, uint64_t flags, uint64_t mode,
                          uint64_t resolve);
Result<unique_fd> open(const std::string& path, int flags, mode_t mode = 0);

// The new mount API.
Result<unique_fd> open_tree(int dirfd, const std::string& path, unsigned flags);
Result<void> move_mount(int from_dirfd, const std::string& from_path, int to_dirfd,
                        const std::string& to_path, unsigned flags);
// Sets `set` and clears `clear` (MOUNT_ATTR_*) on the mount at dirfd/path.
Result<void> mount_setattr(int dirfd, const std::string& path, unsigned at_flags, uint64_t set,
                           uint64_t clear);
Result<unique_fd> fsopen(const std::string& fstype);
Result<void> fsconfig_string(int fsfd, const std::string& key, const std::string& value);
Result<void> fsconfig_flag(int fsfd, const std::string& key);
Result<unique_fd> fsmount_create(int fsfd, unsigned attr_flags);

Result<void> pivot_root(const char* new_root, const char* put_old);
Result<void> close_range(unsigned first, unsigned last, unsigned flags);
// close_range over every descriptor from 3 up except `keep`; with CLOSE_RANGE_CLOEXEC they are
// only marked, and the kept ones lose the mark.
Result<void> close_fds_except(std::vector<int> keep, unsigned flags);
Result<void> pidfd_send_signal(int pidfd, int sig);

// clone3 with a pidfd; returns the child's pid in the parent and 0 in the child.
struct CloneResult {
  pid_t pid = -1;
  unique_fd pidfd;
};
// With cgroup_fd, the child starts in that cgroup (CLONE_INTO_CGROUP).
Result<CloneResult> clone3(uint64_t ns_flags, bool want_pidfd, int cgroup_fd = -1);

// "/proc/self/fd/N": a path naming an open descriptor, for the calls that only take paths.
std::string fd_path(int fd);

// Writes all of `data` to dir/name in one write(2), as /proc files want it (id maps,
// setgroups, sysctls); the error names `name`.
Result<void> write_file_at(int dir, const std::string& name, const std::string& data);

}  // namespace sb::sys
