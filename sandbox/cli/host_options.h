// The options that share a part of the caller's session, read from its environment when the
// command line is parsed: --keep-env, --share-display, --share-sound, --home. Each turns into
// ordinary mounts and environment operations at its place, with its own name as their origin.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "cli/options.h"

namespace sb::cli {

// The caller's environment variable, nullopt when unset (the default of ParseState::env).
std::optional<std::string> caller_environment(const std::string& name);

Result<void> keep_env(ParseState& st, std::span<const std::string> values);
Result<void> share_display(ParseState& st, std::span<const std::string> values);
Result<void> share_sound(ParseState& st, std::span<const std::string> values);
Result<void> home(ParseState& st, std::span<const std::string> values);

}  // namespace sb::cli
