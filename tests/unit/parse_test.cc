#include "cli/parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "cli/options.h"

namespace sb::cli {
namespace {

Result<Parsed> parse_args(std::initializer_list<std::string> a, std::string argv0 = "sandbox") {
  std::vector<std::string> v(a);
  return parse(v, argv0);
}

Spec must_parse(std::initializer_list<std::string> a) {
  auto r = parse_args(a);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? r->spec : Spec{};
}

std::string error_of(std::initializer_list<std::string> a, std::string argv0 = "sandbox") {
  auto r = parse_args(a, argv0);
  if (r) r.error();  // unreachable when parsing failed
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().message();
}

TEST(Parse, SyscallPolicyOptions) {
  Spec s = must_parse({"--seccomp-deny", "mkdir:EACCES", "--seccomp-allow", "keyctl", "--log-denials", "-", "true"});
  EXPECT_EQ(s.seccomp_profile, "default");
  ASSERT_EQ(s.seccomp_adjustments.size(), 2u);
  EXPECT_EQ(s.seccomp_adjustments[0], (security::Adjustment{"mkdir", true, EACCES, "--seccomp-deny mkdir:EACCES"}));
  EXPECT_EQ(s.seccomp_adjustments[1], (security::Adjustment{"keyctl", false, 0, "--seccomp-allow keyctl"}));
  EXPECT_EQ(s.log_denials, "-");
  EXPECT_EQ(must_parse({"--seccomp-profile", "/p.json", "true"}).seccomp_profile, "/p.json");
  auto bwrap = parse_args({"true"}, "bwrap");
  ASSERT_TRUE(bwrap);
  EXPECT_EQ(bwrap->spec.seccomp_profile, "none");
  auto twice = parse_args({"--seccomp-profile", "none", "--seccomp-profile", "default", "true"});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->spec.seccomp_profile, "default");
  EXPECT_EQ(twice->warnings, (std::vector<std::string>{"Only the last --seccomp-profile option will take effect"}));
  EXPECT_EQ(error_of({"--seccomp-deny", "mkdir:nope", "true"}),
            "--seccomp-deny mkdir:nope: 'nope' is not an errno name such as EPERM: Invalid argument");
  EXPECT_EQ(error_of({"--seccomp-deny", "", "true"}), "--seccomp-deny : no system call named: Invalid argument");
  EXPECT_EQ(error_of({"--seccomp-profile"}), "--seccomp-profile takes one argument");
}

TEST(Parse, TcpPortOptions) {
  Spec s = must_parse({"--allow-tcp-connect", "443", "--allow-tcp-connect", "8000-8080", "--allow-tcp-bind", "0", "true"});
  EXPECT_EQ(s.tcp_connect, (std::vector<PortRange>{{443, 443, "--allow-tcp-connect 443"}, {8000, 8080, "--allow-tcp-connect 8000-8080"}}));
  EXPECT_EQ(s.tcp_bind, (std::vector<PortRange>{{0, 0, "--allow-tcp-bind 0"}}));
  EXPECT_TRUE(s.landlock);
  EXPECT_TRUE(must_parse({"--no-landlock", "true"}).landlock_off);
  for (const char* bad : {"65536", "-1", "1-", "-5", "1-2-3", "a", "", "80 "})
    EXPECT_EQ(error_of({"--allow-tcp-bind", bad, "true"}),
              std::string("--allow-tcp-bind ") + bad + ": takes a port, or a range FIRST-LAST, from 0 to 65535: Invalid argument")
        << bad;
}

TEST(Parse, CommandAfterOptions) {
  Spec s = must_parse({"--bind", "/a", "/b", "ls", "-l", "--bind"});
  EXPECT_EQ(s.command, (std::vector<std::string>{"ls", "-l", "--bind"}));
  EXPECT_EQ(s.action, Action::run);
}

TEST(Parse, DoubleDashEndsOptions) {
  Spec s = must_parse({"--chdir", "/", "--", "--help"});
  EXPECT_EQ(s.command, (std::vector<std::string>{"--help"}));
  EXPECT_EQ(s.action, Action::run);
}

TEST(Parse, DefaultsAreAllNamespacesNoCaps) {
  Spec s = must_parse({"true"});
  EXPECT_EQ(s.ns, Namespaces{});
  EXPECT_TRUE(s.ns.net && s.ns.pid && s.ns.ipc && s.ns.uts && s.ns.cgroup);
  EXPECT_EQ(s.caps, 0u);
  EXPECT_FALSE(s.uid.has_value());
  EXPECT_EQ(s.personality, Personality::native);
}

TEST(Parse, ShareOptions) {
  Spec s = must_parse({"--share-net", "--share-pid", "--share-ipc", "--share-uts", "--share-cgroup", "x"});
  EXPECT_FALSE(s.ns.net || s.ns.pid || s.ns.ipc || s.ns.uts || s.ns.cgroup);
  EXPECT_TRUE(s.ns.user && s.ns.mount);
}

TEST(Parse, EachShareOptionOnlyItsNamespace) {
  EXPECT_FALSE(must_parse({"--share-net", "x"}).ns.net);
  EXPECT_TRUE(must_parse({"--share-net", "x"}).ns.pid);
  EXPECT_FALSE(must_parse({"--share-pid", "x"}).ns.pid);
  EXPECT_FALSE(must_parse({"--share-ipc", "x"}).ns.ipc);
  EXPECT_FALSE(must_parse({"--share-uts", "x"}).ns.uts);
  EXPECT_FALSE(must_parse({"--share-cgroup", "x"}).ns.cgroup);
}

TEST(Parse, Ids) {
  Spec s = must_parse({"--uid", "1000", "--gid", "4294967293", "x"});
  EXPECT_EQ(s.uid, 1000u);
  EXPECT_EQ(s.gid, 4294967293u);
}

// bubblewrap reads ids into an int: 2^31 and up are refused, in its words.
TEST(Parse, BwrapIds) {
  auto ok = parse_args({"--uid", "2147483647", "--gid", "0", "x"}, "bwrap");
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->spec.uid, 2147483647u);
  EXPECT_EQ(error_of({"--uid", "2147483648", "x"}, "bwrap"), "Invalid uid: 2147483648");
  EXPECT_EQ(error_of({"--uid", "4294967294", "x"}, "bwrap"), "Invalid uid: 4294967294");
  EXPECT_EQ(error_of({"--gid", "4294967295", "x"}, "bwrap"), "Invalid gid: 4294967295");
  EXPECT_EQ(error_of({"--gid", "-1", "x"}, "bwrap"), "Invalid gid: -1");
  EXPECT_EQ(error_of({"--uid", "", "x"}, "bwrap"), "Invalid uid: ");
}

TEST(Parse, BadIds) {
  EXPECT_EQ(error_of({"--uid", "1x", "x"}), "--uid: invalid id '1x'");
  EXPECT_EQ(error_of({"--uid", "-1", "x"}), "--uid: invalid id '-1'");
  EXPECT_EQ(error_of({"--gid", "4294967295", "x"}), "--gid: invalid id '4294967295'");
  // (uid_t)-2 is no id either: the kernel's "unset" is -1, and -2 its neighbour in every tool.
  EXPECT_EQ(error_of({"--uid", "4294967294", "x"}), "--uid: invalid id '4294967294'");
  EXPECT_EQ(error_of({"--gid", "99999999999999999999999", "x"}),
            "--gid: invalid id '99999999999999999999999'");
  EXPECT_EQ(error_of({"--uid", "", "x"}), "--uid: invalid id ''");
  EXPECT_EQ(error_of({"--uid", " 1", "x"}), "--uid: invalid id ' 1'");
}

TEST(Parse, Hostname) { EXPECT_EQ(must_parse({"--hostname", "box", "x"}).hostname, "box"); }

TEST(Parse, BindsInOrder) {
  Spec s = must_parse({"--bind", "a", "b", "--bind-try", "c", "d", "--ro-bind", "e", "f",
                       "--ro-bind-try", "g", "h", "--dev-bind", "i", "j", "--dev-bind-try", "k",
                       "l", "x"});
  // Natively a minimal /dev comes first where nothing mounts on /dev or on the root.
  std::vector<MountOp> want = {
      DevOp{"/dev", true},
      BindOp{"a", "b", BindKind::rw, false, std::nullopt}, BindOp{"c", "d", BindKind::rw, true, std::nullopt},
      BindOp{"e", "f", BindKind::ro, false, std::nullopt}, BindOp{"g", "h", BindKind::ro, true, std::nullopt},
      BindOp{"i", "j", BindKind::dev, false, std::nullopt}, BindOp{"k", "l", BindKind::dev, true, std::nullopt}};
  EXPECT_EQ(s.mounts, want);
  EXPECT_EQ(s.mount_origin(0).str(), "the automatic --dev /dev");
  EXPECT_EQ(s.mount_origin(4).str(), "--ro-bind-try #1");
  EXPECT_EQ(s.mount_origin(5).str(), "--dev-bind #1");
}

TEST(Parse, FilesystemOps) {
  Spec s = must_parse({"--proc", "/proc", "--dev", "/dev", "--perms", "0700", "--size", "4096",
                       "--tmpfs", "/t", "--perms", "01777", "--dir", "/d", "--dir", "/e",
                       "--symlink", "usr/bin", "/bin", "--remount-ro", "/", "--chmod", "0644",
                       "/f", "x"});
  std::vector<MountOp> want = {ProcOp{"/proc"},
                               DevOp{"/dev"},
                               TmpfsOp{"/t", 4096, 0700},
                               DirOp{"/d", 01777},
                               DirOp{"/e", std::nullopt},
                               SymlinkOp{"usr/bin", "/bin"},
                               RemountRoOp{"/"},
                               ChmodOp{0644, "/f"}};
  EXPECT_EQ(s.mounts, want);
}

// Natively, a minimal /dev where the command line mounts nothing on /dev: after an operation
// that makes the root (which would hide it), before the rest; none under bwrap, with
// --no-auto-dev, or where anything lands on /dev itself.
TEST(Parse, AutomaticDev) {
  Spec rooted = must_parse({"--bind", "./busybox", "/", "--proc", "/proc", "--dev-bind", "/dev/dri", "/dev/dri", "sh"});
  std::vector<MountOp> want = {BindOp{"./busybox", "/", BindKind::rw, false, std::nullopt}, DevOp{"/dev", true},
                               ProcOp{"/proc"}, BindOp{"/dev/dri", "/dev/dri", BindKind::dev, false, std::nullopt}};
  EXPECT_EQ(rooted.mounts, want);
  EXPECT_EQ(rooted.mount_origin(1).str(), "the automatic --dev /dev");
  EXPECT_EQ(rooted.mount_origin(2).str(), "--proc #1");
  for (auto args : std::vector<std::vector<std::string>>{{"--dev", "/dev", "x"},
                                                          {"--dev-bind", "/dev", "/dev", "x"},
                                                          {"--tmpfs", "//dev/", "x"},
                                                          {"--symlink", "/run/dev", "/dev", "x"},
                                                          {"--no-auto-dev", "--proc", "/proc", "x"}}) {
    auto r = parse(args, "sandbox");
    ASSERT_TRUE(r);
    EXPECT_EQ(std::count_if(r->spec.mounts.begin(), r->spec.mounts.end(),
                            [](const MountOp& op) { return std::holds_alternative<DevOp>(op) && std::get<DevOp>(op).automatic; }),
              0)
        << args[0];
  }
  auto bwrap = parse_args({"--proc", "/proc", "x"}, "bwrap");
  ASSERT_TRUE(bwrap);
  EXPECT_EQ(bwrap->spec.mounts, (std::vector<MountOp>{ProcOp{"/proc"}}));
  EXPECT_EQ(error_of({"--no-auto-dev", "x"}, "bwrap"), "Unknown option --no-auto-dev");
}

TEST(Parse, PerMsAndSizeInEitherOrder) {
  Spec s = must_parse({"--no-auto-dev", "--size", "1", "--perms", "0755", "--tmpfs", "/t", "x"});
  EXPECT_EQ(s.mounts, (std::vector<MountOp>{TmpfsOp{"/t", 1, 0755}}));
}

TEST(Parse, SizeAndPermsMustBeFollowed) {
  EXPECT_EQ(error_of({"--size", "100", "--dir", "/x", "y"}), "--size must be followed by --tmpfs");
  EXPECT_EQ(error_of({"--perms", "0700", "--bind", "/a", "/b", "y"}),
            "--perms must be followed by an option that creates a file");
  EXPECT_EQ(error_of({"--perms", "0700", "y"}),
            "--perms must be followed by an option that creates a file");
  EXPECT_EQ(error_of({"--size", "7", "y"}), "--size must be followed by --tmpfs");
}

TEST(Parse, BadModesAndSizes) {
  EXPECT_EQ(error_of({"--perms", "999", "--dir", "/x", "y"}),
            "--perms: invalid mode '999': takes an octal number <= 07777");
  EXPECT_EQ(error_of({"--perms", "010000", "--dir", "/x", "y"}),
            "--perms: invalid mode '010000': takes an octal number <= 07777");
  EXPECT_EQ(error_of({"--chmod", "0x7", "/x", "y"}),
            "--chmod: invalid mode '0x7': takes an octal number <= 07777");
  EXPECT_EQ(error_of({"--size", "0", "--tmpfs", "/x", "y"}),
            "--size: invalid size '0': takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "12k", "--tmpfs", "/x", "y"}),
            "--size: invalid size '12k': takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "18446744073709551616", "--tmpfs", "/x", "y"}),
            "--size: invalid size '18446744073709551616': takes a non-zero number of bytes");
  // bubblewrap's limit: half the address space.
  EXPECT_EQ(error_of({"--size", "9223372036854775808", "--tmpfs", "/x", "y"}),
            "--size: 9223372036854775808 bytes is more than the limit, 9223372036854775807");
  EXPECT_EQ(error_of({"--size", "18446744073709551615", "--tmpfs", "/x", "y"}),
            "--size: 18446744073709551615 bytes is more than the limit, 9223372036854775807");
  EXPECT_EQ(std::get<TmpfsOp>(must_parse({"--no-auto-dev", "--size", "9223372036854775807", "--tmpfs", "/x", "y"})
                                  .mounts[0])
                .size,
            INT64_MAX);
}

// Under bwrap, bubblewrap's own sentences, and its reading of --size (C's strtoull, base 0).
TEST(Parse, BwrapModesAndSizes) {
  EXPECT_EQ(error_of({"--perms", "999", "--dir", "/x", "y"}, "bwrap"), "--perms takes an octal argument <= 07777");
  EXPECT_EQ(error_of({"--chmod", "0x7", "/x", "y"}, "bwrap"), "--chmod takes an octal argument <= 07777");
  EXPECT_EQ(error_of({"--size", "0", "--tmpfs", "/x", "y"}, "bwrap"), "--size takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "-1", "--tmpfs", "/x", "y"}, "bwrap"), "--size takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", " 1", "--tmpfs", "/x", "y"}, "bwrap"), "--size takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "0x", "--tmpfs", "/x", "y"}, "bwrap"), "--size takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "18446744073709551616", "--tmpfs", "/x", "y"}, "bwrap"),
            "--size takes a non-zero number of bytes");
  EXPECT_EQ(error_of({"--size", "9223372036854775809", "--tmpfs", "/x", "y"}, "bwrap"),
            "--size (for tmpfs) is limited to 9223372036854775807");
  EXPECT_EQ(error_of({"--size", "18446744073709551615", "--tmpfs", "/x", "y"}, "bwrap"),
            "--size (for tmpfs) is limited to 9223372036854775807");
  auto size_of = [](std::string v) {
    auto r = parse_args({"--size", v, "--tmpfs", "/x", "y"}, "bwrap");
    return r ? std::get<TmpfsOp>(r->spec.mounts[0]).size.value_or(0) : 0;
  };
  EXPECT_EQ(size_of("1048576"), 1048576u);
  EXPECT_EQ(size_of("0x100000"), 1048576u);
  EXPECT_EQ(size_of("0X10"), 16u);
  EXPECT_EQ(size_of("010"), 8u);
  EXPECT_EQ(size_of("9223372036854775807"), static_cast<uint64_t>(INT64_MAX));
}

// Two --perms or two --size for one operation: an error, as bubblewrap has it.
TEST(Parse, PermsOrSizeTwiceForOneOperation) {
  for (std::string argv0 : {"sandbox", "bwrap"}) {
    EXPECT_EQ(error_of({"--perms", "0700", "--perms", "0755", "--dir", "/x", "y"}, argv0),
              "--perms given twice for the same action");
    EXPECT_EQ(error_of({"--size", "1", "--perms", "0700", "--size", "2", "--tmpfs", "/x", "y"}, argv0),
              "--size given twice for the same action");
    // One each for two operations is fine.
    auto r = parse_args({"--perms", "0700", "--dir", "/a", "--perms", "0755", "--dir", "/b", "y"}, argv0);
    ASSERT_TRUE(r) << r.error().message();
    std::vector<MountOp> want = {DirOp{"/a", 0700}, DirOp{"/b", 0755}};
    if (argv0 == "sandbox") want.insert(want.begin(), DevOp{"/dev", true});
    EXPECT_EQ(r->spec.mounts, want);
  }
}

TEST(Parse, Environment) {
  Spec s = must_parse({"--setenv", "A", "1", "--unsetenv", "B", "--clearenv", "--setenv", "C",
                       "", "x"});
  std::vector<EnvOp> want = {{EnvOp::Kind::set, "A", "1"},
                             {EnvOp::Kind::unset, "B", ""},
                             {EnvOp::Kind::clear, "", ""},
                             {EnvOp::Kind::set, "C", ""}};
  EXPECT_EQ(s.env, want);
}

TEST(Parse, ProcessFlags) {
  Spec s = must_parse({"--chdir", "/w", "--argv0", "zero", "--die-with-parent", "--new-session",
                       "--as-pid-1", "--keep-fd", "5", "--keep-fd", "9", "x"});
  EXPECT_EQ(s.chdir, "/w");
  EXPECT_EQ(s.argv0, "zero");
  EXPECT_TRUE(s.die_with_parent && s.new_session && s.as_pid_1);
  EXPECT_EQ(s.keep_fds, (std::vector<int>{5, 9}));
  Spec d = must_parse({"x"});
  EXPECT_FALSE(d.die_with_parent || d.new_session || d.as_pid_1);
  EXPECT_FALSE(d.chdir || d.argv0);
}

TEST(Parse, Capabilities) {
  EXPECT_EQ(must_parse({"--cap-add", "CAP_NET_ADMIN", "x"}).caps, uint64_t{1} << 12);
  EXPECT_EQ(must_parse({"--cap-add", "cap_chown", "x"}).caps, uint64_t{1} << 0);
  EXPECT_EQ(must_parse({"--cap-add", "sys_admin", "x"}).caps, uint64_t{1} << 21);
  EXPECT_EQ(must_parse({"--cap-add", "ALL", "--cap-drop", "CAP_SYS_ADMIN", "x"}).caps,
            ~(uint64_t{1} << 21));
  EXPECT_EQ(must_parse({"--cap-add", "CAP_CHOWN", "--cap-drop", "ALL", "x"}).caps, 0u);
  EXPECT_EQ(error_of({"--cap-add", "CAP_FLY", "x"}), "--cap-add: unknown capability 'CAP_FLY'");
  EXPECT_EQ(error_of({"--cap-drop", "", "x"}), "--cap-drop: unknown capability ''");
}

TEST(Parse, KeepFdIsStrict) {
  EXPECT_EQ(error_of({"--keep-fd", "-1", "x"}), "Invalid fd: -1");
  EXPECT_EQ(error_of({"--keep-fd", "3x", "x"}), "Invalid fd: 3x");
  EXPECT_EQ(error_of({"--keep-fd", "2147483648", "x"}), "Invalid fd: 2147483648");
}

TEST(Parse, UnknownOption) {
  EXPECT_EQ(error_of({"--frobnicate", "x"}), "Unknown option --frobnicate");
  EXPECT_EQ(error_of({"-", "x"}), "Unknown option -");
  EXPECT_EQ(error_of({"--bind=a", "x"}), "Unknown option --bind=a");
}

TEST(Parse, NativeOnlyOptionsUnknownToBwrap) {
  EXPECT_EQ(error_of({"--share-pid", "x"}, "/usr/bin/bwrap"), "Unknown option --share-pid");
  EXPECT_EQ(error_of({"--keep-fd", "4", "x"}, "bwrap"), "Unknown option --keep-fd");
}

TEST(Parse, MissingValues) {
  EXPECT_EQ(error_of({"--bind", "a"}), "--bind takes two arguments");
  EXPECT_EQ(error_of({"--chdir"}), "--chdir takes one argument");
  EXPECT_EQ(error_of({"--symlink"}), "--symlink takes two arguments");
  EXPECT_EQ(error_of({"--setenv", "A"}), "--setenv takes two arguments");
}

TEST(Parse, EveryOptionWithTooFewValuesFails) {
  for (const auto& o : option_table()) {
    if (o.arity == 0) continue;
    std::vector<std::string> args{std::string(o.name)};
    for (int i = 0; i + 1 < o.arity; ++i) args.push_back("v");
    auto r = parse(args, "sandbox");
    ASSERT_FALSE(r.has_value()) << o.name;
    EXPECT_NE(r.error().message().find(" takes "), std::string::npos) << o.name;
  }
}

TEST(Parse, SingleValuedTwiceWarnsAndLastWins) {
  auto r = parse_args({"--chdir", "/a", "--chdir", "/b", "--uid", "1", "--uid", "2", "x"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->spec.chdir, "/b");
  EXPECT_EQ(r->spec.uid, 2u);
  EXPECT_EQ(r->warnings, (std::vector<std::string>{"Only the last --chdir option will take effect",
                                                   "Only the last --uid option will take effect"}));
}

TEST(Parse, HelpAndVersionStopParsing) {
  EXPECT_EQ(must_parse({"--help", "--frob"}).action, Action::help);
  EXPECT_EQ(must_parse({"--version"}).action, Action::version);
}

TEST(Parse, Personality) {
  EXPECT_EQ(personality_for("bwrap"), Personality::bwrap);
  EXPECT_EQ(personality_for("/usr/local/bin/bwrap"), Personality::bwrap);
  EXPECT_EQ(personality_for("sandbox"), Personality::native);
  EXPECT_EQ(personality_for("bwrap2"), Personality::native);
  EXPECT_EQ(personality_for("/bwrap/sandbox"), Personality::native);
}

TEST(Help, ListsEveryOptionOfThePersonalityGrouped) {
  std::string native = help_text("./sandbox", Personality::native);
  EXPECT_TRUE(native.starts_with("usage: ./sandbox [OPTIONS...] [--] COMMAND [ARGS...]\n"));
  for (const auto& o : option_table()) {
    bool listed = native.find("  " + std::string(o.name) + " ") != std::string::npos ||
                  native.find("  " + std::string(o.name) + "[=") != std::string::npos;
    EXPECT_EQ(listed, (o.personalities & kNative) != 0) << o.name;
  }
  for (Group g : {Group::general, Group::namespaces, Group::filesystem, Group::process, Group::syscalls, Group::status})
    EXPECT_NE(native.find(std::string(group_title(g)) + ":\n"), std::string::npos);
  std::string bwrap = help_text("bwrap", Personality::bwrap);
  EXPECT_TRUE(bwrap.starts_with("usage: bwrap "));
  EXPECT_EQ(bwrap.find("--share-pid"), std::string::npos);
}

TEST(Table, NamesAreUniqueAndArityMatchesMetavar) {
  std::set<std::string_view> names;
  for (const auto& o : option_table()) {
    EXPECT_TRUE(names.insert(o.name).second) << o.name;
    EXPECT_TRUE(o.name.starts_with("--")) << o.name;
    // An option also written --name=WORD shows that as its metavar, and takes no separate word.
    if (o.flags & kEqualsForm) {
      EXPECT_TRUE(o.metavar.starts_with("[=")) << o.name;
    }
    int words = o.metavar.empty() || (o.flags & kEqualsForm) ? 0 : 1;
    for (char c : o.metavar) words += c == ' ';
    EXPECT_EQ(words, o.arity) << o.name;
    EXPECT_FALSE(o.help.empty()) << o.name;
    EXPECT_EQ(find_option(o.name), &o);
  }
}

}  // namespace
}  // namespace sb::cli

namespace sb::cli {
namespace {

// --args through a fake reader: descriptor N yields streams[N].
Result<Parsed> parse_with_streams(std::vector<std::string> args, std::map<int, std::string> streams) {
  return parse(args, "sandbox", [&](int fd) -> Result<std::string> {
    auto it = streams.find(fd);
    if (it == streams.end()) return fail("Can't read --args " + std::to_string(fd), EBADF);
    return it->second;
  });
}

std::string nul(std::initializer_list<std::string> args) {
  std::string out;
  for (const auto& a : args) out += a + std::string(1, '\0');
  return out;
}

TEST(Args, SplicedInPlace) {
  auto r = parse_with_streams({"--chdir", "/a", "--args", "3", "--hostname", "h", "cmd"},
                              {{3, nul({"--chdir", "/b", "--uid", "7"})}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->spec.chdir, "/b");
  EXPECT_EQ(r->spec.uid, 7u);
  EXPECT_EQ(r->spec.hostname, "h");
  EXPECT_EQ(r->spec.command, (std::vector<std::string>{"cmd"}));
  EXPECT_EQ(r->warnings, (std::vector<std::string>{"Only the last --chdir option will take effect"}));
}

TEST(Args, StreamMayHoldTheCommandAndEmptyStreamIsNothing) {
  auto r = parse_with_streams({"--args", "3", "--args", "4"}, {{3, ""}, {4, nul({"--", "ls", "-l"})}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->spec.command, (std::vector<std::string>{"ls", "-l"}));
}

TEST(Args, Errors) {
  EXPECT_EQ(parse_with_streams({"--args", "3", "x"}, {{3, std::string("--chdir\0/a", 10)}}).error().message(),
            "--args 3: the last argument is not terminated by NUL: Invalid argument");
  EXPECT_EQ(parse_with_streams({"--args", "3", "x"}, {{3, nul({"--args", "4"})}, {4, ""}}).error().message(),
            "--args is not allowed inside an --args stream");
  EXPECT_EQ(parse_with_streams({"--args", "x3", "x"}, {}).error().message(), "Invalid fd: x3");
  EXPECT_EQ(parse_with_streams({"--args", "5", "x"}, {}).error().message(), "Can't read --args 5: Bad file descriptor");
  EXPECT_EQ(parse_with_streams({"--args"}, {}).error().message(), "--args takes one argument");
}

TEST(Args, CapCountsEveryStreamNotTheCommandLine) {
  std::string half;
  for (int i = 0; i < 4500; ++i) half += nul({"--clearenv"});
  EXPECT_TRUE(parse_with_streams({"--args", "3", "--args", "4", "x"}, {{3, half}, {4, half}}));
  EXPECT_EQ(parse_with_streams({"--args", "3", "--args", "4", "x"}, {{3, half}, {4, half + nul({"--clearenv"})}})
                .error()
                .message(),
            "--args 4: too many arguments: at most 9000: Argument list too long");
  std::vector<std::string> many;
  for (int i = 0; i < 3001; ++i) many.insert(many.end(), {"--ro-bind", "/a", "/b" + std::to_string(i)});
  many.push_back("x");
  auto direct = parse_with_streams(many, {});
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->spec.mounts.size(), 3002u);  // and the automatic /dev
}

// bubblewrap reads a stream as options only, each with its values inside the stream: "--" or
// a word that is not an option ends it, and the rest of it is ignored.
TEST(Args, BwrapStreamsHoldOptionsOnly) {
  auto bwrap_parse = [](std::vector<std::string> args, std::map<int, std::string> streams) {
    return parse(args, "bwrap", [&](int fd) -> Result<std::string> {
      auto it = streams.find(fd);
      if (it == streams.end()) return fail("Can't read --args " + std::to_string(fd), EBADF);
      return it->second;
    });
  };
  auto r = bwrap_parse({"--args", "3", "--chdir", "/c", "cmd"}, {{3, nul({"--setenv", "A", "b", "ls", "--uid", "7"})}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->spec.env, (std::vector<EnvOp>{{EnvOp::Kind::set, "A", "b"}}));
  EXPECT_FALSE(r->spec.uid);
  EXPECT_EQ(r->spec.chdir, "/c");
  EXPECT_EQ(r->spec.command, (std::vector<std::string>{"cmd"}));
  r = bwrap_parse({"--args", "3", "cmd"}, {{3, nul({"--clearenv", "--", "--uid", "7"})}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->spec.uid);
  EXPECT_EQ(r->spec.command, (std::vector<std::string>{"cmd"}));
  // An unterminated last argument stands as it is.
  r = bwrap_parse({"--args", "3", "cmd"}, {{3, std::string("--chdir\0/a", 10)}});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->spec.chdir, "/a");
  EXPECT_EQ(bwrap_parse({"--args", "3", "/x", "cmd"}, {{3, nul({"--setenv", "A"})}}).error().message(),
            "--setenv takes two arguments");
  EXPECT_EQ(bwrap_parse({"--args", "3", "cmd"}, {{3, nul({"--args", "4"})}}).error().message(),
            "--args not supported in arguments file");
  EXPECT_EQ(bwrap_parse({"--args", "5", "cmd"}, {}).error().message(), "Can't read --args data: Bad file descriptor");
}

// bubblewrap counts every argument, the command line's and the streams' together.
TEST(Args, BwrapCapsEverything) {
  auto bwrap_parse = [](std::vector<std::string> args, std::map<int, std::string> streams) {
    return parse(args, "/usr/bin/bwrap", [&](int fd) -> Result<std::string> { return streams.at(fd); });
  };
  std::vector<std::string> line(8999, "--clearenv");
  line.push_back("x");  // 9000 in all
  EXPECT_TRUE(bwrap_parse(line, {}));
  line.insert(line.begin(), "--clearenv");
  EXPECT_EQ(bwrap_parse(line, {}).error().message(), "Exceeded maximum number of arguments 9000");
  // 8997 on the line, "--args 3" among them, and 3 from the stream: 9000, then 9001.
  std::vector<std::string> with_args(8994, "--clearenv");
  with_args.insert(with_args.end(), {"--args", "3", "x"});
  EXPECT_TRUE(bwrap_parse(with_args, {{3, nul({"--clearenv", "--clearenv", "--clearenv"})}}));
  EXPECT_EQ(bwrap_parse(with_args, {{3, nul({"--clearenv", "--clearenv", "--clearenv", "--clearenv"})}})
                .error()
                .message(),
            "Exceeded maximum number of arguments 9000");
}

}  // namespace
}  // namespace sb::cli
