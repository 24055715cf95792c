// --network pasta: the sandbox's own network namespace given outbound TCP, UDP, ICMP and DNS
// by pasta (Debian's passt), run by the monitor as the caller, no privilege needed.
//
// pasta joins the child's user and network namespaces by its pid, makes a tap interface there
// from /dev/net/tun, copies the host's addresses and routes onto it (--config-net) and relays
// the traffic through sockets of the caller's. It runs in the foreground, a child of the
// monitor, and writes its pid into a pipe once the interface is up and routed: the child is
// told "go" only then, so COMMAND never starts before its network. Connections to the gateway
// address reach the host's loopback (pasta's gateway mapping); nothing the host's loopback
// listens on is forwarded otherwise (-T none -U none).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sys/process.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::net {

// pasta's command line for the namespaces of process `pid`, run as uid:gid; it writes its pid
// to descriptor `ready_fd` once they are configured.
std::vector<std::string> pasta_argv(const Spec& spec, pid_t pid, int ready_fd, uid_t uid, gid_t gid);

// The monitor's pasta: started, and the namespace configured, when this returns.
Result<sys::Process> monitor_start_pasta(const Spec& spec, pid_t pid);

// --netns PATH, in the monitor before the clone: joins the network namespace at PATH, and
// first the user namespace that owns it when that is not this process's (another sandbox's
// namespace is owned by that sandbox's user namespace, and only a member with CAP_SYS_ADMIN
// there may join it); the sandbox's own user namespace is then made inside that one. Returns
// whether it joined an owner.
Result<bool> monitor_join_netns(const std::string& path);

}  // namespace sb::net
