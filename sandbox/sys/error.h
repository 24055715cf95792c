// Errors as values: every fallible step returns Result<T>; context is added on the way up.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace sb {

// How a failure maps onto the exit code the caller sees.
enum class Failure : unsigned char {
  setup,           // 125 (native) / 1 (bwrap)
  not_executable,  // 126
  not_found,       // 127
  usage,           // no COMMAND under bwrap: the usage text on stderr, as bubblewrap; 1
};

struct Error {
  int err = 0;          // errno value, 0 when the failure has no system reason
  std::string context;  // "what failed: path or option"
  Failure kind = Failure::setup;
  std::string hint = {};  // what to do about it, printed as a second line where wanted
  // Which item of the user's intent the failure is about ("--ro-bind #3", later FILE:LINE),
  // shown after the reason so that the sentence scripts match stays the start of the line.
  std::string origin = {};

  // Prepends outer context: Error{ENOENT, "open x"}.wrap("reading spec") -> "reading spec: open x".
  Error wrap(std::string_view outer) && {
    context = std::string(outer) + (context.empty() ? "" : ": ") + context;
    return std::move(*this);
  }

  // The one line printed after the prefix: "context: strerror(err) (from ORIGIN)".
  std::string message() const;
};

// The exit status a failure gives: 125/126/127 natively, 1 for the bwrap drop-in.
inline int exit_code_for(Failure kind, bool bwrap) {
  if (bwrap) return 1;
  switch (kind) {
    case Failure::not_executable: return 126;
    case Failure::not_found: return 127;
    case Failure::setup:
    case Failure::usage: break;
  }
  return 125;
}

template <typename T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string context, int err = 0,
                                   Failure kind = Failure::setup) {
  return std::unexpected(Error{err, std::move(context), kind});
}

// A failed system call: captures errno at the point of the call.
inline std::unexpected<Error> fail_errno(std::string context) {
  return fail(std::move(context), errno);
}

}  // namespace sb

#define SB_CAT2(a, b) a##b
#define SB_CAT(a, b) SB_CAT2(a, b)

// Propagate the error of a Result<void>-like expression.
#define TRY(expr)                                        \
  do {                                                   \
    if (auto try_r_ = (expr); !try_r_)                   \
      return std::unexpected(std::move(try_r_).error()); \
  } while (0)

// `TRY_ASSIGN(auto fd, open_something());` declares fd from the value or propagates the error.
#define TRY_ASSIGN(decl, expr) TRY_ASSIGN_IMPL(SB_CAT(try_v_, __LINE__), decl, expr)
#define TRY_ASSIGN_IMPL(tmp, decl, expr)                            \
  auto tmp = (expr);                                                \
  if (!tmp) return std::unexpected(std::move(tmp).error());         \
  decl = std::move(*tmp)
