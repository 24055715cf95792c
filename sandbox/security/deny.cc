#include "security/deny.h"

#include "sys/paths.h"

namespace sb::security {

std::string joined_parts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool has_wildcard(std::string_view component) { return component.find_first_of("*?[") != std::string_view::npos; }

namespace {

// A "[" that starts a set must be closed: "[!]a]" and "[]]" hold a "]" as their first member.
bool brackets_closed(std::string_view c) {
  for (size_t i = 0; i < c.size(); ++i) {
    if (c[i] == '\\') {
      ++i;
      continue;
    }
    if (c[i] != '[') continue;
    size_t j = i + 1;
    if (j < c.size() && (c[j] == '!' || c[j] == '^')) ++j;
    if (j < c.size() && c[j] == ']') ++j;
    while (j < c.size() && c[j] != ']') ++j;
    if (j >= c.size()) return false;
    i = j;
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> split_deny_pattern(std::string_view pattern) {
  std::string what = "--deny " + std::string(pattern);
  if (!pattern.starts_with('/')) return fail(what + ": takes a path inside the sandbox, starting with /", EINVAL);
  std::vector<std::string> parts;
  for (std::string_view c : sys::path_components(pattern)) {
    if (c == ".") continue;
    if (c == "..") return fail(what + ": '..' is not allowed in it", EINVAL);
    if (c != "**" && c.find("**") != std::string_view::npos)
      return fail(what + ": '**' must be a whole component, as in /a/**/b", EINVAL);
    if (!brackets_closed(c)) return fail(what + ": a '[' is not closed", EINVAL);
    parts.emplace_back(c);
  }
  if (parts.empty()) return fail(what + ": the whole root cannot be denied", EINVAL);
  return parts;
}

}  // namespace sb::security
