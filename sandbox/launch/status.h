// --info-fd and --json-status-fd: what the sandbox tells the process that started it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

struct NamespaceId {
  const char* name;  // "ipc", "mnt", ...
  ino_t inode;
};

// {"child-pid": N, "<ns>-namespace": INODE, ...} for the namespaces given, in their order.
// `pretty` gives --info-fd's layout, one member a line; otherwise one line.
std::string format_status(pid_t child, const std::vector<NamespaceId>& namespaces, bool pretty);

// The same for `namespaces` (names under /proc/CHILD/ns), their inodes read from there.
Result<std::string> status_json(pid_t child, const std::vector<const char*>& namespaces, bool pretty);

// The --json-status-fd line for COMMAND's exit status.
std::string exit_code_line(int code);

// Writes all of `data` to a status descriptor without blocking the monitor where it could not
// take a signal: it waits for room and for `sigfd` together, and writes no more than the room
// it was told of. Returns 0 once everything is written, or the number of a signal that came
// while nothing could be written (taken from sigfd).
Result<int> write_status(int fd, const std::string& data, const std::string& what, int sigfd);

}  // namespace sb::launch
