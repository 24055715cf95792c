#include "config/display.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>

#include "sys/io.h"
#include "sys/paths.h"

namespace sb::config {

namespace {

constexpr unsigned kFamilyLocal = 256;    // an X11 client on this host, by hostname
constexpr unsigned kFamilyWild = 65535;   // any host
constexpr size_t kMaxXauthorityBytes = size_t{1} << 20;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// One field of an Xauthority entry: a 16-bit big-endian length and that many bytes.
bool take(std::string_view data, size_t& at, std::string_view& out) {
  if (data.size() - at < 2) return false;
  size_t n = (static_cast<unsigned char>(data[at]) << 8) | static_cast<unsigned char>(data[at + 1]);
  if (data.size() - at - 2 < n) return false;
  out = data.substr(at + 2, n);
  at += 2 + n;
  return true;
}

void put(std::string& out, std::string_view field) {
  out += static_cast<char>((field.size() >> 8) & 0xff);
  out += static_cast<char>(field.size() & 0xff);
  out.append(field);
}

}  // namespace

Result<std::string> x11_display_number(const std::string& display) {
  auto colon = display.rfind(':');
  if (colon == std::string::npos) return fail("--share-display: DISPLAY=" + display + " is not an X11 display", EINVAL);
  std::string host = display.substr(0, colon), rest = display.substr(colon + 1);
  if (auto dot = rest.find('.'); dot != std::string::npos) {
    if (!all_digits(rest.substr(dot + 1))) return fail("--share-display: DISPLAY=" + display + " is not an X11 display", EINVAL);
    rest.resize(dot);
  }
  if (!all_digits(rest) || rest.size() > 9) return fail("--share-display: DISPLAY=" + display + " is not an X11 display", EINVAL);
  if (!host.empty() && host != "unix")
    return fail("--share-display: DISPLAY=" + display +
                    " is a display over the network, which has no socket to share: use --share-net instead",
                EINVAL);
  return rest;
}

Result<std::string> filter_xauthority(std::string_view data, const std::string& number, const std::string& hostname) {
  std::string out;
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 2) return fail("Xauthority: an entry cut short", EINVAL);
    unsigned family = (static_cast<unsigned char>(data[at]) << 8) | static_cast<unsigned char>(data[at + 1]);
    at += 2;
    std::string_view address, display, name, cookie;
    if (!take(data, at, address) || !take(data, at, display) || !take(data, at, name) || !take(data, at, cookie))
      return fail("Xauthority: an entry cut short", EINVAL);
    // libXau takes an entry without a number for every display.
    bool this_display = display.empty() || display == number;
    bool this_host = family == kFamilyWild || (family == kFamilyLocal && address == hostname);
    if (!this_display || !this_host) continue;
    out += static_cast<char>(kFamilyWild >> 8);
    out += static_cast<char>(kFamilyWild & 0xff);
    put(out, address);
    put(out, display);
    put(out, name);
    put(out, cookie);
  }
  return out;
}

std::optional<Cookie> first_cookie(std::string_view data) {
  size_t at = 2;
  std::string_view address, display, name, cookie;
  if (data.size() < 2 || !take(data, at, address) || !take(data, at, display) || !take(data, at, name) || !take(data, at, cookie))
    return std::nullopt;
  return Cookie{std::string(name), std::string(cookie)};
}

Result<std::string> read_xauthority_entries(const std::string& path, const std::string& number) {
  std::string data;
  unique_fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!in && errno != ENOENT) return fail_errno("--share-display: " + path);
  if (in) {
    auto text = sys::read_to_end(in.get(), kMaxXauthorityBytes);
    if (!text) return fail("--share-display: " + path + ": larger than 1 MiB, or unreadable", text.error().err);
    data = std::move(*text);
  }
  struct utsname u {};
  ::uname(&u);
  auto kept = filter_xauthority(data, number, u.nodename);
  if (!kept) return std::unexpected(std::move(kept).error().wrap("--share-display: " + path));
  return kept;
}

Result<unique_fd> read_xauthority(const std::string& path, const std::string& number) {
  TRY_ASSIGN(std::string kept, read_xauthority_entries(path, number));
  auto copy = sys::sealed_memfd("xauthority", kept);
  if (!copy) return std::unexpected(std::move(copy).error().wrap("--share-display: the Xauthority copy"));
  return copy;
}

Result<std::vector<std::string>> make_home_store(const std::string& path) {
  std::vector<std::string> made;
  std::string so_far;
  for (std::string_view c : sys::path_components(path)) {
    so_far += "/";
    so_far.append(c);
    if (::mkdir(so_far.c_str(), 0700) == 0) made.push_back(so_far);
    else if (errno != EEXIST) {
      auto error = fail_errno("--home: can't make " + so_far);
      unmake_home_store(made);
      return std::unexpected(std::move(error).error());
    }
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) < 0) return fail_errno("--home: " + path);
  if (!S_ISDIR(st.st_mode)) return fail("--home: " + path + " is not a directory", ENOTDIR);
  if (st.st_uid != ::getuid()) return fail("--home: " + path + " is not the caller's", EPERM);
  return made;
}

void unmake_home_store(const std::vector<std::string>& made) {
  // The store itself may hold the mount points made in it before the failure; nothing ran.
  // (nftw rather than std::filesystem, which would add a quarter of a megabyte to the binary.)
  if (!made.empty())
    ::nftw(made.back().c_str(), [](const char* path, const struct stat*, int, FTW*) {
      ::remove(path);
      return 0;
    }, 16, FTW_DEPTH | FTW_PHYS);
  for (auto it = made.rbegin(); it != made.rend(); ++it) ::rmdir(it->c_str());
}

}  // namespace sb::config
