// The options that share a part of the caller's session, read from its environment when the
// command line is parsed: --keep-env, --share-display, --share-sound, --home. Each turns into
// ordinary mounts and environment operations at its place, with its own name as their origin.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/options.h"

namespace sb::cli {

// The caller's environment variable, nullopt when unset (the default of ParseState::env).
std::optional<std::string> caller_environment(const std::string& name);

Result<void> keep_env(ParseState& st, std::span<const std::string> values);
Result<void> share_display(ParseState& st, std::span<const std::string> values);
Result<void> share_sound(ParseState& st, std::span<const std::string> values);
Result<void> as_user(ParseState& st, std::span<const std::string> values);
Result<void> no_as_user(ParseState& st, std::span<const std::string> values);
// --dbus-talk/-own/-see/-call NAME and --dbus-system-talk NAME: xdg-dbus-proxy's --RULE=VALUE.
Result<void> dbus_rule(ParseState& st, std::string_view option, std::string_view rule, const std::string& value, bool system);
// After the whole command line: the display's mounts and variables (after everything, so
// nothing the command line mounts later hides them), --as-user's files, the bus socket.
void finish_session(ParseState& st);
Result<void> home(ParseState& st, std::span<const std::string> values);

}  // namespace sb::cli
