// The three uses as a user copies them from examples/, through the shipped profiles: a busybox
// container, an untrusted build of this very tree, and a desktop application on a real (virtual)
// X11 display. Each is also attacked the way its use would be: the build reaching for the home,
// the network and the host's processes, the application for files and sockets it was not given.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "desktop.h"
#include "harness.h"

namespace sbtest {
namespace {

class Examples : public SandboxTest {};

TEST_F(Examples, TheBusyboxShellIsAContainer) {
  TempDir d;
  ShippedProfiles profiles;
  // The example makes the root folder from busybox-static, then runs the shell profile on it.
  auto r = run(with_env({"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path()},
                        {example("busybox-shell.sh"), d / "busybox", "sh", "-c",
                         "id -u; hostname; echo $HOME; pwd; sleep 0 & wait; echo > /dev/null && echo dev; "
                         "touch /tmp/made && echo tmp; cat /proc/1/comm; ls /proc | grep -c '^[0-9]'"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // uid 0 inside, the sandbox's hostname, a login's HOME, /, a /dev, a /tmp, its own init and
  // only its own processes (init, sh, ls and grep at most).
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 8u) << r.out;
  EXPECT_EQ(std::vector<std::string>(out.begin(), out.begin() + 7),
            (std::vector<std::string>{"0", "sandbox", "/root", "/", "dev", "tmp", "sandbox-init"}));
  EXPECT_LE(std::stoi(out[7]), 4) << r.out;
  EXPECT_TRUE(exists(d / "busybox/bin/sh"));
  EXPECT_FALSE(exists(d / "busybox/tmp/made"));  // /tmp was the sandbox's own
}

// The source files building the tree needs, copied into `dest`.
void copy_source(const std::string& dest) {
  std::vector<std::string> argv{"/bin/cp", "-a"};
  for (const char* entry : {"meson.build", "meson_options.txt", "LICENSE", "sandbox", "man", "completions", "profiles"})
    argv.push_back(source_dir() + "/" + entry);
  argv.push_back(dest);
  mkdir(dest.c_str(), 0755);
  auto r = run(argv);
  ASSERT_EQ(r.status, 0) << r.err;
}

RunOptions in(const std::string& cwd, int timeout_seconds = 60) {
  RunOptions o;
  o.cwd = cwd;
  o.timeout_seconds = timeout_seconds;
  return o;
}

TEST_F(Examples, TheUntrustedBuildBuildsThisTreeAndReachesNothingElse) {
  TempDir home, elsewhere;
  ShippedProfiles profiles;
  mkdir((home / ".ssh").c_str(), 0700);
  write_file(home / ".ssh/id_ed25519", "PRIVATE KEY\n", 0600);
  mkdir((home / "src").c_str(), 0755);
  const std::string project = home / "src/sandbox";
  copy_source(project);
  const char* path = std::getenv("PATH");
  std::vector<std::string> vars{"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                                "LANG=C.UTF-8", "TERM=dumb", "SECRET_TOKEN=hunter2",
                                std::string("PATH=") + (path ? path : "/usr/bin:/bin")};

  // This tree, built unchanged by meson and ninja; what it built runs.
  auto built = run(with_env(vars, {example("untrusted-build.sh"), "sh", "-c",
                                   "meson setup --buildtype=plain -Dtests=false -Dman=disabled build >/dev/null && "
                                   "ninja -C build >/dev/null && ./build/sandbox --version"}),
                   in(project, 900));
  EXPECT_EQ(built.status, 0) << built.out << built.err;
  EXPECT_TRUE(built.out.starts_with("sandbox ")) << built.out;
  EXPECT_TRUE(exists(project + "/build/sandbox"));

  // What a hostile build would try.
  int port = 0;
  int listener = loopback_server(&port);
  fcntl(listener, F_SETFL, O_NONBLOCK);  // for the check below that nothing is waiting
  auto r = run(with_env(vars, {example("untrusted-build.sh"), "sh", "-c",
                               "cat \"$HOME/.ssh/id_ed25519\" 2>/dev/null && echo READ-SSH; "
                               "touch " + elsewhere.path() + "/x 2>/dev/null && echo WROTE-ELSEWHERE; "
                               "touch ../escaped /usr/x 2>/dev/null; "
                               "bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) +
                                   "' 2>/dev/null && echo CONNECTED; "
                               "cat /proc/[0-9]*/comm | grep -x integration-tes && echo SAW-HOST; "
                               "ls /proc | grep -c '^[0-9]' >/proc/self/fd/2; "
                               "sed 1d /proc/net/route | grep -c .; echo here > made-here; env | sort"}),
               in(project));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_LE(std::stoi(r.err), 6) << r.err;  // init, the shells, ls and grep: none of the host's
  EXPECT_EQ(r.out, "0\nHOME=" + home.path() + "\nLANG=C.UTF-8\nPATH=" + (path ? path : "/usr/bin:/bin") + "\nPWD=" +
                       project + "\nTERM=dumb\nXDG_RUNTIME_DIR=/run/user/" + std::to_string(getuid()) + "\n");
  EXPECT_EQ(accept(listener, nullptr, nullptr), -1);  // no connection reached the host's loopback
  close(listener);
  EXPECT_FALSE(exists(elsewhere / "x"));
  EXPECT_FALSE(exists(home / "src/escaped"));  // the directory's parent was a tmpfs
  EXPECT_FALSE(exists("/usr/x"));
  EXPECT_EQ(read_file(project + "/made-here"), "here\n");  // and the directory itself writable
  EXPECT_EQ(read_file(home / ".ssh/id_ed25519"), "PRIVATE KEY\n");
}

bool abstract_connects(const std::string& name) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path + 1, name.data(), name.size());
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())) == 0;
  close(s);
  return ok;
}

TEST_F(Examples, ADesktopApplicationDrawsOnTheDisplayAndReachesNothingElse) {
  // A display of the test's own, which demands the cookie.
  std::string number;
  for (int n = 100 + getpid() % 400;; ++n)
    if (!exists("/tmp/.X11-unix/X" + std::to_string(n)) && !exists("/tmp/.X" + std::to_string(n) + "-lock")) {
      number = std::to_string(n);
      break;
    }
  TempDir x, home, runtime, data;
  ShippedProfiles profiles;
  write_file(x / "Xauthority", xauthority(number, "0123456789abcdef"), 0600);
  Background xvfb({"/usr/bin/Xvfb", ":" + number, "-auth", x / "Xauthority", "-nolisten", "tcp", "-br", "-screen", "0",
                   "320x240x24"});
  const std::vector<std::string> display{"DISPLAY=:" + number, "XAUTHORITY=" + (x / "Xauthority")};
  auto on_display = [&](std::vector<std::string> argv) { return run(with_env(display, argv)); };
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    up = on_display({"xwininfo", "-root"}).status == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << "Xvfb did not start on :" << number;
  EXPECT_EQ(lit_bytes(on_display({"xwd", "-root", "-silent"}).out), 0);  // -br: black, before the application

  mkdir((home / ".fonts").c_str(), 0755);
  write_file(home / ".fonts/granted", "a font\n");
  mkdir((home / "Documents").c_str(), 0755);
  write_file(home / "Documents/secret", "not for the application\n");
  mkdir((runtime / "pulse").c_str(), 0700);
  int sound = socket_listener(runtime / "pulse/native");
  std::vector<std::string> vars = display;
  vars.insert(vars.end(), {"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path(),
                           "XDG_RUNTIME_DIR=" + runtime.path(), "XDG_DATA_HOME=" + data.path()});

  {
    // The application, through the example, under the sandbox's own hostname.
    Background app(with_env(vars, {example("desktop-app.sh"), "xeyes"}));
    bool window = false;
    for (int i = 0; i < 200 && !window; ++i) {
      window = on_display({"xwininfo", "-root", "-tree"}).out.find("\"xeyes\"") != std::string::npos;
      if (!window) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(window) << on_display({"xwininfo", "-root", "-tree"}).out;
    long lit = 0;
    for (int i = 0; i < 50 && lit < 1000; ++i) {
      lit = lit_bytes(on_display({"xwd", "-root", "-silent"}).out);
      if (lit < 1000) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(lit, 1000) << "the screenshot is blank";
    kill(app.pid(), SIGTERM);  // forwarded to xeyes
    auto ended = app.finish();
    EXPECT_EQ(ended.status, 128 + SIGTERM) << ended.err;
  }

  // What it is given, and what it is not: the rest of HOME, writing the fonts, the cookies
  // elsewhere than its own copy. The sound server's socket is there.
  auto r = run(with_env(vars, {example("desktop-app.sh"), "sh", "-c",
                               "cat \"$HOME/Documents/secret\" 2>/dev/null && echo READ-SECRET; "
                               "cat \"$HOME/.fonts/granted\"; echo x > \"$HOME/.fonts/new\" 2>/dev/null && echo WROTE-FONTS; "
                               "ls -A \"$HOME\"; cat " + (x / "Xauthority") + " 2>/dev/null && echo READ-COOKIES; "
                               "hostname; echo $XAUTHORITY; xwininfo -root >/dev/null && echo DISPLAY-OK; "
                               "python3 -c 'import socket,os; socket.socket(socket.AF_UNIX).connect(os.environ[\"XDG_RUNTIME_DIR\"] + \"/pulse/native\")' && echo SOUND-OK"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "a font\n.fonts\nsandbox\n/run/sandbox/Xauthority\nDISPLAY-OK\nSOUND-OK\n");
  close(sound);

  // With the network shared, the X server's abstract socket (which the test itself reaches)
  // is still out of reach: only the socket the profile binds leads to the display.
  ASSERT_TRUE(abstract_connects("/tmp/.X11-unix/X" + number));
  auto abstract = run(with_env(vars, {example("desktop-app.sh"), "--share-net", "python3", "-c",
                                      "import socket\ns = socket.socket(socket.AF_UNIX)\n"
                                      "try:\n s.connect('\\0/tmp/.X11-unix/X" + number + "')\n print('CONNECTED')\n"
                                      "except OSError as e:\n print(e.strerror)\n"}));
  EXPECT_EQ(abstract.status, 0) << abstract.err;
  EXPECT_EQ(abstract.out, "Operation not permitted\n");

  // --home NAME keeps the application's HOME from one run to the next, in XDG_DATA_HOME.
  auto first = run(with_env(vars, {example("desktop-app.sh"), "--home", "eyes", "sh", "-c", "echo kept > \"$HOME/state\""}));
  EXPECT_EQ(first.status, 0) << first.err;
  auto second = run(with_env(vars, {example("desktop-app.sh"), "--home", "eyes", "sh", "-c", "cat \"$HOME/state\"; ls -A \"$HOME\""}));
  EXPECT_EQ(second.out, "kept\n.fonts\nstate\n") << second.err;
  struct stat st {};
  ASSERT_EQ(stat((data / "sandbox/home/eyes").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(read_file(data / "sandbox/home/eyes/state"), "kept\n");
  EXPECT_FALSE(exists(home / "state"));

  // Without a display the profile says which of its lines cannot be met.
  auto headless = run(with_env({"SANDBOX=" + sandbox_bin(), "XDG_CONFIG_HOME=" + profiles.path(), "HOME=" + home.path()},
                               {"/usr/bin/env", "-u", "DISPLAY", "-u", "WAYLAND_DISPLAY", example("desktop-app.sh"), "true"}));
  EXPECT_EQ(headless.status, 125);
  EXPECT_TRUE(headless.err.starts_with("sandbox: " + profiles.path() + "/sandbox/profiles/desktop.profile:")) << headless.err;
  EXPECT_NE(headless.err.find(": --share-display: neither DISPLAY nor WAYLAND_DISPLAY is set\n"),
            std::string::npos) << headless.err;

  kill(xvfb.pid(), SIGTERM);
  xvfb.finish();
}

TEST_F(Examples, AHomeKeptForASandboxThatCannotStartIsNotLeftBehind) {
  TempDir home, data;
  auto r = run(with_env({"HOME=" + home.path(), "XDG_DATA_HOME=" + (data / "share")},
                        sandbox({"--home", "web", "--ro-bind", "/nonexistent/source", "/x", "true"})));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Can't find source path /nonexistent/source: No such file or directory (from --ro-bind #1)\n");
  EXPECT_FALSE(exists(data / "share"));
  // One that started stays, made 0700 with its parents.
  auto ok = run(with_env({"HOME=" + home.path(), "XDG_DATA_HOME=" + (data / "share")},
                         sandbox({"--home", "web", "--ro-bind", rootfs() + "/bin", "/bin", "sh", "-c", "echo hi > $HOME/f"})));
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(read_file(data / "share/sandbox/home/web/f"), "hi\n");
  struct stat st {};
  ASSERT_EQ(stat((data / "share").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

}  // namespace
}  // namespace sbtest
