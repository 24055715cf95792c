// Why an exec said "No such file or directory" about a file that is there: the interpreter it
// names (an ELF program's PT_INTERP, a script's #!) is missing. For the hint line.
#pragma once

#include <optional>
#include <string>

namespace sb::launch {

// The file execvp would have run for `command`: the command itself when it holds a slash,
// else the first regular file of that name along `path` (PATH; unset: "/bin:/usr/bin").
std::optional<std::string> find_in_path(const std::string& command, const char* path);

// The interpreter `file` names: PT_INTERP of an ELF file, or the program of a "#!" line.
std::optional<std::string> interpreter_of(const std::string& file);

// "FILE is there, but its ELF interpreter INTERP is not: ..." when that is why the exec of
// `command` failed with ENOENT; what to give a root without /usr when the command is not
// there at all; empty otherwise.
std::string missing_interpreter_hint(const std::string& command, const char* path);

}  // namespace sb::launch
