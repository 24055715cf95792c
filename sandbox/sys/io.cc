#include "sys/io.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <utility>

namespace sb::sys {

Result<std::string> read_to_end(int fd, size_t limit) {
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("", errno);
    if (n == 0) return data;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > limit) return fail("", E2BIG);
  }
}

std::string read_file_or_empty(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  auto text = read_to_end(fd);
  ::close(fd);
  return text ? std::move(*text) : std::string();
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("", errno);
    if (n == 0) return fail("", EIO);  // no progress: never loop on it
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<unique_fd> reopen(int fd, int flags) {
  unique_fd out(::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), flags | O_CLOEXEC));
  if (!out) return fail("", errno);
  return out;
}

Result<unique_fd> open_own_file_for_append(const std::string& path, bool& created) {
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  created = false;
  unique_fd fd(::open(path.c_str(), kFlags | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
  if (fd) {
    created = true;
    return fd;
  }
  if (errno != EEXIST) return fail("Can't open " + path, errno);
  // It was there: look at it through a descriptor that cannot write, block or follow a link,
  // then open that very file (through /proc/self/fd) for writing.
  unique_fd seen(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!seen) return fail("Can't open " + path, errno);
  struct stat st{};
  if (::fstat(seen.get(), &st) < 0) return fail("Can't open " + path, errno);
  if (S_ISLNK(st.st_mode)) return fail(path + " is a symbolic link; name the file itself", ELOOP);
  if (!S_ISREG(st.st_mode)) return fail(path + " is not a regular file", EINVAL);
  if (st.st_uid != ::geteuid()) return fail(path + " belongs to uid " + std::to_string(st.st_uid) + ", not to you", EPERM);
  if (st.st_nlink != 1) return fail(path + " has other names (hard links)", EPERM);
  auto out = reopen(seen.get(), kFlags);
  if (!out) return std::unexpected(std::move(out).error().wrap("Can't open " + path));
  return out;
}

Result<unique_fd> sealed_memfd(const char* name, std::string_view data) {
  unique_fd fd(::memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return fail_errno("memfd_create");
  TRY(write_all(fd.get(), data));
  if (::lseek(fd.get(), 0, SEEK_SET) < 0 ||
      ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
    return fail_errno("sealing");
  return fd;
}

std::optional<std::string> environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<unique_fd> open_namespace_file(const std::string& path, int nstype, const std::string& what) {
  unique_fd seen(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!seen && (errno == EACCES || errno == EPERM)) return fail_errno(what + ": you may not enter it");
  if (!seen) return fail_errno(what);
  struct statfs fs {};
  if (::fstatfs(seen.get(), &fs) < 0) return fail_errno(what);
  const char* kind = nstype == CLONE_NEWNET    ? "network"
                     : nstype == CLONE_NEWIPC  ? "IPC"
                     : nstype == CLONE_NEWUTS  ? "UTS"
                     : nstype == CLONE_NEWCGROUP ? "cgroup"
                     : nstype == CLONE_NEWPID  ? "pid"
                     : nstype == CLONE_NEWUSER ? "user"
                                               : "";
  static const std::map<int, const char*> files = {{CLONE_NEWNET, "net"},   {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"},
                                                   {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWUSER, "user"}};
  auto file = files.find(nstype);
  if (fs.f_type != NSFS_MAGIC)
    return fail(what + ": not a namespace file (such as /proc/PID/ns/" + (file == files.end() ? "TYPE" : file->second) + ")",
                EINVAL);
  auto opened = reopen(seen.get(), O_RDONLY);
  if (!opened && (opened.error().err == EACCES || opened.error().err == EPERM))
    return std::unexpected(std::move(opened).error().wrap(what + ": you may not enter it"));
  if (!opened) return std::unexpected(std::move(opened).error().wrap(what));
  if (::ioctl(opened->get(), NS_GET_NSTYPE) != nstype) return fail(what + ": not a" + (kind[0] == 'I' ? "n " : " ") + kind + " namespace", EINVAL);
  return opened;
}

}  // namespace sb::sys
