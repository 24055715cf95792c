#include "net/publish.h"

#include <cctype>
#include <cerrno>

#include "sys/numbers.h"

namespace sb::net {

namespace {

Result<uint16_t> port_of(std::string_view text, std::string_view what, std::string_view spec) {
  auto n = sys::parse_decimal(text, 65535);
  if (!n || *n == 0)
    return fail("--publish " + std::string(spec) + ": " + std::string(what) + " '" + std::string(text) +
                    "' is not a port (1 to 65535)", EINVAL);
  return static_cast<uint16_t>(*n);
}

bool plausible_address(std::string_view a) {
  if (a.empty()) return false;
  for (char c : a)
    if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':')) return false;
  return true;
}

}  // namespace

Result<Publish> parse_publish(std::string_view text) {
  Publish p;
  p.text = std::string(text);
  std::string_view rest = text;
  if (auto slash = rest.rfind('/'); slash != std::string_view::npos) {
    std::string_view proto = rest.substr(slash + 1);
    if (proto == "udp") p.udp = true;
    else if (proto != "tcp")
      return fail("--publish " + p.text + ": '" + std::string(proto) + "' is not tcp or udp", EINVAL);
    rest = rest.substr(0, slash);
  }
  if (rest.starts_with("[")) {  // [IPv6]:HOSTPORT:PORT
    size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return fail("--publish " + p.text + ": expected [ADDR]:HOSTPORT:PORT", EINVAL);
    p.address = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 2);
    if (!plausible_address(p.address))
      return fail("--publish " + p.text + ": '" + p.address + "' is not an address", EINVAL);
  }
  size_t last = rest.rfind(':');
  if (last == std::string_view::npos)
    return fail("--publish " + p.text + ": expected [ADDR:]HOSTPORT:PORT[/tcp|/udp]", EINVAL);
  std::string_view host = rest.substr(0, last), inside = rest.substr(last + 1);
  if (p.address.empty()) {
    if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
      p.address = std::string(host.substr(0, colon));
      host = host.substr(colon + 1);
      if (p.address.find(':') != std::string::npos || !plausible_address(p.address))
        return fail("--publish " + p.text + ": '" + p.address +
                        "' is not an address (write an IPv6 one in brackets)", EINVAL);
    }
  } else if (host.find(':') != std::string_view::npos) {
    return fail("--publish " + p.text + ": expected [ADDR]:HOSTPORT:PORT", EINVAL);
  }
  TRY_ASSIGN(p.host_port, port_of(host, "host port", p.text));
  TRY_ASSIGN(p.port, port_of(inside, "port", p.text));
  return p;
}

}  // namespace sb::net
