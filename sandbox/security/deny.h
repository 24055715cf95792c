// --deny PATH: a path inside the sandbox that can be neither read, listed, written nor made.
// What exists when the sandbox starts is covered by an empty read-only mount of mode 0000 in
// the sandbox's own mount namespace (mount/deny.h); a path written without wildcards that does
// not exist yet is kept from being made by Landlock (security/landlock_fs.h), since a mount
// would need a placeholder on the host to mount on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sys/error.h"

namespace sb::security {

// Limits of a pattern's expansion; each is a setup failure naming the option when exceeded.
inline constexpr size_t kDenyMaxMatches = 1024;   // paths matched, all --deny options together
inline constexpr size_t kDenyMaxDirs = 10000;     // directories one "**" walks through
inline constexpr size_t kDenyMaxDepth = 32;       // levels one "**" goes down

// The components of an absolute pattern, "." and empty ones dropped. Refused: a relative
// path, "..", the root itself, "**" inside a component, an unclosed "[".
Result<std::vector<std::string>> split_deny_pattern(std::string_view pattern);

// "a/b/c" from {"a", "b", "c"}.
std::string joined_parts(const std::vector<std::string>& parts);

// Whether a component holds *, ? or [...].
bool has_wildcard(std::string_view component);

}  // namespace sb::security
