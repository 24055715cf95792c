// User namespace id maps: one id inside onto one outside, setgroups denied.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "sys/error.h"

namespace sb::security {

// "INSIDE OUTSIDE 1\n": the line uid_map and gid_map take for one id.
std::string id_map_line(uint32_t inside, uint32_t outside);

struct IdMaps {
  std::string uid_map, gid_map;
  // --subids: written by newuidmap and newgidmap (set-user-ID helpers that check the ranges
  // against /etc/subuid and /etc/subgid), which take the lines' numbers as arguments.
  std::string newuidmap = {}, newgidmap = {};
  // Maps of every id 1:1, written by the root of the namespace outside (OCI, a config without a
  // user namespace): groups may be set inside, as they may be outside.
  bool allow_setgroups = false;
  bool operator==(const IdMaps&) const = default;
};

// Writes uid_map, then "deny" to setgroups (so the caller's supplementary groups can never be
// dropped to get around a negative permission) unless `allow_setgroups`, then gid_map, under `dir` (a /proc/PID
// directory). The error's context is the name of the file that failed.
Result<void> write_id_maps(int dir, const IdMaps& maps);

// --subids: runs the helpers for `pid`; a failure names the helper and says what it printed.
Result<void> write_id_maps_with_helpers(pid_t pid, const IdMaps& maps);

}  // namespace sb::security
