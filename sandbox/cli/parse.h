// argv -> Spec. Pure: no system calls, so every path is unit-testable.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/host_options.h"
#include "config/profile.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::cli {

struct Parsed {
  Spec spec;
  std::vector<std::string> warnings;  // printed by main, one line each
};

// The personality follows the basename of argv[0]: "bwrap" is the drop-in.
Personality personality_for(std::string_view argv0);

// Reads everything from a descriptor, for --args. Injected so the parser stays pure.
using FdReader = std::function<Result<std::string>(int fd)>;
Result<std::string> read_whole_fd(int fd);

constexpr size_t kMaxArgs = 9000;  // from all --args streams together; bwrap: all in all

// The bubblewrap release whose behaviour the drop-in matches; `bwrap --version` names it.
constexpr const char* kBwrapVersion = "0.11.1";

// Reads a profile's words, for --profile (config/profile.h). Injected so the parser stays pure.
using ProfileReader = std::function<Result<std::vector<config::Word>>(const std::string& name)>;
// The usual search path, from the caller's variables.
std::vector<std::string> host_profile_dirs();
// The one the binary uses: the caller's variables, the usual search path.
Result<std::vector<config::Word>> read_host_profile(const std::string& name);

// args excludes argv[0]. `env` is the caller's environment, which --keep-env, --share-display,
// --share-sound and --home read (cli/host_options.h).
Result<Parsed> parse(std::span<const std::string> args, std::string_view argv0,
                     const FdReader& read_fd = read_whole_fd, const ProfileReader& read_profile = read_host_profile,
                     const config::Variables& env = caller_environment);

// Checks that need the whole Spec (contradictions, ranges), still without touching the system.
Result<void> validate(const Spec& spec);

// --help: the usage line; natively the uses as examples and the `profiles` at hand (names);
// the option groups; natively a pointer to the man page.
std::string help_text(std::string_view argv0, Personality p, const std::vector<std::string>& profiles = {});

// The option of personality p nearest to `unknown` by edit distance, if it is near enough to
// be a slip of the fingers ("--bnid": "--bind"); "" otherwise.
std::string nearest_option(std::string_view unknown, Personality p);

}  // namespace sb::cli
