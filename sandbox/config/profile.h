// Profiles (--profile NAME|PATH): a command line written down, one option and its arguments
// per line, read into words that carry where they were written (FILE:LINE).
//
// A line is split as a shell would split it: blanks separate words, '...' is literal, "..."
// keeps blanks and takes \" \\ \$ and ${VAR}, a backslash outside quotes escapes the next
// character, and # starts a comment where a word could start. ${VAR} is one of the variables
// below, and one that is not set is an error, never an empty word. `include NAME` reads another
// profile there. Which option a line holds, and whether it has its arguments, is the parser's
// to check (cli/parse.h): profiles go through the one option table.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sys/error.h"

namespace sb::config {

// A word of a profile and the FILE:LINE it was written on; `starts_line` for the first word
// of its line (an option).
struct Word {
  std::string text;
  std::string where;
  bool starts_line = false;
  bool operator==(const Word&) const = default;
};

// What a profile may expand: HOME USER UID GID PWD XDG_RUNTIME_DIR DISPLAY WAYLAND_DISPLAY,
// nullopt when unset. The seam the tests fake.
using Variables = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> host_variable(const std::string& name);

// One file's text split into words; `file` names it in errors and in each word's origin.
// `include` lines come back as words "include" NAME for read_profile to follow.
Result<std::vector<Word>> split_profile(std::string_view text, const std::string& file, const Variables& vars);

// Where a profile is: a PATH (with a slash) as given; a NAME as NAME.profile in
// $XDG_CONFIG_HOME/sandbox/profiles (else ~/.config/...), /etc/sandbox/profiles, then
// `installed`, and last the built-in one of that name ("<built-in>/NAME.profile").
std::vector<std::string> profile_search_path(const Variables& vars, const std::string& installed);
Result<std::string> find_profile(const std::string& name, const std::vector<std::string>& dirs);

// Every profile a NAME reaches, by name: {NAME, the file it is, or "built-in"}.
std::vector<std::pair<std::string, std::string>> visible_profiles(const std::vector<std::string>& dirs);

// Reads NAME|PATH, following includes (at most 8 deep; a profile that includes itself,
// directly or not, is an error naming the line).
Result<std::vector<Word>> read_profile(const std::string& name, const Variables& vars,
                                       const std::vector<std::string>& dirs);

}  // namespace sb::config
