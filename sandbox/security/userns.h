// --disable-userns and --assert-userns-disabled.
#pragma once

#include "sys/error.h"

namespace sb::security {

// Lets this user namespace have one child, makes that child and moves into it: a process
// inside can then create no user namespace at all, whatever capabilities it holds, because
// the limit is set one level up where it cannot reach. `proc` is a procfs descriptor.
Result<void> disable_user_namespaces(int proc);

// Fails unless creating a user namespace is refused here.
Result<void> assert_user_namespaces_disabled();

}  // namespace sb::security
