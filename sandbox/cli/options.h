// The one option table. --help, the man page, the completions and the parser all follow it.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/profile.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::cli {

enum class Group : unsigned char { general, namespaces, filesystem, process, syscalls, network, limits, status };

enum : unsigned { kNative = 1u << 0, kBwrap = 1u << 1, kBoth = kNative | kBwrap };

// OptionDef::flags
enum : unsigned {
  kSingle = 1u << 0,      // given twice: warn, the last wins
  kTakesPerms = 1u << 1,  // consumes a preceding --perms
  kTakesSize = 1u << 2,   // consumes a preceding --size
  kModifier = 1u << 3,    // --perms/--size themselves: set up the next operation
  kOverlaySource = 1u << 4,  // --overlay-src: gathers sources for the next overlay
  kTakesOverlay = 1u << 5,   // --overlay, --tmp-overlay, --ro-overlay
  kArgs = 1u << 6,           // --args: handled by the parser itself
  kProfile = 1u << 7,        // --profile: handled by the parser itself
  kEqualsForm = 1u << 8,     // also written --name=WORD, the handler then given {WORD}
};

// What a handler sees while the command line is read.
struct ParseState {
  Spec& spec;
  std::vector<std::string>& warnings;
  std::optional<mode_t> pending_perms;     // --perms, for the next creating operation
  std::optional<uint64_t> pending_size;    // --size, for the next --tmpfs
  std::set<std::string_view> seen_single;  // single-valued options already given on the command line
  std::set<std::string_view> seen_in_profiles;  // ... and in profiles, which the command line overrides
  std::vector<std::string> overlay_sources;  // --overlay-src, for the next overlay
  // The caller's environment, for the options that share a part of it (cli/host_options.h).
  config::Variables env;
  std::optional<size_t> home_op;        // mounts[] index of the --home mount, which a later --home replaces
  std::optional<size_t> replaced_mount;  // set by a handler that replaced mounts[i] in place
  bool in_profile = false;  // the option being handled was written in a profile
  bool display_trusted = false;  // --share-display=trusted was given
  bool bus_from_command_line[2] = {false, false};  // session, system: a --dbus-* rule not from a profile
};

using Handler = Result<void> (*)(ParseState&, std::span<const std::string> values);

struct OptionDef {
  std::string_view name;     // "--bind"
  std::string_view metavar;  // "SRC DEST": one word per value
  int arity;
  Group group;
  unsigned personalities;  // kNative, kBwrap or kBoth
  unsigned flags;          // kSingle, kTakesPerms, ...
  std::string_view help;
  Handler handler;
};

std::span<const OptionDef> option_table();
const OptionDef* find_option(std::string_view name);
std::string_view group_title(Group g);

}  // namespace sb::cli
