#include "desktop/x11.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>

#include "config/display.h"
#include "sys/fdpass.h"
#include "sys/io.h"
#include "sys/spawn.h"

namespace sb::desktop {

namespace {

// How long the server keeps an untrusted authorization no client uses: long enough for the
// monitor to connect with it after xauth made it, short enough that it lapses soon after the
// sandbox (whose monitor holds a connection with it until the end) is gone.
constexpr const char* kUntrustedTimeoutSeconds = "10";
constexpr int kAnswerMs = 5000;

void put16(std::string& out, size_t v) {
  out += static_cast<char>(v & 0xff);  // little-endian, as the first byte ('l') says
  out += static_cast<char>((v >> 8) & 0xff);
}

std::string padded(std::string_view s) {
  std::string out(s);
  out.resize((s.size() + 3) / 4 * 4, '\0');
  return out;
}

Result<void> read_exactly(int fd, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, kAnswerMs);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return fail("no answer", ETIMEDOUT);
    ssize_t k = ::read(fd, buf + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return fail_errno("reading");
    if (k == 0) return fail("the server closed the connection", ECONNRESET);
    got += static_cast<size_t>(k);
  }
  return {};
}

// A private directory for xauth's file, removed with what is in it.
struct TempDir {
  std::string path;
  ~TempDir() {
    if (path.empty()) return;
    ::unlink((path + "/auth").c_str());
    ::unlink((path + "/auth-c").c_str());
    ::unlink((path + "/auth-l").c_str());
    ::rmdir(path.c_str());
  }
};

Error refused(std::string text, std::string hint) {
  Error e{0, "--share-display: " + std::move(text)};
  e.hint = std::move(hint);
  return e;
}

constexpr const char* kTrustedHint = "--share-display=trusted shares the display with full access, knowingly";

}  // namespace

Result<unique_fd> x11_connect(const std::string& socket_path, std::string_view auth_name, std::string_view auth_data) {
  unique_fd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) return fail_errno("socket");
  auto a = sys::unix_address(socket_path);
  if (!a) return fail(socket_path + ": path too long", ENAMETOOLONG);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&*a), sizeof *a) < 0) return fail_errno("connecting to " + socket_path);
  std::string setup = "l";
  setup += '\0';
  put16(setup, 11);  // protocol 11.0
  put16(setup, 0);
  put16(setup, auth_name.size());
  put16(setup, auth_data.size());
  setup += std::string(2, '\0');
  setup += padded(auth_name) + padded(auth_data);
  if (auto w = sys::write_all(s.get(), setup); !w) return fail("writing to " + socket_path, w.error().err);
  char head[8];
  TRY(read_exactly(s.get(), head, sizeof head));
  size_t extra = (static_cast<unsigned char>(head[6]) | (static_cast<unsigned char>(head[7]) << 8)) * size_t{4};
  std::string rest(extra, '\0');
  TRY(read_exactly(s.get(), rest.data(), extra));
  if (head[0] == 1) return s;
  // Failed (0) gives the reason's length in byte 1; Authenticate (2) a reason to the end.
  size_t n = head[0] == 0 ? static_cast<unsigned char>(head[1]) : rest.size();
  std::string reason = rest.substr(0, std::min(n, rest.size()));
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == '\0')) reason.pop_back();
  return fail("refused: " + (reason.empty() ? std::string("no reason given") : reason), EACCES);
}

Result<X11Grant> grant_untrusted(const std::string& number, const std::string& xauthority) {
  const std::string display = ":" + number, socket = config::x11_socket(number);
  // A connection with the caller's own cookie while xauth works: a server whose last client
  // leaves resets and forgets the authorizations it made.
  TRY_ASSIGN(std::string own, config::read_xauthority_entries(xauthority, number));
  auto cookie = config::first_cookie(own).value_or(config::Cookie{});
  auto hold = x11_connect(socket, cookie.name, cookie.data);
  // A server that is resetting (its last client just left) drops the connections it has,
  // and refuses cookies until it has read them again: a refused or dropped connection is
  // tried again, a moment apart, for up to two seconds (a busy machine makes a reset slow).
  auto resetting = [](int err) { return err == EACCES || err == ECONNRESET || err == EPIPE; };
  for (int i = 0; i < 100 && !hold && resetting(hold.error().err); ++i) {
    ::usleep(20000);
    hold = x11_connect(socket, cookie.name, cookie.data);
  }
  if (!hold) return std::unexpected(std::move(hold).error().wrap("--share-display: the X server on " + display));
  // One that lets a client in without any cookie (xhost +, or +si:localuser:YOU) would let
  // the client inside in so too, with full access, whatever cookie it is given.
  if (auto open = x11_connect(socket, "", ""); open)
    return std::unexpected(refused("the X server on " + display + " lets local clients in without a cookie (xhost), so a client "
                                   "inside could not be held to untrusted access",
                                   std::string("remove those grants (see xhost; xhost -si:localuser:$USER), or: ") + kTrustedHint));

  TempDir dir;
  const char* base = std::getenv("XDG_RUNTIME_DIR");
  std::string pattern = std::string(base && base[0] == '/' ? base : "/tmp") + "/sandbox-xauth.XXXXXX";
  if (!::mkdtemp(pattern.data())) return fail_errno("--share-display: making " + pattern);
  dir.path = pattern;
  auto xauth = sys::spawn_helper({"xauth", "-q", "-f", dir.path + "/auth", "generate", display, "MIT-MAGIC-COOKIE-1",
                                  "untrusted", "timeout", kUntrustedTimeoutSeconds});
  if (!xauth) return std::unexpected(std::move(xauth).error().wrap("--share-display"));
  int status = xauth->process.wait();
  std::string said = sys::helper_log(xauth->log.get());
  if (int err = sys::exec_errno(said); err == ENOENT)
    return std::unexpected(refused("xauth is not installed; it asks the X server for the untrusted cookie",
                                   std::string("install it (Debian: apt install xauth), or: ") + kTrustedHint));
  else if (err)
    return fail("--share-display: can't run xauth", err);
  while (!said.empty() && said.back() == '\n') said.pop_back();
  if (status != 0 || said.find("Security extension") != std::string::npos)
    return std::unexpected(refused("the X server on " + display + " did not make an untrusted cookie (its SECURITY extension is "
                                   "missing or off)" + (said.empty() ? "" : ": xauth: " + said),
                                   kTrustedHint));
  std::string made = sys::read_file_or_empty(dir.path + "/auth");
  struct utsname u {};
  ::uname(&u);
  TRY_ASSIGN(std::string entries, config::filter_xauthority(made, number, u.nodename));
  auto untrusted = config::first_cookie(entries);
  if (!untrusted) return fail("--share-display: xauth made no cookie for " + display, EPROTO);
  auto held = x11_connect(socket, untrusted->name, untrusted->data);
  if (!held)
    return std::unexpected(refused("the X server on " + display + " forgot the untrusted cookie it had just made (" +
                                   held.error().message() + ")",
                                   "an X server resets when its last client leaves; start it with -noreset, or: " +
                                       std::string(kTrustedHint)));
  auto file = sys::sealed_memfd("xauthority", entries);
  if (!file) return std::unexpected(std::move(file).error().wrap("--share-display: the cookie's file"));
  return X11Grant{std::move(*file), std::move(*held)};
}

}  // namespace sb::desktop
