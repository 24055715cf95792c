#include "sys/error.h"

#include <cstring>

namespace sb {

std::string Error::message() const {
  std::string line = context;
  if (err != 0) {
    const char* reason = strerrordesc_np(err);
    std::string why = reason ? reason : "errno " + std::to_string(err);
    line = context.empty() ? why : context + ": " + why;
  }
  if (!origin.empty()) line += " (from " + origin + ")";
  return line;
}

}  // namespace sb
