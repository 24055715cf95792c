// --timeout: when it expires, SIGTERM to COMMAND (through init, which passes it on), and
// --kill-after later SIGKILL to the child, whose death ends every process of its pid namespace.
#pragma once

#include <signal.h>
#include <sys/timerfd.h>

#include <cstdint>

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::launch {

class Deadline {
 public:
  // Armed from now; without --timeout, never expires (fd() is -1).
  static Result<Deadline> start(const Spec& spec) {
    Deadline d;
    if (!spec.timeout_ms) return d;
    d.kill_after_ms_ = spec.kill_after_ms;
    d.fd_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!d.fd_) return fail_errno("timerfd_create");
    TRY(d.arm(*spec.timeout_ms));
    return d;
  }

  int fd() const { return fd_.get(); }
  bool expired() const { return stage_ > 0; }

  // After fd() became readable: the signal to send now (SIGTERM, then SIGKILL), or 0.
  int on_expiry() {
    uint64_t n;
    if (::read(fd_.get(), &n, sizeof n) != sizeof n) return 0;
    if (++stage_ == 1) {
      (void)arm(kill_after_ms_);
      return SIGTERM;
    }
    return SIGKILL;
  }

 private:
  Result<void> arm(uint64_t ms) {
    itimerspec t{};
    t.it_value.tv_sec = static_cast<time_t>(ms / 1000);
    t.it_value.tv_nsec = static_cast<long>(ms % 1000) * 1000000;
    if (::timerfd_settime(fd_.get(), 0, &t, nullptr) < 0) return fail_errno("timerfd_settime");
    return {};
  }

  unique_fd fd_;
  int stage_ = 0;
  uint64_t kill_after_ms_ = 0;
};

}  // namespace sb::launch
