#include "security/userns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "sys/fd.h"

namespace sb::security {

namespace {

Result<void> write_at(int dir, const std::string& path, const std::string& data) {
  unique_fd fd(::openat(dir, path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), data.data(), data.size()) != static_cast<ssize_t>(data.size()))
    return fail_errno("--disable-userns: can't write /proc/" + path);
  return {};
}

}  // namespace

Result<void> disable_user_namespaces(int proc) {
  uid_t uid = ::getuid();
  gid_t gid = ::getgid();
  // Opened from this user namespace, the sysctl is this namespace's own limit.
  TRY(write_at(proc, "sys/user/max_user_namespaces", "1"));
  if (::unshare(CLONE_NEWUSER) < 0) return fail_errno("--disable-userns: can't make the inner user namespace");
  std::string self = "self/";
  TRY(write_at(proc, self + "uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n"));
  TRY(write_at(proc, self + "setgroups", "deny"));
  TRY(write_at(proc, self + "gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n"));
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
