// The socket between the monitor and the processes it starts: one "go" from the monitor once
// the id maps exist, and at most one error record back. A successful exec closes the child's
// end (close-on-exec), which the monitor reads as end of file.
// With --log-denials, COMMAND's process also sends the seccomp listener (denials.h) before
// its exec, as a record of its own.
// A second pair carries one descriptor, or the error record of why there is none, from a
// helper of the monitor to the child (the network namespace, see netns.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::launch {

// One error record as it travels: its kind, errno and context. decode_error(encode_error(e))
// gives e back (the context cut to what one record holds); anything too short is EPROTO.
std::string encode_error(const Error& e);
Result<Error> decode_error(std::string_view record);

// What the monitor reads from the child: an error record, or a descriptor (the listener).
struct Record {
  std::optional<Error> error;
  unique_fd fd;
};

// Sends `fd` over the socket `sock` as a descriptor record (what Channel::send_fd sends).
Result<void> send_descriptor(int sock, int fd);

class Channel {
 public:
  // {monitor end, child end}
  static Result<std::pair<Channel, Channel>> make();

  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }

  Result<void> monitor_send_go();
  Result<void> child_wait_go();
  // Best effort: the sender is about to exit either way.
  void send_error(const Error& e) noexcept;
  Result<void> send_fd(int fd);
  // Waits for the one record: the descriptor sent, or the error sent, or end of file.
  Result<unique_fd> receive_fd();
  // The next record, or nullopt at end of file (every child end closed).
  Result<std::optional<Record>> monitor_receive();

 private:
  explicit Channel(int fd) : fd_(fd) {}
  unique_fd fd_;
};

}  // namespace sb::launch
