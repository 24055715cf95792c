// The process model. The `sandbox` process stays outside as the monitor; it clones the child
// into the new namespaces, writes its id maps, forwards signals and reports the outcome.
#pragma once

#include "plan/plan.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

// Runs spec.command and returns its exit status (128+N when killed by signal N), or the one
// error that stopped the sandbox from starting it.
Result<int> monitor_run(const Spec& spec, const Plan& plan);

}  // namespace sb::launch
