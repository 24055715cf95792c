// A run shaped like Flatpak's: the option list through --args, status on descriptors.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <regex>

#include "harness.h"

namespace sbtest {
namespace {

class Flatpak : public SandboxTest {};

// A flat JSON object of string keys and integer values, as the status descriptors write.
std::map<std::string, long long> parse_object(const std::string& text) {
  std::map<std::string, long long> out;
  std::regex member("\"([a-z-]+)\": ([0-9]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), member); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = std::stoll((*it)[2]);
  std::string stripped = std::regex_replace(text, member, "M");
  EXPECT_TRUE(std::regex_match(stripped, std::regex(R"(\{\s*M(,\s*M)*\s*\}\s*)"))) << text;
  return out;
}

TEST_F(Flatpak, LongArgsListWithStatusDescriptors) {
  int info[2], status[2], sync[2];
  ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(status, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(sync, O_CLOEXEC), 0);
  std::vector<std::string> args = {
      "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
      "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
      "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
      "--proc", "/proc", "--dev", "/dev", "--dir", "/tmp", "--dir", "/var", "--symlink", "../run", "/var/run",
      "--tmpfs", "/run", "--dir", "/run/user/1000", "--setenv", "XDG_RUNTIME_DIR", "/run/user/1000",
      "--file", "10", "/run/.flatpak-info", "--bind-data", "11", "/etc/passwd",
      "--info-fd", "12", "--json-status-fd", "13", "--sync-fd", "14", "--chdir", "/",
      "--unsetenv", "SANDBOX_FLATPAK_TEST", "--hostname", "app"};
  // Flatpak's lists run to hundreds of entries: pad with harmless repeats.
  for (int i = 0; i < 200; ++i) {
    args.insert(args.end(), {"--setenv", "FILLER_" + std::to_string(i), std::to_string(i)});
    args.insert(args.end(), {"--ro-bind-try", "/nonexistent/" + std::to_string(i), "/opt/" + std::to_string(i)});
  }
  int args_fd = data_fd(nul_terminated(args));
  int info_data = data_fd("[Application]\nname=org.example.App\n");
  int passwd = data_fd("user:x:1000:1000::/home/user:/bin/sh\n");
  RunOptions o;
  o.fds = {{9, args_fd}, {10, info_data}, {11, passwd}, {12, info[1]}, {13, status[1]}, {14, sync[1]}};
  setenv("SANDBOX_FLATPAK_TEST", "leak", 1);
  Background bg(as_bwrap({"--args", "9", "sh", "-c",
                          "cat /run/.flatpak-info /etc/passwd; hostname; echo $XDG_RUNTIME_DIR $FILLER_199 ${SANDBOX_FLATPAK_TEST-unset};"
                          " readlink /var/run; echo $$; ls /dev | tr '\\n' ' '; echo; exit 4"}),
                o);
  for (int fd : {info[1], status[1], sync[1], args_fd, info_data, passwd}) close(fd);

  std::string info_text = read_all(info[0]);
  close(info[0]);
  auto r = bg.finish();
  std::string status_text = read_all(status[0]);
  close(status[0]);

  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{
                              "[Application]", "name=org.example.App", "user:x:1000:1000::/home/user:/bin/sh",
                              "app", "/run/user/1000 199 unset", "../run", "2",
                              "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "}));

  auto start = parse_object(info_text);
  ASSERT_TRUE(start.count("child-pid"));
  EXPECT_GT(start["child-pid"], 0);
  for (const char* ns : {"ipc-namespace", "mnt-namespace", "pid-namespace", "uts-namespace"})
    EXPECT_TRUE(start.count(ns)) << ns;
  EXPECT_FALSE(start.count("net-namespace"));  // the network was shared

  auto status_lines = lines(status_text);
  ASSERT_EQ(status_lines.size(), 2u) << status_text;
  EXPECT_EQ(parse_object(status_lines[0]), start);
  EXPECT_EQ(parse_object(status_lines[1]), (std::map<std::string, long long>{{"exit-code", 4}}));

  // The sandbox is gone, so the sync descriptor's last holder has closed it.
  pollfd pfd{sync[0], POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 10000), 1);
  EXPECT_EQ(read(sync[0], nullptr, 0), 0);
  close(sync[0]);
  unsetenv("SANDBOX_FLATPAK_TEST");
}

// Flatpak as its users run it, with sandbox as its bwrap: a runtime and an app made offline
// from busybox, installed for a user whose HOME and XDG folders are this test's own, the app
// run, and `flatpak enter` into it, which reads the environment and directory of the
// sandbox's pid 1 from /proc and joins its namespaces.
TEST_F(Flatpak, EnterReachesTheRunningApp) {
  TempDir home;
  chmod(home.path().c_str(), 0700);
  const std::string h = home.path();
  for (const char* d : {"/data", "/config", "/cache", "/run"}) mkdir((h + d).c_str(), 0700);
  write_file(home / "make.sh", R"(set -eu
W=$HOME/build
mkdir -p $W/rt/files $W/rt/var $W/rt/usr/bin $W/rt/usr/lib $W/rt/usr/etc
cd $W
cp "$BUSYBOX" rt/usr/bin/busybox
for c in sh echo cat sleep pwd env id; do ln -s busybox rt/usr/bin/$c; done
# No shared libraries here: an empty cache where flatpak asks for one (-C FILE).
printf '#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -C ] && : > "$2"; shift; done
' > rt/usr/bin/ldconfig
chmod 755 rt/usr/bin/ldconfig
printf '[Runtime]
name=org.example.Platform
runtime=org.example.Platform/x86_64/1
sdk=org.example.Platform/x86_64/1
' > rt/metadata
flatpak build-export --runtime --arch=x86_64 repo rt 1 >/dev/null
flatpak --user remote-add --no-gpg-verify local "file://$W/repo"
flatpak --user install -y --noninteractive local org.example.Platform//1 >/dev/null
flatpak build-init app org.example.App org.example.Platform org.example.Platform 1 >/dev/null
mkdir -p app/files/bin
printf '#!/bin/sh
cd /tmp
echo started
exec sleep 1000
' > app/files/bin/hello
chmod 755 app/files/bin/hello
flatpak build-finish app --command=hello >/dev/null
flatpak build-export --arch=x86_64 repo app >/dev/null
flatpak --user install -y --noninteractive local org.example.App >/dev/null
echo installed
)");
  // flatpak's install asks the system bus about parental controls and goes on when nobody
  // there answers for them; a bus of this test's own answers that way, whatever the machine's.
  // It prints its pid once it listens.
  Background bus({"dbus-daemon", "--session", "--nofork", "--print-pid=1", "--address=unix:path=" + h + "/run/system-bus"});
  ASSERT_TRUE(bus.wait_for_line(std::to_string(bus.pid())));
  std::vector<std::string> env = {"/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=" + h, "XDG_DATA_HOME=" + h + "/data",
                                  "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + h + "/run/system-bus",
                                  "XDG_CONFIG_HOME=" + h + "/config", "XDG_CACHE_HOME=" + h + "/cache",
                                  "XDG_RUNTIME_DIR=" + h + "/run", "FLATPAK_BWRAP=" + bwrap_bin(),
                                  "BUSYBOX=" + rootfs() + "/bin/busybox"};
  auto with = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), env.begin(), env.end());
    return argv;
  };
  RunOptions slow;
  slow.timeout_seconds = 300;
  auto made = run(with({"sh", h + "/make.sh"}), slow);
  ASSERT_EQ(made.out, "installed\n") << made.err;
  Background app(with({"flatpak", "run", "org.example.App"}));
  if (!app.wait_for_line("started", 120)) {
    auto r = app.finish();
    FAIL() << "flatpak run: " << r.status << " " << r.out << r.err;
  }
  auto ps = run(with({"flatpak", "ps", "--columns=instance,application"}));
  auto rows = lines(ps.out);
  ASSERT_EQ(rows.size(), 1u) << ps.out << ps.err;
  std::string instance = rows[0].substr(0, rows[0].find_first_of(" \t"));
  auto entered = run(with({"flatpak", "enter", instance, "sh", "-c", "echo $FLATPAK_ID; pwd; id -u"}));
  EXPECT_EQ(entered.status, 0) << entered.err;
  // The app's own environment and directory (where pid 1 is: the app's start), its ids.
  EXPECT_EQ(entered.out, "org.example.App\n" + h + "\n" + std::to_string(getuid()) + "\n") << entered.err;
  kill(app.pid(), SIGTERM);
  app.finish();
  kill(bus.pid(), SIGTERM);
  bus.finish();
  EXPECT_TRUE(leftover_processes().empty());
}

}  // namespace
}  // namespace sbtest
