// --share-display on X11: a client that cannot read or drive other clients. The X server's
// SECURITY extension makes an "untrusted" authorization on request (xauth generate, as
// ssh -X asks for one); a client that connects with it gets no XTEST, no access to windows,
// images, properties or input of trusted clients, and no grabs. The monitor asks for one per
// sandbox and holds a connection with it while the sandbox runs, so that the server revokes it
// (a few seconds after its last client leaves) once the sandbox has ended.
#pragma once

#include <string>
#include <string_view>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::desktop {

struct X11Grant {
  unique_fd xauthority;  // a sealed Xauthority holding the untrusted cookie, for inside
  unique_fd held;        // the monitor's connection with it, held while the sandbox runs
};

// For display `number` (":N"), whose socket is /tmp/.X11-unix/XN; the caller's cookies are in
// `xauthority` (their file). Refuses, with a hint, a server that lets local clients in without
// a cookie (a client inside would not need the untrusted one), one without the SECURITY
// extension, and a machine without xauth.
Result<X11Grant> grant_untrusted(const std::string& number, const std::string& xauthority);

// The X11 connection set-up on `socket_path`, offering (auth_name, auth_data): the connection
// when the server accepts it, else an error with the server's reason.
Result<unique_fd> x11_connect(const std::string& socket_path, std::string_view auth_name, std::string_view auth_data);

}  // namespace sb::desktop
