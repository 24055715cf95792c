#include "launch/channel.h"

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <span>

#include "sys/fdpass.h"

namespace sb::launch {

namespace {

constexpr char kGo = 'G';
constexpr char kFd = 'F';  // not a Failure kind, which starts every error record
constexpr size_t kHeader = 1 + sizeof(int32_t);  // kind, errno
constexpr size_t kMaxRecord = 4096;

// A message of `len` bytes at `data` with room for one descriptor, for sendmsg and recvmsg.
struct FdMessage {
  iovec iov;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};

  FdMessage(void* data, size_t len) : iov{data, len} {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;
};

}  // namespace

std::string encode_error(const Error& e) {
  std::string out(kHeader, '\0');
  out[0] = static_cast<char>(e.kind);
  int32_t err = e.err;
  std::memcpy(out.data() + 1, &err, sizeof err);
  out.append(e.context, 0, kMaxRecord - kHeader);
  // The hint and the origin, if any, each follow a NUL (no context holds one: paths cannot).
  if (!e.hint.empty() || !e.origin.empty()) {
    for (const std::string* field : {&e.hint, &e.origin}) {
      if (out.size() >= kMaxRecord - 1) break;
      out.push_back('\0');
      out.append(*field, 0, kMaxRecord - out.size());
    }
  }
  return out;
}

Result<Error> decode_error(std::string_view record) {
  if (record.size() < kHeader) return fail("reading from the sandbox: short record", EPROTO);
  Error e;
  auto kind = static_cast<unsigned char>(record[0]);
  e.kind = kind <= static_cast<unsigned char>(Failure::not_found) ? static_cast<Failure>(kind) : Failure::setup;
  int32_t err;
  std::memcpy(&err, record.data() + 1, sizeof err);
  e.err = err;
  std::string_view text = record.substr(kHeader);
  for (std::string* field : {&e.context, &e.hint, &e.origin}) {
    size_t nul = text.find('\0');
    field->assign(text.substr(0, nul));
    if (nul == std::string_view::npos) break;
    text.remove_prefix(nul + 1);
  }
  return e;
}

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

void Channel::send_error(const Error& e) noexcept {
  try {
    std::string record = encode_error(e);
    (void)::send(fd(), record.data(), record.size(), MSG_NOSIGNAL);
  } catch (...) {  // no memory for the record: the exit status still tells
  }
}

namespace {

// The one descriptor a message carries, if it carries one.
unique_fd take_descriptor(msghdr& msg) {
  unique_fd received;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      received.reset(fd);
    }
  return received;
}

}  // namespace

Result<std::optional<Record>> Channel::monitor_receive() {
  char buf[kMaxRecord];
  FdMessage m(buf, sizeof buf);
  ssize_t n;
  do {
    n = ::recvmsg(fd(), &m.msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) return fail("reading from the sandbox", EAGAIN);
    return fail_errno("reading from the sandbox");
  }
  if (n == 0) return std::optional<Record>{};
  Record r;
  r.fd = take_descriptor(m.msg);
  if (n == 1 && buf[0] == kFd && r.fd) return std::optional<Record>{std::move(r)};
  r.fd.reset();
  TRY_ASSIGN(r.error, decode_error(std::string_view(buf, static_cast<size_t>(n))));
  return std::optional<Record>{std::move(r)};
}

Result<void> Channel::send_fd(int fd) { return send_descriptor(fd_.get(), fd); }

Result<void> send_descriptor(int sock, int fd) {
  const char tag = kFd;
  if (auto sent = sys::send_with_fds(sock, std::string_view(&tag, 1), std::span<const int>(&fd, 1)); !sent)
    return fail("sending a descriptor", sent.error().err);
  return {};
}

Result<unique_fd> Channel::receive_fd() {
  char buf[kMaxRecord];
  FdMessage m(buf, sizeof buf);
  msghdr& msg = m.msg;
  ssize_t n;
  do {
    n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno("receiving a descriptor");
  unique_fd received = take_descriptor(msg);
  if (n == 1 && buf[0] == kFd && received) return received;
  if (n == 0) return fail("receiving a descriptor: the sender ended without one", EPIPE);
  TRY_ASSIGN(Error e, decode_error(std::string_view(buf, static_cast<size_t>(n))));
  return std::unexpected(std::move(e));
}

}  // namespace sb::launch
