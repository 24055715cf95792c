// The caller's desktop, shared on request (--share-display, --share-sound, --home): where its
// display and sound sockets are, and the Xauthority a client inside needs. Pure but for
// read_xauthority and make_home_store, which main runs as the caller before plan().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::config {

// Inside the sandbox: where --share-display puts the caller's Xauthority (outside any HOME,
// which --home may cover).
constexpr const char* kXauthorityInside = "/run/sandbox/Xauthority";

// The number of a local X11 display: ":0", ":1.0" and "unix:2" give "0", "1" and "2". A
// display over TCP ("host:0") or one that is not a display is an error saying which.
Result<std::string> x11_display_number(const std::string& display);
inline std::string x11_socket(const std::string& number) { return "/tmp/.X11-unix/X" + number; }

// The cookies an X11 client of this host would send to display `number`: entries of the
// Xauthority file `data` for that display that are local to `hostname` or wild. They come back
// as wild entries, which libXau matches under any hostname, so that they still hold inside a
// sandbox whose hostname is its own. Anything else (other displays, other hosts) is left out.
Result<std::string> filter_xauthority(std::string_view data, const std::string& number, const std::string& hostname);

// The first entry's authorization, which a client offers the server.
struct Cookie {
  std::string name, data;  // "MIT-MAGIC-COOKIE-1" and its 16 bytes
};
std::optional<Cookie> first_cookie(std::string_view entries);

// The caller's Xauthority at `path`, filtered as above ("" when it is missing).
Result<std::string> read_xauthority_entries(const std::string& path, const std::string& number);

// The caller's Xauthority at `path`, filtered as above, as a sealed memfd. A missing file
// gives an empty one: a client then offers no cookie, as it would outside.
Result<unique_fd> read_xauthority(const std::string& path, const std::string& number);

// --home NAME: the directory that keeps a persistent HOME, made (mode 0700, parents too) when
// missing; it must be a directory of the caller's. Returns the directories it made, outermost
// first, for unmake_home_store to take away again when the sandbox could not start.
Result<std::vector<std::string>> make_home_store(const std::string& path);
void unmake_home_store(const std::vector<std::string>& made);

}  // namespace sb::config
