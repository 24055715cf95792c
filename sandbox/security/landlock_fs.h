// Landlock's filesystem rules, derived from the mount steps of the plan: read and execute
// beneath every mount, write only beneath the writable ones, devices only beneath --dev and
// --dev-bind. Rights in Landlock follow the path down across mounts and only add up, so a
// right granted on a directory reaches everything beneath it; the rules are placed with that
// in mind (see apply below).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "spec.h"
#include "sys/error.h"

namespace sb::security {

// LANDLOCK_ACCESS_FS_* (linux/landlock.h), by the ABI that brought them.
inline constexpr uint64_t kFsExecute = 1u << 0, kFsWriteFile = 1u << 1, kFsReadFile = 1u << 2,
                          kFsReadDir = 1u << 3, kFsRemoveDir = 1u << 4, kFsRemoveFile = 1u << 5,
                          kFsMakeChar = 1u << 6, kFsMakeDir = 1u << 7, kFsMakeReg = 1u << 8,
                          kFsMakeSock = 1u << 9, kFsMakeFifo = 1u << 10, kFsMakeBlock = 1u << 11,
                          kFsMakeSym = 1u << 12;
inline constexpr uint64_t kFsRefer = 1u << 13;     // ABI 2
inline constexpr uint64_t kFsTruncate = 1u << 14;  // ABI 3
inline constexpr uint64_t kFsIoctlDev = 1u << 15;  // ABI 5

// What a mount of each kind allows beneath it.
inline constexpr uint64_t kFsRead = kFsExecute | kFsReadFile | kFsReadDir;
inline constexpr uint64_t kFsWrite = kFsRead | kFsWriteFile | kFsTruncate | kFsRemoveDir | kFsRemoveFile |
                                     kFsMakeChar | kFsMakeDir | kFsMakeReg | kFsMakeSock | kFsMakeFifo |
                                     kFsMakeBlock | kFsMakeSym | kFsRefer;
inline constexpr uint64_t kFsProc = kFsRead | kFsWriteFile | kFsTruncate;  // a procfs: its files' own modes decide
inline constexpr uint64_t kFsDevices = kFsWrite | kFsIoctlDev;
// The rights a rule on a file other than a directory may hold.
inline constexpr uint64_t kFsFileRights = kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate | kFsIoctlDev;

// Every filesystem right the kernel's ABI knows (0 without Landlock).
uint64_t fs_rights_of_abi(int abi);

// One mount step as the layer sees it.
struct FsStep {
  enum class Kind : unsigned char {
    mount,    // a mount on path: what was beneath it is hidden
    made,     // --dir or --file on the new root's own tmpfs: writable, as the root was
    remount,  // --remount-ro: read-only from here on
  } kind = Kind::mount;
  std::string path;   // inside, normalized: "/a/b"
  uint64_t access = 0;
  size_t op = 0;      // index into Spec::mounts
  Origin origin;
  bool operator==(const FsStep&) const = default;
};

// From the mount steps, in order; `outside` marks steps the plan leaves out.
std::vector<FsStep> plan_fs_steps(const Spec& spec, const std::vector<bool>& outside);

// What each path the steps name allows beneath it once all steps are done (the new root "/"
// always among them), with where it came from. `skipped`: steps that did nothing at run time
// (a -try bind whose source is missing).
struct FsGrant {
  uint64_t access = 0;
  Origin origin;
  bool operator==(const FsGrant&) const = default;
};
std::map<std::string, FsGrant> fs_grants(const std::vector<FsStep>& steps, const std::vector<bool>& skipped = {});

// --dry-run's words for a set of rights: "read", "read, write", ...
std::string fs_rights_text(uint64_t access);

// Adds the rules to the ruleset, in the process's final root. `no_create` are directories (by
// path, symlinks resolved) whose own entries must stay as they are: the deepest existing
// directory of each --deny path that does not exist. Such a directory, and every directory
// above it up to where the rights were granted, keep only the right to be listed; their
// existing entries are granted what they had one by one, so everything else stays usable.
Result<void> add_fs_rules(int ruleset, uint64_t handled, const std::map<std::string, FsGrant>& grants,
                          const std::vector<std::string>& no_create);

// The deepest directory that exists on the way to `path` (a path inside, after the pivot),
// following symlinks on the way, even one whose target is missing; where a non-directory
// stands on the way, the directory that holds it. Empty when path exists.
std::string deepest_existing_dir(const std::string& path);

}  // namespace sb::security
