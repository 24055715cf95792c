// Helper programs the monitor runs as the caller (pasta, xauth, xdg-dbus-proxy): each dies
// with the monitor, sees no descriptor of the monitor's but the one it is given, and writes
// what it says into a log of its own, quoted should it fail.
#pragma once

#include <string>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace sb::sys {

struct Helper {
  Process process;
  unique_fd log;  // its standard output and error (a memfd, which never blocks it)
};

// Starts argv[0] (looked up in PATH) with standard input from /dev/null. `keep` (-1: none)
// stays open in it at its number. When the program cannot be run, its log says
// "exec: ERRNO" (exec_errno reads it).
Result<Helper> spawn_helper(const std::vector<std::string>& argv, int keep = -1);

// The log's whole text.
std::string helper_log(int log);
// The errno of a helper that could not be run, else 0.
int exec_errno(const std::string& log);

}  // namespace sb::sys
