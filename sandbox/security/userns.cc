#include "security/userns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "security/idmap.h"
#include "sys/fd.h"
#include "sys/syscalls.h"

namespace sb::security {

Result<void> disable_user_namespaces(int proc) {
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  // Opened from this user namespace, the sysctl is this namespace's own limit.
  if (auto w = sys::write_file_at(proc, "sys/user/max_user_namespaces", "1"); !w)
    return fail("--disable-userns: can't write /proc/sys/user/max_user_namespaces", w.error().err);
  if (::unshare(CLONE_NEWUSER) < 0) return fail_errno("--disable-userns: can't make the inner user namespace");
  unique_fd self(::openat(proc, "self", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!self) return fail_errno("--disable-userns: can't open /proc/self");
  if (auto w = write_id_maps(self.get(), {id_map_line(uid, uid), id_map_line(gid, gid)}); !w)
    return fail("--disable-userns: can't write /proc/self/" + w.error().context, w.error().err);
  return {};
}

Result<void> assert_user_namespaces_disabled() {
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno("--assert-userns-disabled: fork");
  if (pid == 0) ::_exit(::unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return fail("--assert-userns-disabled: creating a user namespace is still allowed");
  return {};
}

}  // namespace sb::security
