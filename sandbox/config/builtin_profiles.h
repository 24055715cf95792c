// The shipped profiles (profiles/*.profile), compiled into the binary at build time, so that
// `--profile build` works from a build tree or a copied binary. A file of the same name in
// the search path overrides one (config/profile.h).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace sb::config {

struct BuiltinProfile {
  const char* name;   // "build"
  const char* text;
  size_t size;
  std::string_view contents() const { return {text, size}; }
};

// In order of name.
std::span<const BuiltinProfile> builtin_profiles();

// Where a built-in profile's words say they come from: "<built-in>/build.profile".
constexpr std::string_view kBuiltinPrefix = "<built-in>/";

}  // namespace sb::config
