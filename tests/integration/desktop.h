// What the desktop tests share: the examples and shipped profiles as a user has them, a
// virtual X11 display of the test's own (Xvfb, demanding a cookie), a session bus of the
// test's own (dbus-daemon) with services on it, and reading screenshots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {

std::string example(const std::string& name);

// An XDG_CONFIG_HOME whose sandbox/profiles are the source tree's, as if they were installed.
class ShippedProfiles {
 public:
  ShippedProfiles();
  std::string path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

// {env, VAR=VALUE..., argv...}
std::vector<std::string> with_env(const std::vector<std::string>& vars, const std::vector<std::string>& argv);

// An Xauthority holding one cookie for display `number` of this host, as a display manager
// writes it (FamilyLocal, by hostname).
std::string xauthority(const std::string& number, const std::string& cookie);

// How many bytes of a screenshot's pixels (xwd's format) are not black; -1 if it is not one.
long lit_bytes(const std::string& xwd);

// A unix socket listening at `path`, as a sound server's.
int socket_listener(const std::string& path);

// Xvfb on a free display number, with access control (a cookie in its own Xauthority) unless
// `open`, a black background, up once constructed. It does not reset when its last client
// leaves unless `resets` (an X server's default): a reset drops the cookies it holds and reads
// them again, and a client connecting meanwhile is refused, which would make the tests'
// own clients (xterm, xdotool) fail at random.
class VirtualDisplay {
 public:
  explicit VirtualDisplay(bool open = false, bool resets = false);
  ~VirtualDisplay();
  const std::string& number() const { return number_; }
  // DISPLAY and XAUTHORITY for a client of the caller's.
  std::vector<std::string> env() const;
  RunResult run(const std::vector<std::string>& argv) const;
  // The id of the window named `name`, waiting until one is mapped; "" when none came.
  std::string window(const std::string& name, int timeout_seconds = 30) const;

 private:
  std::string number_;
  TempDir dir_;
  std::unique_ptr<Background> server_;
};

// A session bus of the test's own, and services on it (python3-gi): each owns a name and has
// one method, org.example.Test.Touch on /org/example/Test, which writes `touch` (a file on the
// host) and answers "done".
class SessionBus {
 public:
  SessionBus();
  ~SessionBus();
  std::string address() const { return "unix:path=" + (dir_ / "bus"); }
  void add_service(const std::string& name, const std::string& touch);
  // The unique name (":1.N") that owns `name`.
  std::string owner(const std::string& name) const;

 private:
  TempDir dir_;
  std::unique_ptr<Background> daemon_;
  std::vector<std::unique_ptr<Background>> services_;
};

}  // namespace sbtest
