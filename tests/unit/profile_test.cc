// Profiles (--profile): splitting lines, variables, includes, the search path, and how the
// parser takes their options, with FILE:LINE in every message. No privilege.
#include "config/profile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/parse.h"

namespace sb {
namespace {

config::Variables vars(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> texts(const std::vector<config::Word>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w.text);
  return out;
}

TEST(Profile, SplitsLikeAShell) {
  auto words = config::split_profile(
      "# a comment\n"
      "--ro-bind /usr /usr   # after the words\n"
      "\n"
      "--setenv GREETING \"hello, ${USER}: \\\"\\$5\\\" each\"\n"
      "--bind '/a b' /c\\ d\n"
      "--dir ${HOME}/x\"${UID}\"y\n",
      "p.profile", vars({{"USER", "ann"}, {"HOME", "/home/ann"}, {"UID", "1000"}}));
  ASSERT_TRUE(words) << words.error().message();
  EXPECT_EQ(texts(*words), (std::vector<std::string>{"--ro-bind", "/usr", "/usr", "--setenv", "GREETING",
                                                     "hello, ann: \"$5\" each", "--bind", "/a b", "/c d", "--dir",
                                                     "/home/ann/x1000y"}));
  EXPECT_EQ((*words)[0], (config::Word{"--ro-bind", "p.profile:2", true}));
  EXPECT_EQ((*words)[1], (config::Word{"/usr", "p.profile:2", false}));
  EXPECT_EQ((*words)[3].where, "p.profile:4");
  EXPECT_EQ((*words)[9].where, "p.profile:6");
}

TEST(Profile, BadLinesNameTheirLine) {
  auto error = [](const std::string& text, config::Variables v = vars({})) {
    auto r = config::split_profile(text, "p.profile", v);
    return r ? std::string("") : r.error().message();
  };
  EXPECT_EQ(error("--dir /x\n--dir ${DISPLAY}\n"), "p.profile:2: ${DISPLAY} is not set");
  EXPECT_EQ(error("--dir ${SHELL}"),
            "p.profile:1: ${SHELL} is not a variable a profile can use (HOME USER UID GID PWD XDG_RUNTIME_DIR DISPLAY "
            "WAYLAND_DISPLAY)");
  EXPECT_EQ(error("--dir $HOME"), "p.profile:1: a $ not followed by {NAME}: write \\$ for a dollar sign");
  EXPECT_EQ(error("\n\n--dir '/x"), "p.profile:3: a ' that is not closed");
  EXPECT_EQ(error("--dir \"/x"), "p.profile:1: a \" that is not closed");
  EXPECT_EQ(error("--dir /x\\"), "p.profile:1: a \\ at the end of the line");
  EXPECT_EQ(error(std::string("--dir /x\0y", 10)), "p.profile:1: a NUL byte");
}

class ProfileFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/profile-test-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl));
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }
  Result<std::vector<config::Word>> read(const std::string& name) {
    return config::read_profile(name, vars({{"HOME", "/home/ann"}}), {dir_});
  }
  std::string dir_;
};

TEST_F(ProfileFiles, IncludesAndTheSearchPath) {
  write("base.profile", "--ro-bind /usr /usr\n");
  write("app.profile", "include base\n--tmpfs /tmp\n");
  auto words = read("app");
  ASSERT_TRUE(words) << words.error().message();
  EXPECT_EQ(texts(*words), (std::vector<std::string>{"--ro-bind", "/usr", "/usr", "--tmpfs", "/tmp"}));
  EXPECT_EQ((*words)[0].where, dir_ + "/base.profile:1");
  EXPECT_EQ((*words)[3].where, dir_ + "/app.profile:2");
  // By path too.
  EXPECT_TRUE(read(dir_ + "/app.profile"));
  write("loop.profile", "--dir /x\ninclude loop2\n");
  write("loop2.profile", "include loop\n");
  auto loop = read("loop");
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().message(), dir_ + "/loop2.profile:1: include loop: profiles include each other");
  write("bad.profile", "include\n");
  EXPECT_EQ(read("bad").error().message(), dir_ + "/bad.profile:1: include takes one profile NAME or PATH");
  EXPECT_EQ(read("none").error().message(),
            "--profile none: no none.profile in " + dir_ + ", nor built in (build, desktop, shell): No such file or directory");
  // A shipped profile is built in, where no file of its name is found first.
  auto builtin = read("shell");
  ASSERT_TRUE(builtin) << builtin.error().message();
  EXPECT_EQ((*builtin)[0].where, "<built-in>/shell.profile:9");
  write("shell.profile", "--tmpfs /mine\n");
  EXPECT_EQ(texts(*read("shell")), (std::vector<std::string>{"--tmpfs", "/mine"}));
  write("app2.profile", "include desktop\n");
  EXPECT_TRUE(read("app2"));
  EXPECT_EQ(config::visible_profiles({dir_, dir_ + "/nonexistent"}),
            (std::vector<std::pair<std::string, std::string>>{
                {"app", dir_ + "/app.profile"}, {"app2", dir_ + "/app2.profile"}, {"bad", dir_ + "/bad.profile"},
                {"base", dir_ + "/base.profile"}, {"build", "built-in"}, {"desktop", "built-in"},
                {"loop", dir_ + "/loop.profile"}, {"loop2", dir_ + "/loop2.profile"}, {"shell", dir_ + "/shell.profile"}}));
  EXPECT_EQ(config::profile_search_path(vars({{"HOME", "/home/ann"}}), "/usr/share/sandbox/profiles"),
            (std::vector<std::string>{"/home/ann/.config/sandbox/profiles", "/etc/sandbox/profiles",
                                      "/usr/share/sandbox/profiles"}));
  EXPECT_EQ(config::profile_search_path(vars({{"XDG_CONFIG_HOME", "/cfg"}, {"HOME", "/h"}}), ""),
            (std::vector<std::string>{"/cfg/sandbox/profiles", "/etc/sandbox/profiles"}));
}

TEST_F(ProfileFiles, TheParserTakesTheirOptionsWithTheirOrigins) {
  write("p.profile", "--ro-bind /usr /usr\n--hostname inner\n--tmpfs /tmp\n");
  auto reader = [&](const std::string& name) { return read(name); };
  auto parsed = cli::parse(std::vector<std::string>{"--dir", "/d", "--profile", "p", "--hostname", "outer", "true"},
                           "sandbox", cli::read_whole_fd, reader);
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Spec& s = parsed->spec;
  EXPECT_EQ(s.hostname, "outer");  // the command line after the profile wins
  EXPECT_TRUE(parsed->warnings.empty());
  EXPECT_EQ(s.command, (std::vector<std::string>{"true"}));
  // The automatic /dev, --dir, then the profile's operations, named by their lines.
  ASSERT_EQ(s.mounts.size(), 4u);
  EXPECT_EQ(s.mount_origin(1).str(), "--dir #1");
  EXPECT_EQ(s.mount_origin(2).str(), dir_ + "/p.profile:1");
  EXPECT_EQ(s.mount_origin(3).str(), dir_ + "/p.profile:3");
  auto error = [&](const std::string& text) {
    write("e.profile", text);
    auto r = cli::parse(std::vector<std::string>{"--profile", "e", "true"}, "sandbox", cli::read_whole_fd, reader);
    return r ? std::string("") : r.error().message();
  };
  std::string e = dir_ + "/e.profile";
  EXPECT_EQ(error("--bind /a\n/b\n"), e + ":1: --bind takes two arguments, on its own line");
  EXPECT_EQ(error("--dir /a /b\n"), e + ":1: --dir takes one argument, on its own line");
  EXPECT_EQ(error("--perms 0700 --dir /a\n"), e + ":1: --perms takes one argument, on its own line");
  EXPECT_EQ(error("ls -l\n"), e + ":1: 'ls' is not an option (a profile holds options, one a line)");
  EXPECT_EQ(error("--frobnicate\n"), e + ":1: Unknown option --frobnicate");
  EXPECT_EQ(error("\n--perms 999\n--dir /a\n"),
            e + ":2: --perms: invalid mode '999': takes an octal number <= 07777");
  EXPECT_EQ(error("--profile other\n"), e + ":1: --profile in a profile: write include other");
  EXPECT_EQ(error("--hostname a\n--hostname b\n"), "");
  EXPECT_EQ(error("--args 3\n"), e + ":1: --args cannot be used in a profile");
  // The profile's last line, with nothing after it on the command line.
  write("end.profile", "--bind /a\n");
  auto end = cli::parse(std::vector<std::string>{"--profile", "end"}, "sandbox", cli::read_whole_fd, reader);
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().message(), dir_ + "/end.profile:1: --bind takes two arguments, on its own line");
  write("twice.profile", "--hostname a\n--hostname b\n");
  auto twice = cli::parse(std::vector<std::string>{"--profile", "twice", "true"}, "sandbox", cli::read_whole_fd, reader);
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->warnings, (std::vector<std::string>{dir_ + "/twice.profile:2: only the last --hostname option will "
                                                                "take effect"}));
  // Several profiles compose, in order.
  write("q.profile", "--hostname q\n");
  auto both = cli::parse(std::vector<std::string>{"--profile", "p", "--profile", "q", "true"}, "sandbox",
                         cli::read_whole_fd, reader);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->spec.hostname, "q");
}

// The profiles the project ships: installed, documented, and read through the option table
// into what their comments promise.
TEST(ShippedProfiles, AreInstalledDocumentedAndSayWhatTheyPromise) {
  const std::string dir = std::string(SANDBOX_SOURCE_DIR) + "/profiles";
  auto text_of = [](const std::string& rel) {
    std::ifstream in(std::string(SANDBOX_SOURCE_DIR) + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string meson_text = text_of("meson.build"), man_text = text_of("man/sandbox.1.scd");
  std::map<std::string, std::string> env{{"HOME", "/home/ann"}, {"USER", "ann"}, {"UID", "1000"}, {"GID", "1000"},
                                         {"PWD", "/home/ann/src/p"}, {"XDG_RUNTIME_DIR", "/run/user/1000"},
                                         {"DISPLAY", ":0"}, {"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"TERM", "xterm"}};
  auto reader = [&](const std::string& name) { return config::read_profile(name, vars(env), {dir}); };
  std::map<std::string, Spec> specs;
  for (const char* name : {"build", "desktop", "shell"}) {
    EXPECT_NE(meson_text.find(std::string("'profiles/") + name + ".profile'"), std::string::npos) << name;
    EXPECT_NE(man_text.find(std::string("\n*") + name + "*\n"), std::string::npos) << name;
    auto parsed = cli::parse(std::vector<std::string>{"--profile", name, "true"}, "sandbox", cli::read_whole_fd, reader, vars(env));
    ASSERT_TRUE(parsed) << name << ": " << parsed.error().message();
    EXPECT_EQ(parsed->warnings, std::vector<std::string>{}) << name;
    EXPECT_TRUE(cli::validate(parsed->spec)) << name;
    specs[name] = parsed->spec;
  }
  // build: a network of its own with nothing in it, a clean environment but for PATH, LANG and
  // TERM, the fresh HOME beneath the writable directory, gone with its parent.
  const Spec& build = specs["build"];
  EXPECT_TRUE(build.ns.net && build.ns.pid && !build.pasta);
  EXPECT_TRUE(build.die_with_parent);
  EXPECT_EQ(build.seccomp_profile, "default");
  EXPECT_EQ(build.env, (std::vector<EnvOp>{{EnvOp::Kind::clear, "", ""}, {EnvOp::Kind::set, "PATH", "/usr/bin:/bin"},
                                          {EnvOp::Kind::set, "LANG", "C.UTF-8"}, {EnvOp::Kind::set, "TERM", "xterm"},
                                          {EnvOp::Kind::set, "HOME", "/home/ann"}}));
  size_t home = 0, project = 0;
  for (size_t i = 0; i < build.mounts.size(); ++i) {
    if (build.mounts[i] == MountOp(TmpfsOp{"/home/ann", std::nullopt, 0700})) home = i;
    if (build.mounts[i] == MountOp(BindOp{"/home/ann/src/p", "/home/ann/src/p", BindKind::rw, false, std::nullopt})) project = i;
  }
  EXPECT_TRUE(home && project && home < project);
  EXPECT_EQ(build.chdir, "/home/ann/src/p");
  // desktop: the display and sound shared, no network, a fresh HOME.
  const Spec& desktop = specs["desktop"];
  EXPECT_TRUE(desktop.share_display && desktop.ns.net && !desktop.pasta);
  EXPECT_NE(std::find(desktop.runtime_sockets.begin(), desktop.runtime_sockets.end(),
                      Spec::RuntimeSocket{"/run/user/1000/pulse/native", "pulse/native", true, "--share-sound"}),
            desktop.runtime_sockets.end());
  // As the caller, in a clean environment, launched apps outliving their launcher; the bus
  // filtered down to the portals.
  EXPECT_TRUE(desktop.as_user && !desktop.die_with_parent);
  EXPECT_EQ(desktop.env.front(), (EnvOp{EnvOp::Kind::clear, "", ""}));
  ASSERT_TRUE(desktop.session_bus);
  EXPECT_EQ(desktop.session_bus->rules, (std::vector<std::string>{"--talk=org.freedesktop.portal.*"}));
  EXPECT_TRUE(desktop.session_bus->optional);
  EXPECT_NE(std::find(desktop.mounts.begin(), desktop.mounts.end(), MountOp(TmpfsOp{"/home/ann", std::nullopt, 0700})),
            desktop.mounts.end());
  // shell: over a root given before it, a /proc and a /tmp, and a login's environment.
  const Spec& shell = specs["shell"];
  EXPECT_EQ(shell.env.front(), (EnvOp{EnvOp::Kind::clear, "", ""}));
  EXPECT_EQ(shell.chdir, "/");
}

}  // namespace
}  // namespace sb
