// Builds the new root from Spec::mounts and switches to it.
#pragma once

#include "plan/plan.h"
#include "security/landlock.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::mount {

// Runs in the child, inside its new user and mount namespaces: opens every bind source as the
// caller sees it, mounts an empty tmpfs as the new root, applies the operations in order, then
// covers the --deny paths, pivots into it and detaches the old root. Returns what the Landlock
// rules need of it.
Result<security::AssembledRoot> child_assemble_root(const Spec& spec, const Plan& plan);

// For --dry-run, as the caller: the sources the run would open (binds, overlay layers) are
// there and the new root is a directory, failing with the line the run would print.
Result<void> check_sources(const Spec& spec);

// For --dry-run, as the caller: whether `path` would be a directory inside, judged from the
// operation that mounts last on or above it (a bind: its source's subdirectory) and from the
// parents made for destinations.
bool directory_inside(const Spec& spec, const std::string& path);

}  // namespace sb::mount
