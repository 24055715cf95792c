// The same command lines through the installed bwrap (Debian's 0.8.0) and through sandbox
// invoked as bwrap: exit status, stdout and stderr must match, except where a case says why
// not. The behaviour matched is bubblewrap 0.11.1's: where 0.8.0 differs from it, the case
// says what 0.11.1 gives and checks that 0.8.0 still differs. Options that came after 0.8.0
// (--argv0, --level-prefix, the overlays) have tests of their own.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <optional>
#include <regex>

#include "harness.h"

namespace sbtest {
namespace {

constexpr const char* kRealBwrap = "/usr/bin/bwrap";

enum class Compare {
  all,         // status, stdout and stderr
  status_out,  // status and stdout
  status,      // status only
  differs,     // bwrap 0.8 differs from 0.11.1 or from CLI.md: ours must give `ours` instead
};

struct Expected {
  int status;
  std::string out;
  std::optional<std::string> err = {};  // checked when given
  bool out_is_prefix = false;
};

struct Case {
  const char* name;
  std::vector<std::string> args;
  std::vector<std::pair<int, std::string>> data = {};  // descriptors holding this data
  Compare compare = Compare::all;
  const char* why = "";  // when not everything is compared
  Expected ours = {};    // Compare::differs
  bool differs_only_as_root = false;
  std::optional<mode_t> umask = {};  // the caller's umask, when the case is about modes
  bool numbers_vary = false;         // pids and namespace ids in stdout: compared as N
  const char* sentence = nullptr;    // ours must fail with "bwrap: SENTENCE..." on stderr
};

// Runs of the same argument, for the 9000-argument cap.
std::vector<std::string> repeated(const std::string& arg, size_t n) { return std::vector<std::string>(n, arg); }

std::vector<Case> cases() {
  const std::vector<std::string> root = {"--ro-bind", "/", "/"};
  // The host's root read-only first, then `options`, so what they make is seen, then `command`.
  auto with_root = [&](std::vector<std::string> options, std::vector<std::string> command) {
    std::vector<std::string> argv = root;
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
  };
  // A failure bubblewrap reports with a fixed sentence: ours must print it too, as one line.
  auto says = [](const char* name, std::vector<std::string> args, const char* sentence,
                 std::vector<std::pair<int, std::string>> data = {}, Compare compare = Compare::all,
                 const char* why = "") {
    Case c{name, std::move(args), std::move(data), compare, why};
    c.sentence = sentence;
    return c;
  };
  // A case whose stdout holds pids and namespace ids, compared as N.
  auto numbers_vary = [](const char* name, std::vector<std::string> args) {
    Case c{name, std::move(args)};
    c.numbers_vary = true;
    return c;
  };
  std::string host_cgroup = read_link("/proc/self/ns/cgroup");
  std::string host_ipc = read_link("/proc/self/ns/ipc");
  std::string host_net = read_link("/proc/self/ns/net");
  const std::string me = std::to_string(getpid());
  std::vector<std::string> cap_9000 = repeated("--clearenv", 8998);
  cap_9000.insert(cap_9000.end(), {"--", "true"});
  std::vector<std::string> cap_9001 = cap_9000;
  cap_9001.insert(cap_9001.begin(), "--clearenv");
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
      {"size-zero", with_root({"--size", "0", "--tmpfs", "/tmp"}, {"true"})},
      {"perms-not-octal", with_root({"--perms", "0999", "--dir", "/tmp/x"}, {"true"})},
      {"file", with_root({"--tmpfs", "/tmp", "--file", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f"}), {{5, "hello\n"}}},
      {"bind-data", with_root({"--tmpfs", "/tmp", "--bind-data", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f; echo more >> /tmp/f && cat /tmp/f"}), {{5, "hello\n"}}},
      {"ro-bind-data", with_root({"--tmpfs", "/tmp", "--perms", "0444", "--ro-bind-data", "5", "/tmp/f"}, {"sh", "-c", "cat /tmp/f; stat -c %a /tmp/f; touch /tmp/f 2>/dev/null || echo read-only"}), {{5, "hello\n"}}},
      {"file-fd-twice", with_root({"--tmpfs", "/tmp", "--file", "5", "/tmp/a", "--file", "5", "/tmp/b"}, {"true"}),
       {{5, "hello\n"}}},
      {"bind-data-fd-twice",
       with_root({"--tmpfs", "/tmp", "--bind-data", "5", "/tmp/a", "--ro-bind-data", "5", "/tmp/b"}, {"true"}),
       {{5, "hello\n"}}},
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
      {"seccomp-odd-size", with_root({"--seccomp", "5"}, {"true"}), {{5, "1234567"}}},
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

      // --proc without a pid namespace binds the caller's procfs.
      {"proc-shared-pid", with_root({"--tmpfs", "/tmp", "--proc", "/proc"},
                                    {"sh", "-c", "test -r /proc/self/status && echo status; test -d /proc/" + me + " && echo caller"})},
      {"proc-shared-pid-ipc-net", with_root({"--unshare-ipc", "--unshare-net", "--unshare-uts", "--proc", "/proc"},
                                            {"sh", "-c", "test -d /proc/" + me + " && echo caller"})},
      // --symlink onto something else: 0.11.1 names what is there, and accepts an identical link.
      {"symlink-onto-other-link", with_root({"--tmpfs", "/tmp", "--symlink", "a", "/tmp/l", "--symlink", "b", "/tmp/l"}, {"true"}),
       {}, Compare::differs, "bwrap 0.8 says only 'File exists'",
       {1, "", "bwrap: Can't make symlink at /tmp/l: existing destination is a\n"}},
      {"symlink-onto-dir", with_root({"--tmpfs", "/tmp", "--dir", "/tmp/d", "--symlink", "a", "/tmp/d"}, {"true"}),
       {}, Compare::differs, "bwrap 0.8 says only 'File exists'",
       {1, "", "bwrap: Can't make symlink at /tmp/d: destination exists and is not a symlink\n"}},
      {"symlink-identical", with_root({"--tmpfs", "/tmp", "--symlink", "a", "/tmp/l", "--symlink", "a", "/tmp/l"}, {"readlink", "/tmp/l"}),
       {}, Compare::differs, "bwrap 0.8 refuses an identical link; 0.11.1 accepts it", {0, "a\n", ""}},
      // --json-status-fd: the exit-code line only when COMMAND ran.
      numbers_vary("json-status-setup-fails",
                   with_root({"--json-status-fd", "1", "--ro-bind", "/nonexistent-source", "/x"}, {"true"})),
      numbers_vary("json-status-exec-fails", with_root({"--json-status-fd", "1"}, {"/nonexistent-command"})),
      numbers_vary("json-status-exit",
                   with_root({"--json-status-fd", "1", "--unshare-pid"}, {"sh", "-c", "exit 3"})),
      // Modes are exact, whatever the umask; missing parents as bubblewrap makes them.
      {"modes-under-umask-077",
       with_root({"--unshare-pid", "--unshare-ipc", "--tmpfs", "/tmp", "--dir", "/tmp/a/b", "--perms", "0777", "--dir",
                  "/tmp/p", "--perms", "1777", "--dir", "/tmp/t", "--file", "5", "/tmp/f/g", "--bind-data", "6",
                  "/tmp/bd/x", "--ro-bind", "/etc/hostname", "/tmp/x/y", "--symlink", "a", "/tmp/s/l", "--perms",
                  "0750", "--tmpfs", "/tmp/u/v", "--proc", "/tmp/pr/q", "--dev", "/tmp/d/e", "--mqueue", "/tmp/m/n"},
                 {"sh", "-c", "stat -c '%a %n' /tmp/a /tmp/a/b /tmp/p /tmp/t /tmp/f /tmp/f/g /tmp/bd /tmp/bd/x /tmp/x "
                              "/tmp/s /tmp/u /tmp/u/v /tmp/pr /tmp/d /tmp/m /tmp; umask"}),
       {{5, "x"}, {6, "y"}}, Compare::all, "", {}, false, 077},
      // --size and --perms: the limit, bubblewrap's reading of numbers, once per operation.
      {"size-above-limit", with_root({"--size", "9223372036854775809", "--tmpfs", "/tmp"}, {"true"})},
      {"size-max-u64", with_root({"--size", "18446744073709551615", "--tmpfs", "/tmp"}, {"true"})},
      {"size-at-limit", with_root({"--size", "9223372036854775807", "--tmpfs", "/tmp"}, {"echo", "ok"})},
      {"size-hex", with_root({"--size", "0x100000", "--tmpfs", "/tmp"},
                             {"sh", "-c", "grep -o ' /tmp .*size=[0-9a-z]*' /proc/self/mountinfo | grep -o 'size=.*'"})},
      {"perms-twice", with_root({"--perms", "0700", "--perms", "0755", "--dir", "/tmp/x"}, {"true"})},
      {"size-twice", with_root({"--size", "100000", "--size", "200000", "--tmpfs", "/tmp/x"}, {"true"})},
      // Stacked programs: the last may deny prctl and seccomp, nothing runs after it but exec.
      {"seccomp-last-denies-prctl",
       with_root({"--tmpfs", "/tmp", "--add-seccomp-fd", "5", "--add-seccomp-fd", "6"}, {"sh", "-c", "mkdir /tmp/x; echo ran"}),
       {{5, seccomp_deny_mkdir(EXDEV)}, {6, seccomp_deny({SYS_prctl, SYS_seccomp}, EPERM)}}},
      {"seccomp-last-denies-prctl-pid-ns",
       with_root({"--unshare-pid", "--tmpfs", "/tmp", "--add-seccomp-fd", "5", "--add-seccomp-fd", "6"},
                 {"sh", "-c", "mkdir /tmp/x; echo ran"}),
       {{5, seccomp_deny_mkdir(EXDEV)}, {6, seccomp_deny({SYS_prctl, SYS_seccomp}, EPERM)}}},
      // An allow-list without wait4, as bubblewrap's own tests load it: with no pid namespace
      // there is no init, and COMMAND alone carries the program; with one, bubblewrap's init
      // carries it too, cannot wait, and fails.
      {"seccomp-allowlist-no-pid-ns", with_root({"--seccomp", "5"}, {syscall_probe_bin(), "64", "chmod", "1", "0"}),
       {{5, seccomp_allow_only(bwrap_test_allowlist(), ENOSYS)}}},
      {"seccomp-allowlist-stacked-no-pid-ns",
       with_root({"--add-seccomp-fd", "5", "--add-seccomp-fd", "6"}, {syscall_probe_bin(), "64", "chroot", "1"}),
       {{5, seccomp_deny({SYS_chmod}, ECONNREFUSED)}, {6, seccomp_allow_only(bwrap_test_allowlist(), ENOSYS)}}},
      says("seccomp-allowlist-pid-ns",
           with_root({"--unshare-pid", "--seccomp", "5"}, {syscall_probe_bin(), "64", "chmod", "1", "0"}),
           "init wait(): Function not implemented", {{5, seccomp_allow_only(bwrap_test_allowlist(), ENOSYS)}},
           Compare::status, "bubblewrap's COMMAND may print before its init dies and takes it along; ours never starts"),
      {"seccomp-empty", with_root({"--add-seccomp-fd", "5"}, {"true"}), {{5, ""}}},
      {"seccomp-fd-twice", with_root({"--add-seccomp-fd", "5", "--add-seccomp-fd", "5"}, {"true"}), {{5, ""}}},
      // Values bubblewrap refuses.
      {"args-9000", cap_9000},
      {"args-9001", cap_9001},
      {"args-9001-with-stream", with_root({"--args", "5"}, {"true"}), {{5, nul_terminated(repeated("--clearenv", 8997))}}},
      {"uid-4294967294", with_root({"--unshare-user", "--uid", "4294967294"}, {"true"})},
      {"uid-4294967295", with_root({"--unshare-user", "--uid", "4294967295"}, {"true"})},
      {"gid-2147483648", with_root({"--unshare-user", "--gid", "2147483648"}, {"true"})},
      {"dest-dotdot-tmpfs", with_root({"--tmpfs", "/.."}, {"ls", "-d", "/usr/bin"})},
      {"dest-dotdot-bind", with_root({"--ro-bind", "/usr", "/.."}, {"ls", "-d", "/boot", "/usr/bin"})},
      {"dest-above-root", with_root({"--tmpfs", "/../usr"}, {"ls", "-d", "/usr/bin"})},
      {"dest-dir-dotdot", with_root({"--tmpfs", "/tmp", "--tmpfs", "/tmp/.."}, {"/usr/bin/true"})},
      {"dest-dir-dotdot-bind", with_root({"--tmpfs", "/tmp", "--ro-bind", "/", "/tmp/.."}, {"ls", "-d", "/usr/bin"})},
      {"empty-try-source", with_root({"--bind-try", "", "/x"}, {"true"}), {}, Compare::differs,
       "bwrap 0.8 binds nothing and goes on; 0.13 refuses an empty path, and so do we",
       {1, "", "bwrap: --bind-try: empty path\n"}},
      {"version", {"--version"}, {}, Compare::differs, "0.8.0 names itself; we name 0.11.1, then ourselves",
       {0, "bubblewrap 0.11.1 (sandbox ", "", true}},
      {"no-command", {"--ro-bind", "/", "/"}, {}, Compare::status_out, "bwrap's usage lists its own options"},

      // bubblewrap's fixed sentences, which scripts match.
      says("msg-source", with_root({"--bind", "/nonexistent-source", "/x"}, {"true"}),
           "Can't find source path /nonexistent-source: "),
      says("msg-mkdir", with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp", "--dir", "/tmp/x"}, {"true"}),
           "Can't mkdir /tmp/x: "),
      says("msg-mkdir-parents", with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp", "--dir", "/tmp/x/y"}, {"true"}),
           "Can't mkdir parents for /tmp/x/y: "),
      says("msg-not-a-directory", with_root({"--dir", "/etc/hostname/x"}, {"true"}),
           "Can't mkdir parents for /etc/hostname/x: "),
      says("msg-create-file-at",
           with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp", "--ro-bind", "/etc/hostname", "/tmp/x"}, {"true"}),
           "Can't create file at /tmp/x: "),
      says("msg-create-file", with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp", "--file", "5", "/tmp/x"}, {"true"}),
           "Can't create file /tmp/x: ", {{5, "x"}}),
      says("msg-bind-data",
           with_root({"--tmpfs", "/tmp", "--remount-ro", "/tmp", "--bind-data", "5", "/tmp/x"}, {"true"}),
           "Can't create file at /tmp/x: ", {{5, "x"}}),
      says("msg-chmod", with_root({"--chmod", "0700", "/nonexistent"}, {"true"}), "Can't chmod 0700 /nonexistent: "),
      says("msg-remount", with_root({"--remount-ro", "/etc"}, {"true"}), "Can't remount readonly on /etc: ", {},
           Compare::status, "bwrap names the path under its private /newroot; we name it as given"),
      says("msg-lock-file", with_root({"--lock-file", "/nonexistent"}, {"true"}),
           "Unable to open lock file /nonexistent: "),
      says("msg-chdir", with_root({"--chdir", "/nonexistent"}, {"true"}), "Can't chdir to /nonexistent: "),
      says("msg-execvp", with_root({}, {"/nonexistent"}), "execvp /nonexistent: "),
      says("msg-invalid-fd", with_root({"--sync-fd", "x"}, {"true"}), "Invalid fd: x"),
      says("msg-unknown-option", {"--frobnicate"}, "Unknown option --frobnicate"),
      says("msg-takes-arguments", with_root({}, {"--setenv", "A"}), "--setenv takes two arguments", {},
           Compare::status, "bwrap 0.8 prints its usage"),
      says("msg-as-pid-1", with_root({"--as-pid-1"}, {"true"}), "Specifying --as-pid-1 requires --unshare-pid"),
      says("msg-as-pid-1-lock", with_root({"--unshare-pid", "--as-pid-1", "--lock-file", "/etc/hostname"}, {"true"}),
           "Specifying --as-pid-1 and --lock-file is not permitted"),
      says("msg-disable-userns", with_root({"--disable-userns"}, {"true"}), "--disable-userns requires --unshare-user"),
      says("msg-userns-unshare-user", with_root({"--unshare-user", "--userns", "5"}, {"true"}),
           "--userns not compatible --unshare-user", {{5, ""}}),
      says("msg-unknown-cap", with_root({"--cap-add", "CAP_NOPE"}, {"true"}), "unknown cap: CAP_NOPE"),
      says("msg-args-nested", with_root({"--args", "5"}, {"true"}), "--args not supported in arguments file",
           {{5, nul_terminated({"--args", "5"})}}),
      says("msg-args-read", with_root({"--args", "9"}, {"true"}), "Can't read --args data: "),
      says("msg-seccomp-read", with_root({"--seccomp", "9"}, {"true"}), "Can't read seccomp data: "),
      says("msg-seccomp-size", with_root({"--seccomp", "5"}, {"true"}), "Invalid seccomp data, must be multiple of 8",
           {{5, "123"}}),
      says("msg-perms", with_root({"--perms", "8", "--dir", "/x"}, {"true"}), "--perms takes an octal argument <= 07777"),
      says("msg-size-limit", with_root({"--size", "9223372036854775808", "--tmpfs", "/x"}, {"true"}),
           "--size (for tmpfs) is limited to 9223372036854775807"),
      says("msg-perms-twice", with_root({"--perms", "0700", "--perms", "0700", "--dir", "/x"}, {"true"}),
           "--perms given twice for the same action"),
      says("msg-perms-unused", with_root({"--perms", "0700", "--bind", "/tmp", "/tmp"}, {"true"}),
           "--perms must be followed by an option that creates a file"),
      {"perms-before-command", with_root({"--perms", "0700"}, {"echo", "ran"})},
      says("msg-size-unused", with_root({"--size", "1", "--dir", "/x"}, {"true"}), "--size must be followed by --tmpfs"),
      says("msg-uid", with_root({"--uid", "x"}, {"true"}), "Invalid uid: x"),
      says("msg-too-many", cap_9001, "Exceeded maximum number of arguments 9000"),
      says("msg-hostname", with_root({"--hostname", "h"}, {"true"}), "Specifying --hostname requires --unshare-uts"),
  };
}

RunResult run_as(const std::string& binary, const Case& c) {
  RunOptions o;
  o.umask = c.umask;
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
  if (c.numbers_vary) r.out = std::regex_replace(r.out, std::regex("[0-9]+"), "N");
  return r;
}

class Differential : public SandboxTest, public ::testing::WithParamInterface<Case> {};

TEST_P(Differential, SameAsBwrap) {
  ASSERT_TRUE(exists(kRealBwrap)) << "Debian's bubblewrap package must be installed";
  const Case& c = GetParam();
  RunResult theirs = run_as(kRealBwrap, c);
  RunResult ours = run_as(bwrap_bin(), c);
  if (c.sentence) {  // the fixed sentence, in both
    EXPECT_EQ(ours.status, 1);
    EXPECT_TRUE(ours.err.starts_with(std::string("bwrap: ") + c.sentence)) << ours.err;
    EXPECT_EQ(lines(ours.err).size(), 1u) << ours.err;
  }
  if (c.compare == Compare::differs && (!c.differs_only_as_root || getuid() == 0)) {
    EXPECT_STRNE(c.why, "");
    EXPECT_EQ(ours.status, c.ours.status) << ours.err;
    if (c.ours.out_is_prefix) {
      EXPECT_TRUE(ours.out.starts_with(c.ours.out)) << ours.out;
    } else {
      EXPECT_EQ(ours.out, c.ours.out);
    }
    if (c.ours.err) {
      EXPECT_EQ(ours.err, *c.ours.err);
    }
    // The case must still show a difference, or it belongs with the others.
    EXPECT_TRUE(theirs.status != ours.status || theirs.out != ours.out || theirs.err != ours.err) << c.why;
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
