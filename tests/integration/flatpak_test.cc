// A run shaped like Flatpak's: the option list through --args, status on descriptors.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
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

}  // namespace
}  // namespace sbtest
