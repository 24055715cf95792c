#include "sys/numbers.h"

#include <climits>
#include <string>

namespace sb::sys {

namespace {

std::optional<uint64_t> parse_base(std::string_view s, unsigned base, uint64_t max) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    unsigned digit = static_cast<unsigned>(c - '0');
    if (c < '0' || digit >= base) return std::nullopt;
    if (v > (max - digit) / base) return std::nullopt;  // would exceed max
    v = v * base + digit;
  }
  return v;
}

}  // namespace

std::optional<uint64_t> parse_decimal(std::string_view s, uint64_t max) {
  return parse_base(s, 10, max);
}

std::optional<uint64_t> parse_octal(std::string_view s, uint64_t max) {
  return parse_base(s, 8, max);
}

std::optional<uint64_t> parse_c_number(std::string_view s, uint64_t max) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t v = 0;
    for (char c : s.substr(2)) {
      unsigned digit;
      if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
      else return std::nullopt;
      if (v > (max - digit) / 16) return std::nullopt;
      v = v * 16 + digit;
    }
    return v;
  }
  if (s.size() > 1 && s[0] == '0') return parse_base(s.substr(1), 8, max);
  return parse_base(s, 10, max);
}

std::optional<int> parse_fd(std::string_view s) {
  auto v = parse_decimal(s, INT_MAX);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::string hex_bytes(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace sb::sys
