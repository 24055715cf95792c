// The `default` syscall profile, compiled by libseccomp when the tool is built
// (gen_default_profile.cc), so a run loads it without compiling anything.
#pragma once

#include <cstddef>

namespace sb::security {

extern const unsigned char kDefaultProfileBpf[];
extern const size_t kDefaultProfileBpfSize;

}  // namespace sb::security
