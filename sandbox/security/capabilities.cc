#include "security/capabilities.h"

#include <cap-ng.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace sb::security {

std::optional<int> capability_number(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (n.starts_with("cap_")) n.erase(0, 4);
  int cap = n.empty() ? -1 : capng_name_to_capability(n.c_str());
  if (cap < 0 || cap > 63) return std::nullopt;
  return cap;
}

}  // namespace sb::security
