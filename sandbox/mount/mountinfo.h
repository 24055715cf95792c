// /proc/self/mountinfo, as plain data: what the legacy mount path needs to find the submounts of
// a bind, since mount(2) cannot change the flags of a whole tree at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sys/error.h"

namespace sb::mount {

struct MountEntry {
  int id = 0;
  int parent = 0;
  std::string mount_point;  // unescaped, relative to the reader's root
};

// Parses mountinfo text; lines that do not parse are an error naming the line.
Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text);

// "\040" -> " " and the other octal escapes the kernel writes in mount points.
std::string unescape_mount_point(std::string_view s);

// The mounts below `id`, children before grandchildren, `id` itself excluded.
std::vector<const MountEntry*> descendants(const std::vector<MountEntry>& mounts, int id);

// Whether a mount point lies strictly beneath `dir` ("/a" holds "/a/b", not "/ab" nor "/a").
bool beneath(std::string_view dir, std::string_view mount_point);

}  // namespace sb::mount
