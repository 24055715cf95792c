#include "security/privileges.h"

#include <cap-ng.h>
#include <sys/prctl.h>

#include <string>

namespace sb::security {

Result<void> drop_capabilities(uint64_t keep) {
  const bool all = keep == ~uint64_t{0};
  capng_clear(CAPNG_SELECT_ALL);
  for (unsigned cap = 0; cap < 64; ++cap) {
    if (!(keep & (uint64_t{1} << cap))) continue;
    auto sets = static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
                                          CAPNG_BOUNDING_SET | CAPNG_AMBIENT);
    if (capng_update(CAPNG_ADD, sets, cap) != 0) {
      if (all) break;  // ALL: every capability this kernel knows
      return fail("--cap-add: capability " + std::to_string(cap) + " is not known to this kernel",
                  EINVAL);
    }
  }
  // libcap-ng orders the calls so that CAP_SETPCAP is given up last.
  if (capng_apply(CAPNG_SELECT_ALL) != 0) return fail("Can't drop capabilities", EPERM);
  return {};
}

Result<void> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail_errno("Can't set no_new_privs");
  return {};
}

}  // namespace sb::security
