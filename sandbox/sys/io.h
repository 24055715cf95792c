// Reading a descriptor to its end (--args streams, seccomp programs, /proc files), and writing
// all of a buffer to one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::sys {

// Everything readable from fd until end of file; E2BIG (and nothing else) past `limit` bytes.
// The error has no context: the caller names what was read.
Result<std::string> read_to_end(int fd, size_t limit = SIZE_MAX);

// The whole of the file at path, or "" when it cannot be opened or read (for files whose
// absence means "nothing there": /etc/subuid, a cgroup's control files, /proc/self/cgroup).
std::string read_file_or_empty(const std::string& path);

// All of data written to fd, across short writes and EINTR; the error (errno only) otherwise.
Result<void> write_all(int fd, std::string_view data);

// The file an O_PATH descriptor stands for, opened anew with `flags` (through
// /proc/self/fd): what was looked at is what is opened. errno only, as read_to_end.
Result<unique_fd> reopen(int fd, int flags);

// A file the caller names for the tool to append to (a log): made 0600 when missing
// (`created` says so), else opened only if it is a regular file of the caller's own with no
// other name. Never through a symbolic link in its last component, never a FIFO or a device
// (what is there is looked at before anything is opened for writing), and non-blocking. The
// error names the path and why; the caller adds which option it came from.
Result<unique_fd> open_own_file_for_append(const std::string& path, bool& created);

// The environment's NAME, or nothing where it is not set (an empty value is a value).
std::optional<std::string> environment(const std::string& name);

// A namespace file (/proc/PID/ns/TYPE, or one bound elsewhere) of type `nstype` (CLONE_NEW*),
// opened for setns(2). Looked at before it is opened for reading: a FIFO there would block the
// open for ever, and a device's open may do something; only a namespace file (nsfs) is
// opened. Errors begin with `what` and say why ("you may not enter it", "not a namespace
// file", "not a network namespace").
Result<unique_fd> open_namespace_file(const std::string& path, int nstype, const std::string& what);

// A memfd holding `data`, sealed against every change, at offset 0: a file made for the
// sandbox (cookies, /etc/passwd) that nothing can alter once handed over. errno only.
Result<unique_fd> sealed_memfd(const char* name, std::string_view data);

}  // namespace sb::sys
