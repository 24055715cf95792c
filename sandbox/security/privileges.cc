#include "security/privileges.h"

#include <cap-ng.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <string>

namespace sb::security {

namespace {

// Empties the bounding set but for `keep`; returns the last capability the kernel knows. The
// kernel answers EINVAL past that one, which ends the walk without a separate count. (libcap-ng
// would make the same drops, but reads /proc/self/status before and after them.)
Result<unsigned> drop_bounding_set(uint64_t keep) {
  unsigned cap = 0;
  for (; cap < 64; ++cap) {
    int r = (keep & (uint64_t{1} << cap)) ? ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0)
                                          : ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (r < 0 && errno == EINVAL) break;
    if (r < 0) return fail_errno("Can't drop capability " + std::to_string(cap) + " from the bounding set");
  }
  if (cap == 0) return fail("Can't read the bounding set", EINVAL);
  return cap - 1;
}

}  // namespace

Result<void> drop_capabilities(uint64_t keep) {
  // Needs CAP_SETPCAP, which the capability sets below may give up.
  TRY_ASSIGN(const unsigned last, drop_bounding_set(keep));
  // libcap-ng keeps the pid it acts on from its first use, which may have been in the
  // process this one was forked from.
  capng_setpid(::getpid());
  capng_clear(CAPNG_SELECT_ALL);
  for (unsigned cap = 0; cap <= last; ++cap) {
    if (!(keep & (uint64_t{1} << cap))) continue;
    auto sets = static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
                                          CAPNG_AMBIENT);
    if (capng_update(CAPNG_ADD, sets, cap) != 0)
      return fail("--cap-add: can't keep capability " + std::to_string(cap), EINVAL);
  }
  // Effective, permitted and inheritable in one capset, then the ambient set (raised after
  // inheritable, as the kernel requires).
  if (capng_apply(static_cast<capng_select_t>(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT)) != 0)
    return fail("Can't drop capabilities", EPERM);
  return {};
}

Result<void> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail_errno("Can't set no_new_privs");
  return {};
}

}  // namespace sb::security
