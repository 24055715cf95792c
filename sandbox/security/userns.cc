#include "security/userns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "security/idmap.h"
#include "sys/fd.h"
#include "sys/io.h"
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

std::string read_sysctl(const std::string& path) {
  std::string text = sys::read_file_or_empty(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string userns_refusal_hint(int err, bool at_clone, const SysctlReader& read) {
  const std::string apparmor = read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  const std::string apparmor_hint =
      "AppArmor restricts unprivileged user namespaces here (kernel.apparmor_restrict_unprivileged_userns is 1): "
      "give sandbox an AppArmor profile with the userns rule, or as root: sysctl -w "
      "kernel.apparmor_restrict_unprivileged_userns=0";
  if (!at_clone) return (err == EPERM || err == EACCES) && apparmor == "1" ? apparmor_hint : "";
  if (read("/proc/sys/user/max_user_namespaces") == "0")
    return "user namespaces are turned off here (user.max_user_namespaces is 0): as root, sysctl -w "
           "user.max_user_namespaces=15000";
  if (read("/proc/sys/kernel/unprivileged_userns_clone") == "0")
    return "unprivileged user namespaces are turned off here (kernel.unprivileged_userns_clone is 0): as root, "
           "sysctl -w kernel.unprivileged_userns_clone=1";
  if (apparmor == "1") return apparmor_hint;
  if (err == ENOSPC)
    return "the number of user namespaces allowed is used up, here or in a namespace around this one (a sandbox "
           "started with --disable-userns allows none)";
  return "";
}

}  // namespace sb::security
