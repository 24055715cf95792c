// --info-fd and --json-status-fd: what the sandbox tells the process that started it.
#pragma once

#include <sys/types.h>

#include <string>

#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

// {"child-pid": N, "<ns>-namespace": INODE, ...}: the namespaces the sandbox made, and mnt.
// `pretty` gives --info-fd's layout, one member a line; otherwise one line.
Result<std::string> status_json(pid_t child, const Spec& spec, bool pretty);

// Writes all of `data` to a status descriptor without blocking the monitor where it could not
// take a signal: it waits for room and for `sigfd` together, and writes no more than the room
// it was told of. Returns 0 once everything is written, or the number of a signal that came
// while nothing could be written (taken from sigfd).
Result<int> write_status(int fd, const std::string& data, const std::string& what, int sigfd);

}  // namespace sb::launch
