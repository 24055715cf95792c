// Capabilities by name, as the options and JSON profiles write them.
#pragma once

#include <optional>
#include <string_view>

namespace sb::security {

// A capability's name as libcap-ng knows it, in any case, with or without CAP_: its number
// (0 .. 63), or nullopt.
std::optional<int> capability_number(std::string_view name);

}  // namespace sb::security
