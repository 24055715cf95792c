// Unix sockets: their addresses, and messages with descriptors attached (SCM_RIGHTS).
#pragma once

#include <sys/un.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::sys {

// The address of the socket at PATH; nothing where PATH is too long for one (107 bytes).
std::optional<sockaddr_un> unix_address(const std::string& path);

// Sends `data` (at least one byte) with `fds` attached, in one message.
Result<void> send_with_fds(int sock, std::string_view data, std::span<const int> fds);

struct Received {
  std::string data;            // empty at end of file
  std::vector<unique_fd> fds;  // close-on-exec
};

// Receives one message of at most `max_bytes`, keeping at most `max_fds` descriptors (more are
// closed). `flags`: MSG_DONTWAIT or 0.
Result<Received> receive_with_fds(int sock, size_t max_bytes, size_t max_fds, int flags = 0);

}  // namespace sb::sys
