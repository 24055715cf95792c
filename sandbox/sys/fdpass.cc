#include "sys/fdpass.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sb::sys {

std::optional<sockaddr_un> unix_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return std::nullopt;
  path.copy(a.sun_path, path.size());
  return a;
}


namespace {
constexpr size_t kMaxFds = 16;
}

Result<void> send_with_fds(int sock, std::string_view data, std::span<const int> fds) {
  if (fds.size() > kMaxFds || data.empty()) return fail("sending descriptors", EINVAL);
  iovec iov{const_cast<char*>(data.data()), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do {
    n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("sending a message");
  if (static_cast<size_t>(n) != data.size()) return fail("sending a message: cut short", EMSGSIZE);
  return {};
}

Result<Received> receive_with_fds(int sock, size_t max_bytes, size_t max_fds, int flags) {
  Received r;
  r.data.resize(max_bytes);
  iovec iov{r.data.data(), r.data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("receiving a message");
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (r.fds.size() < max_fds) r.fds.emplace_back(fd);
      else ::close(fd);
    }
  }
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) return fail("receiving a message: too long", EMSGSIZE);
  r.data.resize(static_cast<size_t>(n));
  return r;
}

}  // namespace sb::sys
