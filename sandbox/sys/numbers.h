// Strict number parsing: the whole string must be a number in range, no sign, no junk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::sys {

std::optional<uint64_t> parse_decimal(std::string_view s, uint64_t max);
std::optional<uint64_t> parse_octal(std::string_view s, uint64_t max);
// C's strtoull with base 0, as bubblewrap reads --size: decimal, 0x hexadecimal or 0 octal,
// starting with a digit; nullopt on junk or above max.
std::optional<uint64_t> parse_c_number(std::string_view s, uint64_t max);
// A descriptor number: 0 .. INT_MAX.
std::optional<int> parse_fd(std::string_view s);

// The bytes as lower-case hexadecimal, two digits each.
std::string hex_bytes(std::string_view bytes);

}  // namespace sb::sys
