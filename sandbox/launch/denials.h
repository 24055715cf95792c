// --log-denials. The profile's program is loaded in COMMAND's process with every "fail with
// errno" verdict turned into "ask the listener" (security/compile.h); the listener comes to
// the monitor, which answers each call with the errno of the original program's verdict and
// writes one JSON line about it. It only ever answers with an error: a call is never carried
// out on the caller's behalf, so the listener cannot become a way out.
#pragma once

#include <linux/seccomp.h>
#include <sys/types.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::launch {

class DenialLog {
 public:
  // Opens FILE as the caller, before anything starts (created 0600, appended to; an existing
  // one only if it is a regular file of the caller's, never through a link, never blocking:
  // sys::open_own_file_for_append); "-" is standard error. `program` is the profile's program as compiled, with its errno verdicts.
  static Result<DenialLog> open(const std::string& file, std::string program);

  // The listener, from COMMAND's process. One only; anything that is not a seccomp listener is
  // refused.
  Result<void> attach(unique_fd listener);

  int listener() const { return listener_.get(); }
  int out() const { return out_.get() >= 0 ? out_.get() : 2; }
  bool has_pending() const { return !queue_.empty() || dropped_ > 0; }

  // One notification: answered at once with the policy's errno, then queued as a line. At most
  // kMaxQueued lines wait for the file; past that they are counted, and a record says how
  // many were dropped, so a flood of denials cannot stall the sandbox.
  void on_notification();
  // The file has room: writes what waits, without blocking.
  void on_writable();
  // At the end of the run: whatever can still be written without blocking.
  void finish();
  // Setup failed before COMMAND ran: a file this run created and left empty is removed.
  void discard_if_unused();

  static constexpr size_t kMaxQueued = 256;
  // What one run writes at the most; past it lines are counted, and the count written once.
  static constexpr size_t kMaxBytes = 16 << 20;

 private:
  DenialLog() = default;
  void queue_line(std::string line);

  std::string path_;
  unique_fd out_;  // empty for standard error
  bool created_ = false;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::string program_;
  unique_fd listener_;
  // The kernel's sizes of a notification and its answer, and buffers of them, made once.
  std::vector<unsigned char> request_, response_;
  std::deque<std::string> queue_;
  size_t written_ = 0;  // of queue_.front()
  size_t bytes_ = 0;    // all lines queued so far
  bool capped_ = false;  // kMaxBytes reached: nothing more but the count at the end
  bool finishing_ = false;
  unsigned long long dropped_ = 0;
};

// One line of the log (CLI.md): {"time": …, "pid": …, "comm": …, "syscall": …, "args": […],
// "errno": …}.
std::string denial_line(pid_t pid, const std::string& comm, const seccomp_data& call, int err);

// COMMAND's side: loads `program` (the notify variant) with a listener and hands the listener
// to the monitor over `channel_fd`. Once the filter is in place, every call of this thread is
// under the policy, and one that asks the listener would wait for a monitor that has no
// listener yet; so a thread started before the filter, and not under it, sends the listener,
// while this thread waits on memory alone.
Result<void> child_load_with_listener(const std::string& program, int channel_fd);

}  // namespace sb::launch
