// The same command lines through Debian's bwrap 0.8.0 and through sandbox invoked as bwrap:
// exit status, stdout and stderr must match, except where a case says why not. Options that
// came after 0.8.0 (--argv0, --level-prefix, the overlays) have tests of their own.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <regex>

#include "harness.h"

namespace sbtest {
namespace {

constexpr const char* kRealBwrap = "/usr/bin/bwrap";

enum class Compare {
  all,         // status, stdout and stderr
  status_out,  // status and stdout
  status,      // status only
  differs,     // bwrap 0.8 is wrong by CLI.md: ours must give `ours` instead
};

struct Expected {
  int status;
  std::string out;
};

struct Case {
  const char* name;
  std::vector<std::string> args;
  std::vector<std::pair<int, std::string>> data = {};  // descriptors holding this data
  Compare compare = Compare::all;
  const char* why = "";  // when not everything is compared
  Expected ours = {};    // Compare::differs
  bool differs_only_as_root = false;
};

std::vector<Case> cases() {
  const std::vector<std::string> root = {"--ro-bind", "/", "/"};
  auto with_root = [&](std::vector<std::string> before, std::vector<std::string> after) {
    before.insert(before.end(), root.begin(), root.end());
    before.insert(before.end(), after.begin(), after.end());
    return before;
  };
  std::string host_cgroup = read_link("/proc/self/ns/cgroup");
  std::string host_ipc = read_link("/proc/self/ns/ipc");
  std::string host_net = read_link("/proc/self/ns/net");
  return {
      {"id", with_root({}, {"id", "-u"})},
      {"exit-status", with_root({}, {"sh", "-c", "exit 7"})},
      {"killed", with_root({}, {"sh", "-c", "kill -9 $$"})},
      {"not-found", with_root({"--setenv", "PATH", "/usr/bin:/bin"}, {"no-such-command"})},
      {"not-executable", with_root({}, {"/etc/hostname"})},
      {"missing-source", {"--ro-bind", "/nonexistent-source", "/x", "true"}},
      {"try-source", with_root({"--ro-bind-try", "/nonexistent-source", "/x"}, {"true"})},
      {"unknown-option", {"--frobnicate"}},
      {"missing-value", {"--ro-bind", "/"}, {}, Compare::status,
       "bwrap 0.8 prints its whole usage; CLI.md asks for '--ro-bind takes two arguments'"},
      {"chdir-twice", with_root({"--chdir", "/", "--chdir", "/tmp"}, {"pwd"})},
      {"chdir", with_root({"--chdir", "/etc"}, {"sh", "-c", "pwd; echo $PWD"})},
      {"unshare-pid", with_root({"--unshare-pid"}, {"--proc", "/proc", "sh", "-c", "echo $$; echo /proc/[0-9]*"})},
      {"as-pid-1", with_root({"--unshare-pid", "--as-pid-1"}, {"--proc", "/proc", "sh", "-c", "echo $$"})},
      {"hostname", with_root({"--unshare-uts", "--hostname", "difftest"}, {"hostname"})},
      {"hostname-needs-uts", with_root({"--hostname", "x"}, {"true"})},
      {"unshare-net", with_root({"--unshare-net"}, {"sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"})},
      {"share-net", with_root({"--unshare-all", "--share-net"}, {"readlink", "/proc/self/ns/net"})},
      {"unshare-all", with_root({"--unshare-all"}, {"sh", "-c", "test \"$(readlink /proc/self/ns/net)\" != " + host_net + " && echo new-net"})},
      {"unshare-ipc", with_root({"--unshare-ipc"}, {"sh", "-c", "test \"$(readlink /proc/self/ns/ipc)\" != " + host_ipc + " && echo new-ipc"})},
      {"unshare-cgroup", with_root({"--unshare-cgroup"}, {"sh", "-c", "test \"$(readlink /proc/self/ns/cgroup)\" != " + host_cgroup + " && echo new-cgroup"})},
      {"unshare-cgroup-try", with_root({"--unshare-cgroup-try"}, {"sh", "-c", "test \"$(readlink /proc/self/ns/cgroup)\" != " + host_cgroup + " && echo new-cgroup"})},
      {"unshare-user", with_root({"--unshare-user", "--unshare-user-try", "--uid", "0", "--gid", "0"}, {"id"})},
      {"clearenv", with_root({"--clearenv", "--setenv", "A", "1"}, {"/usr/bin/env"})},
      {"unsetenv", with_root({"--unsetenv", "HOME"}, {"sh", "-c", "echo ${HOME-unset}"})},
      {"dir-perms", with_root({"--tmpfs", "/tmp", "--perms", "0700", "--dir", "/tmp/a/b"}, {"stat", "-c", "%a", "/tmp/a", "/tmp/a/b"})},
      {"symlink", with_root({"--tmpfs", "/tmp", "--symlink", "target", "/tmp/l"}, {"readlink", "/tmp/l"})},
      {"tmpfs-size-perms", with_root({"--size", "1048576", "--perms", "01777", "--tmpfs", "/tmp"},
                                     {"sh", "-c", "stat -c %a /tmp; grep ' /tmp ' /proc/self/mountinfo | grep -o 'size=[0-9a-z]*'"})},
      {"size-zero", with_root({"--size", "0", "--tmpfs", "/tmp"}, {"true"}), {}, Compare::status,
       "the wording names the value, as CLI.md asks for numbers"},
      {"perms-not-octal", with_root({"--perms", "0999", "--dir", "/tmp/x"}, {"true"}), {}, Compare::status,
       "the wording names the value, as CLI.md asks for numbers"},
      {"file", with_root({"--tmpfs", "/tmp", "--file", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f"}), {{5, "hello\n"}}},
      {"bind-data", with_root({"--tmpfs", "/tmp", "--bind-data", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f; echo more >> /tmp/f && cat /tmp/f"}), {{5, "hello\n"}}},
      {"ro-bind-data", with_root({"--tmpfs", "/tmp", "--perms", "0444", "--ro-bind-data", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f; touch /tmp/f 2>/dev/null || echo read-only"}), {{5, "hello\n"}}},
      {"dev", with_root({"--dev", "/dev"}, {"sh", "-c", "ls -A /dev; ls -A /dev/pts; echo x > /dev/null && echo null-works"})},
      {"proc", with_root({"--unshare-pid"}, {"--proc", "/proc", "sh", "-c", "echo /proc/[0-9]*; test -r /proc/self/status && echo status"})},
      {"remount-ro", with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp"}, {"sh", "-c", "touch /tmp/x 2>/dev/null || echo read-only"})},
      {"remount-ro-not-mountpoint", with_root({"--remount-ro", "/etc"}, {"true"}), {}, Compare::status,
       "bwrap names the path under its private /newroot; we name it as given"},
      {"chmod", with_root({"--tmpfs", "/tmp", "--dir", "/tmp/d", "--chmod", "0700", "/tmp/d"}, {"stat", "-c", "%a", "/tmp/d"})},
      {"dev-bind", {"--dev-bind", "/", "/", "sh", "-c", "echo x > /dev/null && echo ok"}},
      {"args", with_root({"--args", "5"}, {"sh", "-c", "echo $X; pwd"}), {{5, nul_terminated({"--setenv", "X", "from-args", "--chdir", "/usr"})}}},
      {"block-fd", with_root({"--block-fd", "5"}, {"echo", "ran"}), {{5, "x"}}},
      {"sync-fd", with_root({"--sync-fd", "5"}, {"echo", "ran"}), {{5, ""}}},
      {"lock-file", with_root({"--lock-file", "/etc/hostname"}, {"echo", "locked"})},
      {"new-session", with_root({"--new-session"}, {"sh", "-c", "read -r p c s pp pg sid rest < /proc/$$/stat; test $sid = $$ && echo leader"})},
      {"die-with-parent", with_root({"--die-with-parent"}, {"echo", "ok"})},
      {"cap-add", with_root({"--unshare-user", "--uid", "0", "--cap-add", "CAP_NET_ADMIN"}, {"grep", "^CapEff", "/proc/self/status"}),
       {}, Compare::differs,
       "run by root, bwrap 0.8 keeps root's capabilities; CLI.md: none but those added",
       {0, "CapEff:\t0000000000001000\n"}, true},
      {"cap-drop", with_root({"--cap-drop", "ALL"}, {"grep", "^CapEff", "/proc/self/status"})},
      {"seccomp", with_root({"--tmpfs", "/tmp", "--seccomp", "5"}, {"mkdir", "/tmp/x"}), {{5, seccomp_deny_mkdir(EXDEV)}}},
      {"add-seccomp-fd", with_root({"--tmpfs", "/tmp", "--add-seccomp-fd", "5", "--add-seccomp-fd", "6"}, {"mkdir", "/tmp/x"}),
       {{5, seccomp_deny_mkdir(EXDEV)}, {6, seccomp_deny_mkdir(ENOTTY)}}},
      {"seccomp-odd-size", with_root({"--seccomp", "5"}, {"true"}), {{5, "1234567"}}, Compare::status,
       "bwrap 0.8 says only 'Invalid argument'; ours names the option and the size"},
      {"mqueue", with_root({"--unshare-ipc", "--tmpfs", "/tmp", "--mqueue", "/tmp/mq"}, {"sh", "-c", "grep -c ' /tmp/mq .* mqueue ' /proc/self/mountinfo"})},
      {"disable-userns", with_root({"--unshare-user", "--disable-userns"}, {"sh", "-c", "unshare -U true 2>/dev/null || echo refused"})},
      {"assert-userns-disabled", with_root({"--unshare-user", "--assert-userns-disabled"}, {"true"}), {}, Compare::status,
       "the wording differs; both refuse"},
      {"exec-label", with_root({"--exec-label", "system_u:system_r:unconfined_t:s0", "--file-label", "system_u:object_r:tmp_t:s0"}, {"echo", "ok"}),
       {}, Compare::differs,
       "bwrap 0.8 refuses labels where SELinux is off; CLI.md: accepted and ignored there",
       {0, "ok\n"}},
      {"userns-block-fd-needs-info", with_root({"--userns-block-fd", "5"}, {"true"}), {{5, ""}}},
      {"userns-self", with_root({"--userns", "5"}, {"true"}), {}, Compare::status,
       "joining one's own user namespace fails in both; the wording differs"},
      {"info-fd-closed", with_root({"--info-fd", "9"}, {"true"}), {}, Compare::status,
       "bwrap 0.8 fails only when writing; ours checks first and names the option"},
  };
}

RunResult run_as(const std::string& binary, const Case& c) {
  RunOptions o;
  std::vector<int> opened;
  for (const auto& [fd, data] : c.data) {
    int m = data_fd(data);
    opened.push_back(m);
    o.fds.push_back({fd, m});
  }
  if (std::string(c.name) == "userns-self") {
    int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    opened.push_back(self);
    o.fds.push_back({5, self});
  }
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  RunResult r = run(argv, o);
  for (int fd : opened) close(fd);
  // Ours runs from a link to the binary; bwrap prints its own name in usage lines.
  r.err = std::regex_replace(r.err, std::regex(bwrap_bin()), kRealBwrap);
  return r;
}

class Differential : public SandboxTest, public ::testing::WithParamInterface<Case> {};

TEST_P(Differential, SameAsBwrap) {
  ASSERT_TRUE(exists(kRealBwrap)) << "Debian's bubblewrap package must be installed";
  const Case& c = GetParam();
  RunResult theirs = run_as(kRealBwrap, c);
  RunResult ours = run_as(bwrap_bin(), c);
  if (c.compare == Compare::differs && (!c.differs_only_as_root || getuid() == 0)) {
    EXPECT_STRNE(c.why, "");
    EXPECT_EQ(ours.status, c.ours.status) << ours.err;
    EXPECT_EQ(ours.out, c.ours.out);
    // The case must still show a difference, or it belongs with the others.
    EXPECT_TRUE(theirs.status != ours.status || theirs.out != ours.out) << c.why;
    return;
  }
  EXPECT_EQ(ours.status, theirs.status) << "bwrap stderr: " << theirs.err << "ours: " << ours.err;
  if (c.compare != Compare::status) {  // differs, as an unprivileged user: all
    EXPECT_EQ(ours.out, theirs.out);
  }
  if (c.compare == Compare::all || c.compare == Compare::differs) {
    EXPECT_EQ(ours.err, theirs.err);
  } else {
    EXPECT_STRNE(c.why, "") << "a case that compares less must say why";
  }
}

INSTANTIATE_TEST_SUITE_P(Bwrap080, Differential, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace sbtest
