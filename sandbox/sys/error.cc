#include "sys/error.h"

#include <cstring>

namespace sb {

std::string Error::message() const {
  if (err == 0) return context;
  const char* reason = strerrordesc_np(err);
  std::string why = reason ? reason : "errno " + std::to_string(err);
  return context.empty() ? why : context + ": " + why;
}

}  // namespace sb
