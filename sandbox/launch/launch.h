// The process model. The `sandbox` process stays outside as the monitor; it clones the child
// into the new namespaces, writes its id maps, forwards signals and reports the outcome.
#pragma once

#include "launch/handed.h"
#include "plan/plan.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

// Runs spec.command and returns its exit status (128+N when killed by signal N), or the one
// error that stopped the sandbox from starting it.
// `handed`: the descriptors the options name, closed by whichever process uses each last.
Result<int> monitor_run(const Spec& spec, const Plan& plan, HandedFds& handed);

}  // namespace sb::launch
