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

Result<void> write_all(int fd, const std::string& data, const std::string& what);

}  // namespace sb::launch
