// The components of a path, as text: "/a//b/./c/" -> {"a", "b", ".", "c"}. Empty components
// are dropped; "." and ".." are kept for the caller to give their meaning.
#pragma once

#include <string_view>
#include <vector>

namespace sb::sys {

inline std::vector<std::string_view> path_components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace sb::sys
