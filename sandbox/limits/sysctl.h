// Kernel settings of the sandbox's own namespaces (OCI's linux.sysctl): only those the kernel
// keeps per namespace, and only where the sandbox has that namespace of its own (or joins
// one): IPC (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*), UTS (kernel.hostname,
// kernel.domainname) and network (net.*). A /proc/sys entry is looked up in the namespaces of
// whoever opens it, so each is written by a process in them, through a /proc/sys opened
// before the new root hid the caller's.
#pragma once

#include <string>
#include <vector>

#include "spec.h"
#include "sys/error.h"

namespace sb::limits {

enum class SysctlNamespace : unsigned char { ipc, uts, net, none };

// Which namespace NAME belongs to; none: a setting of the whole machine.
SysctlNamespace sysctl_namespace(const std::string& name);

// Writes those of `all` that belong to `which` through `procsys`, a descriptor of /proc/sys.
// Errors name the setting.
Result<void> write_sysctls(int procsys, const std::vector<Sysctl>& all, SysctlNamespace which);

}  // namespace sb::limits
