#include "launch/handed.h"

namespace sb::launch {

HandedFds hand_over(const Handed<int>& planned) {
  auto own = [](int fd) { return fd >= 0 ? unique_fd(fd) : unique_fd(); };
  auto own_all = [&](const std::vector<int>& fds) {
    std::vector<unique_fd> out;
    for (int fd : fds) out.push_back(own(fd));
    return out;
  };
  HandedFds h;
  h.info = own(planned.info);
  h.json_status = own(planned.json_status);
  h.block = own(planned.block);
  h.sync = own(planned.sync);
  h.userns_block = own(planned.userns_block);
  h.userns = own(planned.userns);
  h.userns2 = own(planned.userns2);
  h.pidns = own(planned.pidns);
  h.args = own_all(planned.args);
  h.seccomp = own_all(planned.seccomp);
  h.mounts = own_all(planned.mounts);
  return h;
}

}  // namespace sb::launch
