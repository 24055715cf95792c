#include "sys/io.h"

#include <fcntl.h>
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

}  // namespace sb::sys
