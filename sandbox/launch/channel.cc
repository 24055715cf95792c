#include "launch/channel.h"

#include <sys/socket.h>

#include <cstdint>
#include <cstring>

namespace sb::launch {

namespace {

constexpr char kGo = 'G';
constexpr size_t kHeader = 1 + sizeof(int32_t);  // kind, errno
constexpr size_t kMaxRecord = 4096;

}  // namespace

Result<std::pair<Channel, Channel>> Channel::make() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
    return fail_errno("socketpair");
  return std::pair{Channel(fds[0]), Channel(fds[1])};
}

Result<void> Channel::monitor_send_go() {
  if (::send(fd(), &kGo, 1, MSG_NOSIGNAL) != 1) return fail_errno("starting the sandbox");
  return {};
}

Result<void> Channel::child_wait_go() {
  char c = 0;
  ssize_t n;
  do {
    n = ::recv(fd(), &c, 1, 0);
  } while (n < 0 && errno == EINTR);
  if (n != 1 || c != kGo) return fail("waiting for the monitor", n < 0 ? errno : EPIPE);
  return {};
}

void Channel::child_send_error(const Error& e) noexcept {
  char buf[kMaxRecord];
  buf[0] = static_cast<char>(e.kind);
  int32_t err = e.err;
  std::memcpy(buf + 1, &err, sizeof err);
  size_t len = std::min(e.context.size(), kMaxRecord - kHeader);
  std::memcpy(buf + kHeader, e.context.data(), len);
  (void)::send(fd(), buf, kHeader + len, MSG_NOSIGNAL);
}

Result<std::optional<Error>> Channel::monitor_receive() {
  char buf[kMaxRecord];
  ssize_t n;
  do {
    n = ::recv(fd(), buf, sizeof buf, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) return fail("reading from the sandbox", EAGAIN);
    return fail_errno("reading from the sandbox");
  }
  if (n == 0) return std::optional<Error>{};
  if (static_cast<size_t>(n) < kHeader) return fail("reading from the sandbox: short record", EPROTO);
  Error e;
  auto kind = static_cast<unsigned char>(buf[0]);
  e.kind = kind <= static_cast<unsigned char>(Failure::not_found) ? static_cast<Failure>(kind)
                                                                   : Failure::setup;
  int32_t err;
  std::memcpy(&err, buf + 1, sizeof err);
  e.err = err;
  e.context.assign(buf + kHeader, static_cast<size_t>(n) - kHeader);
  return std::optional<Error>{std::move(e)};
}

}  // namespace sb::launch
