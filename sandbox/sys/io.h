// Reading a descriptor to its end (--args streams, seccomp programs, /proc files), and writing
// all of a buffer to one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sys/error.h"

namespace sb::sys {

// Everything readable from fd until end of file; E2BIG (and nothing else) past `limit` bytes.
// The error has no context: the caller names what was read.
Result<std::string> read_to_end(int fd, size_t limit = SIZE_MAX);

// The whole of the file at path, or "" when it cannot be opened or read (for files whose
// absence means "nothing there": /etc/subuid, a cgroup's control files, /proc/self/cgroup).
std::string read_file_or_empty(const std::string& path);

// All of data written to fd, across short writes and EINTR; the error (errno only) otherwise.
Result<void> write_all(int fd, std::string_view data);

}  // namespace sb::sys
