#include "launch/handed.h"

#include <set>

namespace sb::launch {

HandedFds hand_over(const Spec& spec) {
  // A number named twice is owned by its first slot only: closing it twice could close a
  // descriptor of ours that took the number in between. The later option then finds it
  // closed, as in bubblewrap.
  std::set<int> owned;
  auto own_int = [&](int fd) { return owned.insert(fd).second ? unique_fd(fd) : unique_fd(); };
  auto own = [&](const std::optional<int>& fd) { return fd ? own_int(*fd) : unique_fd(); };
  HandedFds h;
  h.info = own(spec.info_fd);
  h.json_status = own(spec.json_status_fd);
  h.block = own(spec.block_fd);
  h.sync = own(spec.sync_fd);
  h.userns_block = own(spec.userns_block_fd);
  h.userns = own(spec.userns_fd);
  h.userns2 = own(spec.userns2_fd);
  h.pidns = own(spec.pidns_fd);
  for (int fd : spec.args_fds) h.args.push_back(own_int(fd));
  for (int fd : spec.seccomp_fds) h.seccomp.push_back(own_int(fd));
  for (const auto& op : spec.mounts) {
    if (const auto* b = std::get_if<BindOp>(&op); b && b->src_fd) h.mounts.push_back(own_int(*b->src_fd));
    else if (const auto* d = std::get_if<DataOp>(&op)) h.mounts.push_back(own_int(d->fd));
    else h.mounts.emplace_back();
  }
  return h;
}

}  // namespace sb::launch
