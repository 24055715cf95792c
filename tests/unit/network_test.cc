// --network, --publish, --netns and the registry's pure parts: no privilege, no network.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/parse.h"
#include "launch/join.h"
#include "launch/registry.h"
#include "net/pasta.h"
#include "net/publish.h"

namespace sb {
namespace {

Result<cli::Parsed> parse(std::vector<std::string> args) { return cli::parse(args, "sandbox"); }

std::string error_of(std::vector<std::string> args, const char* argv0 = "sandbox") {
  auto p = cli::parse(args, argv0);
  if (!p) return p.error().message();
  auto v = cli::validate(p->spec);
  return v ? "" : v.error().message();
}

TEST(Network, Publish) {
  auto p = net::parse_publish("8080:80");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->address, "");
  EXPECT_EQ(p->host_port, 8080);
  EXPECT_EQ(p->port, 80);
  EXPECT_FALSE(p->udp);
  auto a = net::parse_publish("127.0.0.1:5353:53/udp");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address, "127.0.0.1");
  EXPECT_TRUE(a->udp);
  auto six = net::parse_publish("[::1]:8443:443/tcp");
  ASSERT_TRUE(six);
  EXPECT_EQ(six->address, "::1");
  EXPECT_EQ(six->host_port, 8443);
  for (const char* bad : {"", "80", ":80", "80:", "a:b", "1:2:3:4", "0:1", "1:65536", "1:2/icmp", "[::1]8080:80",
                          "[::1:8080:80", "[]:1:2", "::1:1:2", "host.example:1:2", "1:2/", "-1:2"})
    EXPECT_FALSE(net::parse_publish(bad)) << bad;
}

TEST(Network, PastaCommandLine) {
  auto p = parse({"--network", "pasta", "--publish", "127.0.0.1:8080:80", "--publish", "[::1]:5353:53/udp", "true"});
  ASSERT_TRUE(p);
  std::vector<std::string> expected = {"pasta", "--config-net", "--foreground", "--quiet", "--runas", "1000:100",
                                       "--pid", "/proc/self/fd/9",
                                       "-t", "127.0.0.1/8080:80", "-u", "::1/5353:53", "-T", "none", "-U", "none", "42"};
  EXPECT_EQ(net::pasta_argv(p->spec, 42, 9, 1000, 100), expected);
  // Nothing published: nothing forwarded inwards either (pasta's default would follow what
  // is bound inside), and never the host's loopback services at the sandbox's own 127.0.0.1.
  auto bare = parse({"--network", "pasta", "true"});
  ASSERT_TRUE(bare);
  expected = {"pasta", "--config-net", "--foreground", "--quiet", "--runas", "0:0", "--pid", "/proc/self/fd/3",
              "-t", "none", "-u", "none", "-T", "none", "-U", "none", "7"};
  EXPECT_EQ(net::pasta_argv(bare->spec, 7, 3, 0, 0), expected);
}

TEST(Network, Modes) {
  auto none = parse({"true"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->spec.ns.net);
  EXPECT_FALSE(none->spec.pasta);
  auto host = parse({"--network", "host", "true"});
  ASSERT_TRUE(host);
  EXPECT_FALSE(host->spec.ns.net);
  auto pasta = parse({"--share-net", "--network", "pasta", "true"});
  ASSERT_TRUE(pasta);
  EXPECT_TRUE(pasta->spec.ns.net);
  EXPECT_TRUE(pasta->spec.pasta);
  auto joined = parse({"--netns", "/proc/7/ns/net", "true"});
  ASSERT_TRUE(joined);
  EXPECT_FALSE(joined->spec.ns.net);
  EXPECT_EQ(joined->spec.netns_path, "/proc/7/ns/net");
  EXPECT_EQ(error_of({"--network", "pasta", "--share-net", "true"}),
            "--network pasta needs the sandbox's own network namespace: drop --share-net");
  EXPECT_EQ(error_of({"--network", "host", "--publish", "1:2", "true"}), "--publish 1:2: needs --network pasta");
  EXPECT_EQ(error_of({"--name", "a", "--as-pid-1", "true"}),
            "--name needs the init process, which --join asks to start the joined COMMAND: drop --as-pid-1");
  // Without a pid namespace of its own, nothing could end a joined process with the sandbox.
  EXPECT_EQ(error_of({"--name", "a", "--share-pid", "true"}),
            "--name needs a pid namespace of the sandbox's own, so that joined processes end with it: drop --share-pid");
  EXPECT_EQ(error_of({"--name", "a", "--ro-bind", "/", "/", "true"}, "bwrap"),
            "--name needs a pid namespace of the sandbox's own, so that joined processes end with it: add --unshare-pid");
  EXPECT_EQ(error_of({"--name", "a", "--unshare-pid", "--ro-bind", "/", "/", "true"}, "bwrap"), "");
  EXPECT_EQ(error_of({"--name", "a", "--pidns", "5", "--share-pid", "true"}), "");
}

TEST(Network, NamesListAndJoin) {
  for (const char* good : {"web", "build-1", "a.b_c", "X"}) EXPECT_EQ(error_of({"--name", good, "true"}), "") << good;
  for (const char* bad : {"", ".hidden", "-x", "a/b", "a b", "é"})
    EXPECT_NE(error_of({"--name", bad, "true"}), "") << bad;
  auto list = parse({"--list"});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->spec.action, Action::list);
  EXPECT_TRUE(cli::validate(list->spec));
  auto join = parse({"--join", "web", "--", "ls", "-l"});
  ASSERT_TRUE(join);
  EXPECT_EQ(join->spec.action, Action::join);
  EXPECT_EQ(join->spec.join_target, "web");
  EXPECT_EQ(join->spec.command, (std::vector<std::string>{"ls", "-l"}));
  auto shell = parse({"--join", "4242"});
  ASSERT_TRUE(shell);
  EXPECT_TRUE(shell->spec.command.empty());
  EXPECT_TRUE(cli::validate(shell->spec));  // COMMAND defaults to the sandbox's shell
  EXPECT_EQ(error_of({"--join", "web", "--bind", "/", "/", "ls"}), "--join takes no other option: --bind: Invalid argument");
  EXPECT_EQ(error_of({"--ro-bind", "/", "/", "--list"}), "--list takes no other option: --ro-bind: Invalid argument");
  EXPECT_EQ(error_of({"--list", "ls"}), "--list takes no COMMAND: Invalid argument");
  EXPECT_EQ(error_of({"--level-prefix", "--list"}), "");
}

TEST(Registry, Entries) {
  std::string text = launch::describe_entry("web", "0123abcd", 1234, 1200, 5000, {"sh", "-c", "echo a\nb"});
  EXPECT_EQ(text, "web 0123abcd 1234 1200 5000\nsh -c echo a b");
  auto l = launch::parse_entry(text, 65500);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->name, "web");
  EXPECT_EQ(l->id, "0123abcd");
  EXPECT_EQ(l->pid, 1234);
  EXPECT_EQ(l->monitor, 1200);
  EXPECT_DOUBLE_EQ(l->uptime, 60.5);
  EXPECT_EQ(l->command, "sh -c echo a b");
  // The name is part of every answer, and only a registrable one is taken.
  for (const char* bad : {"", "1 2\nx", "a b c\nx", "w i 1 2 -3\n", "w i 1 2\n", ".w i 1 2 3\n", "w  1 2 3\n",
                          "a/b i 1 2 3\n", "w i 1 2 3 4\n"})
    EXPECT_FALSE(launch::parse_entry(bad, 0)) << bad;
  EXPECT_EQ(launch::format_uptime(7.9), "0:07");
  EXPECT_EQ(launch::format_uptime(3723), "1:02:03");
  EXPECT_EQ(launch::format_uptime(2 * 86400 + 3 * 3600 + 4 * 60 + 5), "2-03:04:05");
}

}  // namespace
}  // namespace sb
