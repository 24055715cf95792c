#include "desktop.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace sbtest {

std::string example(const std::string& name) { return source_dir() + "/examples/" + name; }

ShippedProfiles::ShippedProfiles() {
  mkdir((dir_ / "sandbox").c_str(), 0755);
  if (symlink((source_dir() + "/profiles").c_str(), (dir_ / "sandbox/profiles").c_str()) < 0) std::abort();
}

std::vector<std::string> with_env(const std::vector<std::string>& vars, const std::vector<std::string>& argv) {
  std::vector<std::string> v{"/usr/bin/env"};
  v.insert(v.end(), vars.begin(), vars.end());
  v.insert(v.end(), argv.begin(), argv.end());
  return v;
}

std::string xauthority(const std::string& number, const std::string& cookie) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string out;
  auto field = [&](const std::string& f) {
    out += static_cast<char>(f.size() >> 8);
    out += static_cast<char>(f.size() & 0xff);
    out += f;
  };
  out += '\x01';
  out += '\x00';  // FamilyLocal (256)
  field(host);
  field(number);
  field("MIT-MAGIC-COOKIE-1");
  field(cookie);
  return out;
}

long lit_bytes(const std::string& xwd) {
  auto be32 = [&](size_t field) -> uint32_t {
    if (xwd.size() < (field + 1) * 4) return 0;
    const auto* p = reinterpret_cast<const unsigned char*>(xwd.data()) + field * 4;
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  };
  uint32_t header = be32(0), colors = be32(19), height = be32(5), per_line = be32(12);
  size_t start = size_t{header} + size_t{colors} * 12;
  if (height == 0 || xwd.size() < start + size_t{height} * per_line) return -1;
  long lit = 0;
  for (size_t i = start; i < xwd.size(); ++i) lit += xwd[i] != 0;
  return lit;
}

int socket_listener(const std::string& path) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(s, 4) < 0) std::abort();
  return s;
}

VirtualDisplay::VirtualDisplay(bool open, bool resets) {
  for (int n = 100 + getpid() % 400;; ++n)
    if (!exists("/tmp/.X11-unix/X" + std::to_string(n)) && !exists("/tmp/.X" + std::to_string(n) + "-lock")) {
      number_ = std::to_string(n);
      break;
    }
  write_file(dir_ / "Xauthority", xauthority(number_, "0123456789abcdef"), 0600);
  std::vector<std::string> argv{"/usr/bin/Xvfb", ":" + number_, "-nolisten", "tcp", "-br", "-screen", "0", "640x480x24"};
  if (!open) argv.insert(argv.begin() + 2, {"-auth", dir_ / "Xauthority"});
  if (!resets) argv.push_back("-noreset");
  server_ = std::make_unique<Background>(argv);
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    up = run({"xwininfo", "-root"}).status == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!up) ADD_FAILURE() << "Xvfb did not start on :" << number_;
}

VirtualDisplay::~VirtualDisplay() {
  kill(server_->pid(), SIGTERM);
  server_->finish();
}

std::vector<std::string> VirtualDisplay::env() const { return {"DISPLAY=:" + number_, "XAUTHORITY=" + (dir_ / "Xauthority")}; }

RunResult VirtualDisplay::run(const std::vector<std::string>& argv) const { return sbtest::run(with_env(env(), argv)); }

std::string VirtualDisplay::window(const std::string& name, int timeout_seconds) const {
  for (int i = 0; i < timeout_seconds * 10; ++i) {
    auto r = run({"xdotool", "search", "--onlyvisible", "--name", "^" + name + "$"});
    if (r.status == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

namespace {

constexpr const char* kService = R"(import sys
from gi.repository import Gio, GLib
name, touch = sys.argv[1], sys.argv[2]
xml = "<node><interface name='org.example.Test'><method name='Touch'><arg type='s' direction='out'/></method></interface></node>"
info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]
def call(conn, sender, path, iface, method, params, invocation):
    with open(touch, 'w') as f:
        f.write('touched\n')
    invocation.return_value(GLib.Variant('(s)', ('done',)))
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
bus.register_object('/org/example/Test', info, call, None, None)
Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, lambda *a: print('ready', flush=True), None)
GLib.MainLoop().run()
)";

}  // namespace

SessionBus::SessionBus() {
  write_file(dir_ / "service.py", kService);
  // dbus-daemon prints its pid once it listens.
  daemon_ = std::make_unique<Background>(std::vector<std::string>{"dbus-daemon", "--session", "--nofork", "--print-pid=1",
                                                                  "--address=" + address()});
  if (!daemon_->wait_for_line(std::to_string(daemon_->pid()))) ADD_FAILURE() << "dbus-daemon did not start";
}

SessionBus::~SessionBus() {
  for (auto& s : services_) {
    kill(s->pid(), SIGTERM);
    s->finish();
  }
  kill(daemon_->pid(), SIGTERM);
  daemon_->finish();
}

void SessionBus::add_service(const std::string& name, const std::string& touch) {
  services_.push_back(std::make_unique<Background>(
      with_env({"DBUS_SESSION_BUS_ADDRESS=" + address()}, {"/usr/bin/python3", dir_ / "service.py", name, touch})));
  if (!services_.back()->wait_for_line("ready")) ADD_FAILURE() << "the service " << name << " did not start";
}

std::string SessionBus::owner(const std::string& name) const {
  auto r = sbtest::run(with_env({"DBUS_SESSION_BUS_ADDRESS=" + address()},
                                {"dbus-send", "--session", "--print-reply=literal", "--dest=org.freedesktop.DBus",
                                 "/org/freedesktop/DBus", "org.freedesktop.DBus.GetNameOwner", "string:" + name}));
  std::string out = r.out;
  out.erase(0, out.find_first_not_of(" \n"));
  out.erase(out.find_last_not_of(" \n") + 1);
  return out;
}

}  // namespace sbtest
