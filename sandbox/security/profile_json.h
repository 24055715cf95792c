// JSON syscall profiles in the OCI runtime-spec / Docker format (`defaultAction`,
// `defaultErrnoRet`, `architectures` or Docker's `archMap`, `syscalls[]` with `names`,
// `action`, `errnoRet`, `args`, and Docker's `includes`/`excludes` by arch, caps, minKernel).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "security/policy.h"
#include "sys/error.h"

namespace sb::security {

// What a profile's conditional rules are decided against.
struct ProfileHost {
  uint64_t caps = 0;           // COMMAND's capabilities (bit N = capability N)
  std::string kernel_release;  // uname -r, for `minKernel`
};

// Reads `text`, the contents of `file`. Errors name the file and the entry
// ("x.json: syscalls[3]: unknown action 'SCMP_ACT_FOO'"). Unknown keys are ignored, as runc does.
Result<SyscallPolicy> read_json_profile(std::string_view text, const std::string& file, const ProfileHost& host);

// Opens and reads the file as the caller (--seccomp-profile PATH), at most 16 MiB.
Result<SyscallPolicy> load_json_profile(const std::string& file, const ProfileHost& host);

}  // namespace sb::security
