// --disable-userns and --assert-userns-disabled.
#pragma once

#include <functional>
#include <string>

#include "sys/error.h"

namespace sb::security {

// Lets this user namespace have one child, makes that child and moves into it: a process
// inside can then create no user namespace at all, whatever capabilities it holds, because
// the limit is set one level up where it cannot reach. `proc` is a procfs descriptor.
Result<void> disable_user_namespaces(int proc);

// Fails unless creating a user namespace is refused here.
Result<void> assert_user_namespaces_disabled();

// Reads a file under /proc/sys ("" when it is missing): the seam the tests fake.
using SysctlReader = std::function<std::string(const std::string& path)>;
std::string read_sysctl(const std::string& path);

// What to do when the kernel refused the sandbox's user namespace with `err`: the setting in
// the way, by the sysctls that govern it (user.max_user_namespaces,
// kernel.unprivileged_userns_clone on Debian's and Ubuntu's kernels, and
// kernel.apparmor_restrict_unprivileged_userns on Ubuntu's, under which the namespace is made
// but holds no capability, so the first privileged step fails instead). `at_clone`: the
// clone failed; otherwise a later step failed with EPERM or EACCES and only AppArmor's
// restriction explains it. "" when no setting is in the way.
std::string userns_refusal_hint(int err, bool at_clone, const SysctlReader& read = read_sysctl);

}  // namespace sb::security
