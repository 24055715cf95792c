// A desktop application confined as Flatpak confines one, attacked from inside: on a virtual
// X11 display with a terminal of the host's on it, typing into that terminal and reading its
// pixels; on a session bus with a service that would write on the host, calling it by name
// and by unique name; and who it is, what environment it has, how long it lives.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <poll.h>
#include <dirent.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "desktop.h"
#include "harness.h"

namespace sbtest {
namespace {

class Desktop : public SandboxTest {};

// Waits until `path` holds `want`; false if it does not within the timeout.
bool file_becomes(const std::string& path, const std::string& want, int timeout_seconds = 30) {
  for (int i = 0; i < timeout_seconds * 20; ++i) {
    if (read_file(path) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Processes (of anyone) with an argument holding `text`: what a helper of the sandbox's
// would show if it were left behind.
std::vector<std::string> processes_with(const std::string& text) {
  std::vector<std::string> out;
  DIR* d = opendir("/proc");
  while (auto* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string cmd = read_file(std::string("/proc/") + e->d_name + "/cmdline");
    if (cmd.find(text) != std::string::npos && cmd.starts_with("xdg-dbus-proxy")) out.push_back(e->d_name);
  }
  closedir(d);
  return out;
}

std::string caller_name() {
  passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_name : "";
}

TEST_F(Desktop, AnX11AppCannotTypeIntoOrReadTheWindowsOfOthers) {
  VirtualDisplay x;
  TempDir t, home;
  ShippedProfiles profiles;
  write_file(t / "typed", "");
  // A terminal of the host's: each line typed into it is appended to `typed`.
  Background term(with_env(x.env(), {"xterm", "-title", "host-term", "-e", "sh", "-c",
                                     "while IFS= read -r line; do printf '%s\\n' \"$line\" >> " + (t / "typed") + "; done"}));
  const std::string wid = x.window("host-term");
  ASSERT_FALSE(wid.empty());
  auto type_on_host = [&](const std::string& text) {
    x.run({"xdotool", "mousemove", "--window", wid, "20", "20"});
    x.run({"xdotool", "type", text});
    x.run({"xdotool", "key", "Return"});
  };
  // A client of the caller's can type into it and read its pixels: the attack would work.
  type_on_host("host-before");
  ASSERT_TRUE(file_becomes(t / "typed", "host-before\n")) << read_file(t / "typed");
  EXPECT_GT(lit_bytes(x.run({"xwd", "-id", wid, "-silent"}).out), 0);

  std::vector<std::string> vars = x.env();
  vars.insert(vars.end(), {"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path()});
  // From inside, through the example: XTEST, events sent to the window, its pixels, the
  // screen's, and the display without a cookie.
  auto inside = run(with_env(vars, {example("desktop-app.sh"), "sh", "-c",
                                    "xdotool mousemove --window " + wid + " 20 20; xdotool type sandbox-xtest; xdotool key Return; "
                                    "xdotool type --window " + wid + " sandbox-sendevent; xdotool key --window " + wid + " Return; "
                                    "xwd -id " + wid + " -silent > /tmp/shot && [ -s /tmp/shot ] && echo GRABBED-WINDOW; "
                                    "xwd -root -silent > /tmp/shot && [ -s /tmp/shot ] && echo GRABBED-SCREEN; "
                                    "xdpyinfo -queryExtensions | grep -q XTEST && echo HAS-XTEST; "
                                    "XAUTHORITY=/dev/null xdpyinfo >/dev/null 2>&1 && echo IN-WITHOUT-COOKIE; "
                                    "xwininfo -root >/dev/null && echo DISPLAY-OK; true"}));
  EXPECT_EQ(inside.out, "DISPLAY-OK\n") << inside.err;
  // What the host types next comes straight after its first line: nothing came in between.
  type_on_host("host-after");
  EXPECT_TRUE(file_becomes(t / "typed", "host-before\nhost-after\n")) << read_file(t / "typed");

  // =trusted is the way to full access, and says so.
  auto trusted = run(with_env(vars, {example("desktop-app.sh"), "--share-display=trusted", "sh", "-c",
                                     "xdpyinfo -queryExtensions | grep -q XTEST && echo HAS-XTEST"}));
  EXPECT_EQ(trusted.out, "HAS-XTEST\n");
  EXPECT_EQ(trusted.err, "sandbox: --share-display=trusted: COMMAND can read and drive every window on the X11 display (:" +
                             x.number() + ")\n");

  // A server that lets local clients in without a cookie (here: one without access control)
  // is refused: the untrusted cookie would hold nothing back.
  VirtualDisplay open(true);
  std::vector<std::string> on_open = open.env();
  on_open.insert(on_open.end(), vars.begin() + 2, vars.end());
  auto refused = run(with_env(on_open, {example("desktop-app.sh"), "true"}));
  EXPECT_EQ(refused.status, 125);
  EXPECT_EQ(refused.err, "sandbox: --share-display: the X server on :" + open.number() +
                             " lets local clients in without a cookie (xhost), so a client inside could not be held to untrusted "
                             "access\nsandbox: hint: remove those grants (see xhost; xhost -si:localuser:$USER), or: "
                             "--share-display=trusted shares the display with full access, knowingly\n");
  kill(term.pid(), SIGTERM);
  term.finish();
}

// The bytes of window `wid`'s pixels that are not black, once it has drawn (1000 or more).
long lit_window(const VirtualDisplay& x, const std::string& wid) {
  long lit = 0;
  for (int i = 0; i < 100 && lit < 1000; ++i) {
    lit = lit_bytes(x.run({"xwd", "-id", wid, "-silent"}).out);
    if (lit < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return lit;
}

TEST_F(Desktop, TheExampleShowsAGtkWindowAndXeyes) {
  VirtualDisplay x;
  TempDir home;
  ShippedProfiles profiles;
  SessionBus bus;
  std::vector<std::string> vars = x.env();
  vars.insert(vars.end(), {"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                           "DBUS_SESSION_BUS_ADDRESS=" + bus.address()});
  EXPECT_EQ(lit_bytes(x.run({"xwd", "-root", "-silent"}).out), 0);  // -br: black, before the application
  {
    // The example's own GTK window, with the portal-only bus (the proxy runs).
    Background app(with_env(vars, {example("desktop-app.sh")}));
    ASSERT_TRUE(app.wait_for_line("window shown", 60)) << app.finish().err;
    std::string wid = x.window("sandboxed");
    ASSERT_FALSE(wid.empty()) << x.run({"xwininfo", "-root", "-tree"}).out;
    EXPECT_GE(lit_window(x, wid), 1000) << "the GTK window is blank";
    kill(app.pid(), SIGTERM);
    auto ended = app.finish();
    EXPECT_EQ(ended.status, 128 + SIGTERM) << ended.err;
  }
  {
    Background app(with_env(vars, {example("desktop-app.sh"), "xeyes"}));
    std::string wid = x.window("xeyes");
    ASSERT_FALSE(wid.empty());
    EXPECT_GE(lit_window(x, wid), 1000) << "xeyes is blank";
    kill(app.pid(), SIGTERM);
    app.finish();
  }
  EXPECT_EQ(processes_with(bus.address()), std::vector<std::string>{});  // the proxy ended with the sandbox
}

TEST_F(Desktop, TheBusReachesWhatIsAllowedAndNothingElse) {
  // A display that resets when its last client leaves, as X servers do by default: the
  // monitor keeps it from forgetting the untrusted cookie between making and using it.
  VirtualDisplay x(false, true);
  TempDir t, home, runtime;
  ShippedProfiles profiles;
  SessionBus bus;
  bus.add_service("org.example.Allowed", t / "allowed");
  bus.add_service("org.example.Forbidden", t / "forbidden");
  bus.add_service("org.freedesktop.portal.Desktop", t / "portal");
  const std::string forbidden_owner = bus.owner("org.example.Forbidden");
  ASSERT_TRUE(forbidden_owner.starts_with(":1.")) << forbidden_owner;
  // One line per call: its answer, or the error.
  auto call = [](const std::string& dest) {
    return "dbus-send --session --print-reply=literal --dest=" + dest +
           " /org/example/Test org.example.Test.Touch 2>&1 | tr -d '\\n'; echo; ";
  };
  // The names the bus lists (well-known ones), on one line.
  const std::string list = "dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus "
                           "org.freedesktop.DBus.ListNames | tr ' ' '\\n' | grep -E '^[A-Za-z_-]+[.]' | sort | tr '\\n' ' '; echo";
  std::vector<std::string> vars{"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                                "XDG_RUNTIME_DIR=" + runtime.path(), "DBUS_SESSION_BUS_ADDRESS=" + bus.address()};
  auto allowed = run(with_env(vars, sandbox({"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib",
                                             "/lib", "--symlink", "usr/lib64", "/lib64", "--as-user", "--dbus-talk", "org.example.Allowed", "sh",
                                             "-c",
                                             "echo $DBUS_SESSION_BUS_ADDRESS; " + call("org.example.Allowed") +
                                                 call("org.example.Forbidden") + call(forbidden_owner) + list})));
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  auto out = lines(allowed.out);
  ASSERT_EQ(out.size(), 5u) << allowed.out;
  EXPECT_EQ(out[0], "unix:path=/run/user/" + std::to_string(getuid()) + "/bus");
  EXPECT_EQ(out[1], "   done");
  // The forbidden service is unreachable by its name and by its unique name, and not listed.
  EXPECT_TRUE(out[2].starts_with("Error org.freedesktop.DBus.Error.ServiceUnknown")) << out[2];
  EXPECT_TRUE(out[3].starts_with("Error org.freedesktop.DBus.Error.")) << out[3];
  EXPECT_EQ(out[4], "org.example.Allowed org.freedesktop.DBus ");
  EXPECT_EQ(read_file(t / "allowed"), "touched\n");
  EXPECT_FALSE(exists(t / "forbidden"));
  unlink((t / "allowed").c_str());

  // The same filter on the system bus (here the test's bus, named as the system's).
  auto system = run(with_env({"DBUS_SYSTEM_BUS_ADDRESS=" + bus.address(), "XDG_RUNTIME_DIR=" + runtime.path()},
                             sandbox({"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                                      "--symlink", "usr/lib64", "/lib64", "--as-user", "--dbus-system-talk", "org.example.Allowed",
                                      "sh", "-c",
                                      "echo $DBUS_SYSTEM_BUS_ADDRESS; "
                                      "dbus-send --system --print-reply=literal --dest=org.example.Allowed /org/example/Test "
                                      "org.example.Test.Touch; echo; dbus-send --system --print-reply=literal "
                                      "--dest=org.example.Forbidden /org/example/Test org.example.Test.Touch 2>&1 | cut -d: -f1"})));
  EXPECT_EQ(system.status, 0) << system.err;
  EXPECT_EQ(system.out, "unix:path=/run/dbus/system_bus_socket\n   done\nError org.freedesktop.DBus.Error.ServiceUnknown\n");
  EXPECT_EQ(read_file(t / "allowed"), "touched\n");
  EXPECT_FALSE(exists(t / "forbidden"));
  unlink((t / "allowed").c_str());

  // The desktop profile, through the example: the portals, and nothing else.
  const std::vector<std::string> display = x.env();
  vars.insert(vars.end(), display.begin(), display.end());
  auto portal = run(with_env(vars, {example("desktop-app.sh"), "sh", "-c",
                                    call("org.freedesktop.portal.Desktop") + call("org.example.Allowed") + list}));
  EXPECT_EQ(portal.status, 0) << portal.err;
  out = lines(portal.out);
  ASSERT_EQ(out.size(), 3u) << portal.out;
  EXPECT_EQ(out[0], "   done");
  EXPECT_TRUE(out[1].starts_with("Error org.freedesktop.DBus.Error.ServiceUnknown")) << out[1];
  EXPECT_EQ(out[2], "org.freedesktop.DBus org.freedesktop.portal.Desktop ");
  EXPECT_TRUE(exists(t / "portal"));
  EXPECT_FALSE(exists(t / "allowed"));

  // Nothing is left: no proxy, no socket.
  EXPECT_EQ(processes_with(bus.address()), std::vector<std::string>{});
  DIR* d = opendir(runtime.path().c_str());
  std::vector<std::string> left;
  while (auto* e = readdir(d))
    if (e->d_name[0] != '.') left.push_back(e->d_name);
  closedir(d);
  EXPECT_EQ(left, std::vector<std::string>{});

  // Killed outright, the monitor takes the proxy with it (its death signal; its readiness
  // pipe closes too).
  {
    Background held(with_env(vars, sandbox({"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib",
                                            "/lib", "--symlink", "usr/lib64", "/lib64", "--as-user", "--dbus-talk",
                                            "org.example.Allowed", "sh", "-c", "echo ready; exec sleep 1000"})));
    ASSERT_TRUE(held.wait_for_line("ready"));
    EXPECT_EQ(processes_with(bus.address()).size(), 1u);
    kill(held.pid(), SIGKILL);
    held.finish();
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
      gone = processes_with(bus.address()).empty();
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(gone) << "the proxy outlived the monitor";
  }
  // The bus takes its clients for the caller, so COMMAND must be the caller.
  if (getuid() != 0) {
    auto as_root = run(with_env(vars, sandbox({"--dbus-talk", "org.a.B", "true"})));
    EXPECT_EQ(as_root.status, 125);
    EXPECT_EQ(as_root.err, "sandbox: --dbus-talk: a bus takes its clients for the caller (uid " + std::to_string(getuid()) +
                               "), and COMMAND would be uid 0 inside\nsandbox: hint: add --as-user\n");
  }
  // A bus asked for on the command line that is not there is an error; a profile's, nothing.
  auto missing = run(with_env({"DBUS_SESSION_BUS_ADDRESS=unix:path=" + (t / "nobus")},
                              sandbox({"--dbus-talk", "org.a.B", "true"})));
  EXPECT_EQ(missing.status, 125);
  EXPECT_EQ(missing.err, "sandbox: --dbus-talk: the session bus is not there: " + (t / "nobus") + ": No such file or directory\n");
}

TEST_F(Desktop, TheAppIsTheCallerInACleanEnvironmentAndOutlivesItsLauncher) {
  VirtualDisplay x;
  TempDir t, home;
  ShippedProfiles profiles;
  const char* path = std::getenv("PATH");
  std::vector<std::string> vars = x.env();
  vars.insert(vars.end(), {"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                           "GITHUB_TOKEN=hunter2", "SSH_AUTH_SOCK=/tmp/agent.1", "LANG=C.UTF-8", "TERM=dumb",
                           "USER=" + caller_name(), "LOGNAME=" + caller_name(), "MAIL=/var/mail/x", "OLDPWD=/",
                           std::string("PATH=") + (path ? path : "/usr/bin:/bin")});
  auto r = run(with_env(vars, {example("desktop-app.sh"), "sh", "-c",
                               "id -u; id -g; whoami; id -un; /usr/bin/python3 -c 'import getpass; print(getpass.getuser())'; "
                               "cut -d: -f1,3,6 /etc/passwd | tr '\\n' ' '; echo; echo $XDG_RUNTIME_DIR; ls -ld $XDG_RUNTIME_DIR | cut -c1-10; "
                               "env | cut -d= -f1 | sort | tr '\\n' ' '"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string uid = std::to_string(getuid()), name = caller_name();
  std::string passwd = getuid() == 0 ? "root:0:/root nobody:65534:/nonexistent "
                                     : "root:0:/root " + name + ":" + uid + ":" + home.path() + " nobody:65534:/nonexistent ";
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{uid, std::to_string(getgid()), name, name, name, passwd, "/run/user/" + uid,
                                                    "drwx------",
                                                    "DISPLAY HOME LANG LOGNAME PATH PWD TERM USER XAUTHORITY XDG_RUNTIME_DIR "}));

  // A launcher starts it and exits at once, as a menu or a script does: the app stays.
  mkfifo((t / "fifo").c_str(), 0600);
  std::string app = "echo started > " + (t / "started") + "; read line < " + (t / "fifo") + "; echo survived > " + (t / "out");
  auto launch = [&](std::vector<std::string> extra) {
    std::string options;
    for (const auto& o : extra) options += o + " ";
    auto launcher = run(with_env(vars, {"sh", "-c", example("desktop-app.sh") + " " + options + "--bind " + t.path() + " " +
                                                        t.path() + " sh -c '" + app + "' >/dev/null 2>&1 & "
                                                        // once it has started, so that it was the parent
                                                        "while [ ! -e " + (t / "started") + " ]; do sleep 0.05; done; echo $!"}));
    return static_cast<pid_t>(std::stol(launcher.out));
  };
  pid_t sandbox_pid = launch({});
  ASSERT_TRUE(file_becomes(t / "started", "started\n"));
  int w = -1;
  for (int i = 0; i < 600 && w < 0; ++i) {  // until the app opens the FIFO, which it does only if alive
    w = open((t / "fifo").c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (w < 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(w, 0) << "the app died with its launcher";
  ASSERT_EQ(write(w, "go\n", 3), 3);
  close(w);
  EXPECT_TRUE(file_becomes(t / "out", "survived\n"));

  // --die-with-parent given again turns that back on: it ends with its launcher.
  unlink((t / "started").c_str());
  sandbox_pid = launch({"--die-with-parent"});
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, sandbox_pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 30000), 1) << "the sandbox outlived its launcher";
    close(pidfd);
  }
}

TEST_F(Desktop, OnWaylandOnlyTheWaylandSocketIsShared) {
  VirtualDisplay x;
  TempDir runtime, home;
  chmod(runtime.path().c_str(), 0700);
  ShippedProfiles profiles;
  Background weston(with_env({"XDG_RUNTIME_DIR=" + runtime.path()},
                             {"weston", "--backend=headless-backend.so", "--socket=wayland-sb", "--idle-time=0"}));
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    struct stat st {};
    up = stat((runtime / "wayland-sb").c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << "weston did not start";
  std::vector<std::string> vars = x.env();
  vars.insert(vars.end(), {"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                           "XDG_RUNTIME_DIR=" + runtime.path(), "WAYLAND_DISPLAY=wayland-sb"});
  // A GTK window, with the protocol traced: the compositor configures its toplevel and the
  // app acknowledges and draws; X11 is not there.
  auto r = run(with_env(vars, {example("desktop-app.sh"), "--setenv", "WAYLAND_DEBUG", "1", "sh", "-c",
                               "echo \"[$DISPLAY]\"; ls /tmp/.X11-unix 2>&1 | wc -l; ls $XDG_RUNTIME_DIR; /usr/bin/python3 -c '"
                               "import gi\ngi.require_version(\"Gtk\", \"3.0\")\nfrom gi.repository import Gtk, GLib\n"
                               "w = Gtk.Window(title=\"sandboxed\")\nw.add(Gtk.Label(label=\"on Wayland\"))\n"
                               "w.connect(\"map-event\", lambda *a: (print(\"window shown\", flush=True), GLib.idle_add(Gtk.main_quit)))\n"
                               "w.show_all()\nGtk.main()\n'"}));
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  EXPECT_EQ(r.out, "[]\n1\nwayland-sb\nwindow shown\n");
  EXPECT_NE(r.err.find("xdg_toplevel@"), std::string::npos);
  EXPECT_NE(r.err.find(".ack_configure("), std::string::npos);
  EXPECT_NE(r.err.find("wl_surface@"), std::string::npos);
  kill(weston.pid(), SIGTERM);
  weston.finish();
}

}  // namespace
}  // namespace sbtest
