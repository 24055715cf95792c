#include "sys/io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace sb::sys
