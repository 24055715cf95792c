// --publish: a port of the host that reaches one inside (net/pasta.h).
#pragma once

#include <string_view>

#include "spec.h"
#include "sys/error.h"

namespace sb::net {

// [ADDR:]HOSTPORT:PORT[/tcp|/udp]; ADDR may be an IPv6 address in brackets.
Result<Publish> parse_publish(std::string_view text);

}  // namespace sb::net
