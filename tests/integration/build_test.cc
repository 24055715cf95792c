// The build profile as builds use it: as the caller, so that real builds behave inside as
// they do outside, straight from the binary (its profiles are built in).
#include <signal.h>
#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "desktop.h"
#include "harness.h"

namespace sbtest {
namespace {

class Build : public SandboxTest {};

std::string caller_name() {
  passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_name : "";
}

// A small C project as autotools make them: ./configure writes the Makefile, make builds,
// make install DESTDIR=... stages (install -o: the files are the caller's).
void write_c_project(const std::string& dir) {
  mkdir(dir.c_str(), 0755);
  write_file(dir + "/hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello, built\"); return 0; }\n");
  write_file(dir + "/configure",
             "#!/bin/sh\nprefix=/usr/local\nfor a; do case $a in --prefix=*) prefix=${a#--prefix=};; esac; done\n"
             "command -v cc >/dev/null || { echo 'no C compiler' >&2; exit 1; }\n"
             "sed \"s|@prefix@|$prefix|; s|@user@|$(id -un)|\" Makefile.in > Makefile\necho configured\n",
             0755);
  write_file(dir + "/Makefile.in",
             "prefix = @prefix@\nhello: hello.c\n\tcc -O2 -o hello hello.c\n"
             "install: hello\n\tinstall -d $(DESTDIR)$(prefix)/bin\n"
             "\tinstall -o @user@ -m 755 hello $(DESTDIR)$(prefix)/bin/hello\n");
}

TEST_F(Build, RealBuildsBehaveAsOutsideFromTheBuiltInProfile) {
  TempDir home;
  // No profile file anywhere the search path looks: the built-in one serves.
  std::vector<std::string> vars{"HOME=" + home.path(), "XDG_CONFIG_HOME=" + (home / "config"), "LANG=C.UTF-8",
                                "TERM=dumb", "PATH=/usr/bin:/bin", "USER=" + caller_name()};
  mkdir((home / "src").c_str(), 0755);
  const std::string project = home / "src/hello";
  write_c_project(project);
  RunOptions in_project;
  in_project.cwd = project;
  in_project.timeout_seconds = 120;
  auto built = run(with_env(vars, sandbox({"--profile", "build", "--", "sh", "-c",
                                           "./configure --prefix=/usr && make >/dev/null && make install DESTDIR=$PWD/stage "
                                           ">/dev/null && ./stage/usr/bin/hello"})),
                   in_project);
  EXPECT_EQ(built.status, 0) << built.err;
  EXPECT_EQ(built.out, "configured\nhello, built\n");
  struct stat st {};
  ASSERT_EQ(stat((project + "/stage/usr/bin/hello").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, getuid());  // the caller's on the host, as install -o $USER made it inside

  // Who the build is: the caller, by name, to every way of asking.
  auto who = run(with_env(vars, sandbox({"--profile", "build", "--", "sh", "-c",
                                         "whoami; id -un; /usr/bin/python3 -c 'import getpass; print(getpass.getuser())'; "
                                         "ls -ln hello | cut -d' ' -f3; ls -l hello | cut -d' ' -f3"})),
                 in_project);
  EXPECT_EQ(who.status, 0) << who.err;
  const std::string name = caller_name(), uid = std::to_string(getuid());
  EXPECT_EQ(who.out, name + "\n" + name + "\n" + name + "\n" + uid + "\n" + name + "\n");

  // A tar archive of files owned by others unpacks as it would outside (the caller's files
  // then), and what it packs is the caller's.
  write_file(project + "/data", "payload\n");
  ASSERT_EQ(run({"tar", "--owner=4242", "--group=4242", "-C", project, "-cf", project + "/others.tar", "data"}).status, 0);
  auto tar = run(with_env(vars, sandbox({"--profile", "build", "--", "sh", "-c",
                                         "mkdir -p out && tar -C out -xf others.tar && cat out/data && "
                                         "tar -cf mine.tar out/data && tar -tvf mine.tar | cut -d' ' -f2"})),
                 in_project);
  if (getuid() != 0) {
    EXPECT_EQ(tar.status, 0) << tar.err;
    EXPECT_EQ(tar.out, "payload\n" + name + "/" + name + "\n");
  } else {
    // Root outside is root inside, but without capabilities: restoring others' ownership, which
    // root outside could, is refused, as it is to any unprivileged user who tries it.
    EXPECT_EQ(tar.status, 2);
    EXPECT_NE(tar.err.find("Cannot change ownership to uid 4242"), std::string::npos) << tar.err;
  }
  // As root inside (--no-as-user, for packaging), tar restores the owners, which are not mapped.
  auto as_root = run(with_env(vars, sandbox({"--profile", "build", "--no-as-user", "--", "sh", "-c",
                                             "id -u; mkdir -p out2 && tar -C out2 -xf others.tar 2>/dev/null || echo REFUSED"})),
                     in_project);
  EXPECT_EQ(as_root.out, "0\nREFUSED\n") << as_root.err;
}

TEST_F(Build, ProfilesListsWhatItCanSee) {
  TempDir config;
  mkdir((config / "sandbox").c_str(), 0755);
  mkdir((config / "sandbox/profiles").c_str(), 0755);
  write_file(config / "sandbox/profiles/build.profile", "--tmpfs /mine\n");
  write_file(config / "sandbox/profiles/web.profile", "include desktop\n");
  auto r = run(with_env({"XDG_CONFIG_HOME=" + config.path()}, sandbox({"--profiles"})));
  EXPECT_EQ(r.status, 0) << r.err;
  // Whatever else the machine has installed comes after these in the search path.
  auto out = lines(r.out);
  auto has = [&](const std::string& line) { return std::find(out.begin(), out.end(), line) != out.end(); };
  EXPECT_TRUE(has("build         " + (config / "sandbox/profiles/build.profile"))) << r.out;
  EXPECT_TRUE(has("web           " + (config / "sandbox/profiles/web.profile"))) << r.out;
  EXPECT_TRUE(has("shell         built-in") || r.out.find("shell.profile") != std::string::npos) << r.out;
  auto missing = run(with_env({"XDG_CONFIG_HOME=" + config.path()}, sandbox({"--profile", "nope", "true"})));
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find(", nor built in (build, desktop, shell): No such file or directory\n"), std::string::npos) << missing.err;
}

TEST_F(Build, TheMistakesOfTheFirstMinutesAreExplained) {
  TempDir d;
  auto nothing = run(sandbox({}));
  EXPECT_EQ(nothing.status, 125);
  EXPECT_EQ(nothing.err, "usage: " + sandbox_bin() + " [OPTIONS...] [--] COMMAND [ARGS...]\nsandbox: no COMMAND given; " +
                             sandbox_bin() + " --help lists the options with examples, and man sandbox says more\n");
  auto h = run(sandbox({"-h"}));
  EXPECT_EQ(h.status, 0);
  EXPECT_TRUE(h.out.starts_with("usage: ")) << h.out;
  auto typo = run(sandbox({"--bnid", "/", "/", "true"}));
  EXPECT_EQ(typo.status, 125);
  EXPECT_EQ(typo.err, "sandbox: Unknown option --bnid\nsandbox: hint: did you mean --bind?\n");
  auto far = run(sandbox({"--frobnicate", "true"}));
  EXPECT_EQ(far.err, "sandbox: Unknown option --frobnicate\n");
  // A command's option after an option that took the command as its value.
  auto swallowed = run(sandbox({"--setenv", "FOO", "sh", "-c", "true"}));
  EXPECT_EQ(swallowed.err, "sandbox: Unknown option -c\nsandbox: hint: --setenv before it takes two arguments (VAR VALUE) "
                           "and took: FOO sh\n");
  // HOME unset, with a profile that needs it: the line says so.
  auto homeless = run({"/usr/bin/env", "-u", "HOME", sandbox_bin(), "--profile", "build", "true"});
  EXPECT_EQ(homeless.status, 125);
  EXPECT_TRUE(homeless.err.starts_with("sandbox: <built-in>/build.profile:")) << homeless.err;
  EXPECT_TRUE(homeless.err.ends_with(": ${HOME} is not set\n")) << homeless.err;
  // An empty root: nothing to run, and what to give it.
  auto empty = run(sandbox({"ls"}));
  EXPECT_EQ(empty.status, 127);
  EXPECT_EQ(empty.err, "sandbox: execvp ls: No such file or directory\nsandbox: hint: the new root has no /usr, so nothing to "
                       "run: give it the host's (--ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink "
                       "usr/lib64 /lib64), a root folder (--bind ./busybox /), or a profile (--profile build)\n");
  // A file as the root, and a missing source, the same with --dry-run; nothing is made.
  write_file(d / "file", "x\n");
  const std::string not_dir = "sandbox: Can't make " + (d / "file") +
                              " the new root, which must be a directory: Not a directory (from --bind #1)\n";
  for (bool dry : {false, true}) {
    std::vector<std::string> argv = sandbox({"--bind", d / "file", "/", "true"});
    if (dry) argv.insert(argv.begin() + 1, "--dry-run");
    auto r = run(argv);
    EXPECT_EQ(r.status, 125);
    EXPECT_EQ(r.err, not_dir);
    argv = sandbox({"--bind", d / "none", "/", "true"});
    if (dry) argv.insert(argv.begin() + 1, "--dry-run");
    r = run(argv);
    EXPECT_EQ(r.status, 125);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "sandbox: Can't find source path " + (d / "none") + ": No such file or directory (from --bind #1)\n");
  }
  EXPECT_FALSE(exists(d / "none"));
  // --dry-run says where COMMAND would start, as the run decides it.
  auto directory_of = [&](std::vector<std::string> argv) {
    RunOptions in_d;
    in_d.cwd = d.path();
    for (const auto& line : lines(run(argv, in_d).out))
      if (line.starts_with("directory: ")) return line.substr(11);
    return std::string("(none)");
  };
  EXPECT_EQ(directory_of(sandbox({"--dry-run", "--bind", d.path(), d.path(), "true"})), d.path() + " (the caller's)");
  EXPECT_EQ(directory_of({"/usr/bin/env", "HOME=/usr/share", sandbox_bin(), "--dry-run", "--ro-bind", "/usr", "/usr", "true"}),
            "/usr/share ($HOME)");
  EXPECT_EQ(directory_of({"/usr/bin/env", "HOME=/nonexistent", sandbox_bin(), "--dry-run", "--ro-bind", "/usr", "/usr", "true"}),
            "/");
}

// The README's recipes, each line as printed, from the build tree: in a scratch directory
// where tests/ and build/ lead to this tree's, holding a small meson project.
TEST_F(Build, TheReadmeRecipesRunAsPrinted) {
  std::string readme = read_file(source_dir() + "/README.md");
  size_t at = readme.find("## Recipes");
  ASSERT_NE(at, std::string::npos);
  size_t begin = readme.find("```\n", at) + 4, end = readme.find("```", begin);
  std::vector<std::string> recipes;
  for (const auto& line : lines(readme.substr(begin, end - begin))) {
    std::string command = line.substr(0, line.find("  #"));
    command.erase(command.find_last_not_of(' ') + 1);
    recipes.push_back(command);
  }
  ASSERT_EQ(recipes.size(), 5u);
  ASSERT_TRUE(recipes[0].starts_with("export PATH="));
  TempDir scratch, home, data;
  ASSERT_EQ(symlink((source_dir() + "/tests").c_str(), (scratch / "tests").c_str()), 0);
  ASSERT_EQ(symlink(dir_of(sandbox_bin()).c_str(), (scratch / "build").c_str()), 0);
  write_file(scratch / "meson.build", "project('hello', 'c')\nexecutable('hello', 'hello.c')\n");
  write_file(scratch / "hello.c", "int main(void) { return 0; }\n");
  VirtualDisplay x;
  std::vector<std::string> vars = x.env();
  vars.insert(vars.end(), {"HOME=" + home.path(), "XDG_DATA_HOME=" + data.path(), "XDG_CONFIG_HOME=" + (home / "config"),
                           "PATH=/usr/bin:/bin", "TERM=dumb", "LANG=C.UTF-8"});
  auto as_printed = [&](size_t i) { return with_env(vars, {"sh", "-c", recipes[0] + "; " + recipes[i]}); };
  RunOptions opts;
  opts.cwd = scratch.path();
  opts.timeout_seconds = 300;
  auto rootfs_made = run(as_printed(1), opts);
  EXPECT_EQ(rootfs_made.status, 0) << rootfs_made.err;
  EXPECT_TRUE(exists(scratch / "busybox/bin/sh"));
  opts.input = "id -u; echo $HOME; pwd\n";
  auto shell = run(as_printed(2), opts);
  EXPECT_EQ(shell.status, 0) << shell.err;
  EXPECT_EQ(shell.out, "0\n/root\n/\n");
  opts.input.clear();
  auto built = run(as_printed(3), opts);
  EXPECT_EQ(built.status, 0) << built.out << built.err;
  EXPECT_TRUE(exists(scratch / "b/hello"));
  RunOptions in_scratch;
  in_scratch.cwd = scratch.path();
  Background clock(as_printed(4), in_scratch);
  EXPECT_FALSE(x.window("xclock").empty()) << clock.finish(1).err;
  kill(-clock.pid(), SIGTERM);  // the shell's process group: the shell, and sandbox, which ends xclock
  clock.finish();
}

}  // namespace
}  // namespace sbtest
