#include "security/privileges.h"

#include <cap-ng.h>
#include <sys/prctl.h>

#include <string>

namespace sb::security {

namespace {

// The highest capability this kernel knows: the bounding set answers EINVAL past it.
unsigned last_cap() {
  unsigned cap = 0;
  while (cap < 63 && ::prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) ++cap;
  return cap;
}

}  // namespace

Result<void> drop_capabilities(uint64_t keep) {
  capng_clear(CAPNG_SELECT_ALL);
  const unsigned last = last_cap();  // ALL means every capability the running kernel has
  for (unsigned cap = 0; cap <= last; ++cap) {
    if (!(keep & (uint64_t{1} << cap))) continue;
    auto sets = static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
                                          CAPNG_BOUNDING_SET | CAPNG_AMBIENT);
    if (capng_update(CAPNG_ADD, sets, cap) != 0)
      return fail("--cap-add: can't keep capability " + std::to_string(cap), EINVAL);
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
