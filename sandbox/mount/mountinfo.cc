#include "mount/mountinfo.h"

#include <charconv>
#include <unordered_map>
#include <unordered_set>

namespace sb::mount {

namespace {

bool to_int(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The n-th space-separated field (from 0); empty when the line is shorter.
std::string_view field(std::string_view line, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    start = line.find(' ', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  size_t end = line.find(' ', start);
  return line.substr(start, end == std::string_view::npos ? line.size() - start : end - start);
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::string unescape_mount_point(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
        is_octal(s[i + 3])) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

Result<std::vector<MountEntry>> parse_mountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty()) continue;
    MountEntry e;
    std::string_view point = field(line, 4);
    if (!to_int(field(line, 0), e.id) || !to_int(field(line, 1), e.parent) || point.empty())
      return fail("mountinfo: can't parse '" + std::string(line) + "'", EINVAL);
    e.mount_point = unescape_mount_point(point);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<const MountEntry*> descendants(const std::vector<MountEntry>& mounts, int id) {
  std::unordered_map<int, std::vector<const MountEntry*>> children;
  for (const auto& m : mounts)
    if (m.parent != m.id) children[m.parent].push_back(&m);  // a root may be its own parent
  std::vector<const MountEntry*> out;
  std::vector<int> queue{id};
  std::unordered_set<int> seen{id};
  for (size_t i = 0; i < queue.size(); ++i) {
    auto it = children.find(queue[i]);
    if (it == children.end()) continue;
    for (const auto* c : it->second) {
      if (!seen.insert(c->id).second) continue;
      out.push_back(c);
      queue.push_back(c->id);
    }
  }
  return out;
}

bool beneath(std::string_view dir, std::string_view mount_point) {
  if (dir == "/") return mount_point.size() > 1 && mount_point.starts_with('/');
  return mount_point.size() > dir.size() + 1 && mount_point.starts_with(dir) &&
         mount_point[dir.size()] == '/';
}

}  // namespace sb::mount
