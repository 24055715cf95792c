/* A network of the test's own, so that what pasta relays never leaves the machine: runs
 * COMMAND in a new user, network and mount namespace where the caller is root, with
 *   - lo up;
 *   - a tap interface eth0, 10.0.2.15/24, default route through 10.0.2.2: this process holds
 *     the tap and never reads it, so what is routed there goes nowhere;
 *   - /etc/resolv.conf naming 127.0.0.1, and with --dns NAME=ADDR a DNS server on
 *     127.0.0.1:53 that answers NAME with the IPv4 address ADDR, and every other name with
 *     NXDOMAIN (every other type with no answer);
 *   - with --no-tun, /dev/net/tun replaced by /dev/null, as pasta finds it where it cannot
 *     use it.
 * pasta, started inside, copies eth0's address and routes into the sandbox and relays
 * connections to the gateway 10.0.2.2 to this namespace's loopback.
 * usage: netlab [--dns NAME=ADDR] [--no-tun] -- COMMAND [ARGS...] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(125);
}

static void write_to(const char *path, const char *text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) die(path);
  close(fd);
}

static void set_addr(int sock, struct ifreq *ifr, unsigned long request, const char *addr) {
  struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;
  memset(sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, addr, &sin->sin_addr);
  if (ioctl(sock, request, ifr) < 0) die("ioctl address");
}

static void up(int sock, const char *name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) die("SIOCGIFFLAGS");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) die("SIOCSIFFLAGS");
}

/* One answer per query: NAME's A record, no record for another type, NXDOMAIN otherwise. */
static void serve_dns(const char *name, struct in_addr addr) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons(53)};
  inet_pton(AF_INET, "127.0.0.1", &at.sin_addr);
  if (s < 0 || bind(s, (struct sockaddr *)&at, sizeof at) < 0) die("dns: bind 127.0.0.1:53");
  for (;;) {
    unsigned char q[512], r[600];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, q, sizeof q, 0, (struct sockaddr *)&from, &len);
    if (n < 17) continue;
    /* The question's name, as dotted text, and where the question ends. */
    char asked[256] = "";
    size_t at_q = 12, out = 0;
    while (at_q < (size_t)n && q[at_q] && out < sizeof asked - 64) {
      size_t l = q[at_q++];
      if (at_q + l > (size_t)n) break;
      if (out) asked[out++] = '.';
      memcpy(asked + out, q + at_q, l);
      out += l;
      at_q += l;
    }
    asked[out] = 0;
    size_t end = at_q + 1 + 4; /* the root label, type, class */
    if (end > (size_t)n) continue;
    int type = q[at_q + 1] << 8 | q[at_q + 2];
    int known = strcasecmp(asked, name) == 0;
    memcpy(r, q, end);
    r[2] = 0x81;
    r[3] = known ? 0x80 : 0x83;
    r[4] = 0, r[5] = 1;                 /* one question */
    r[6] = 0, r[7] = known && type == 1; /* one answer for A */
    memset(r + 8, 0, 4);
    size_t rn = end;
    if (known && type == 1) {
      unsigned char answer[16] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};
      memcpy(answer + 12, &addr, 4);
      memcpy(r + rn, answer, 16);
      rn += 16;
    }
    sendto(s, r, rn, 0, (struct sockaddr *)&from, len);
  }
}

int main(int argc, char **argv) {
  const char *dns = NULL;
  int no_tun = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; ++i) {
    if (strcmp(argv[i], "--dns") == 0 && i + 1 < argc) dns = argv[++i];
    else if (strcmp(argv[i], "--no-tun") == 0) no_tun = 1;
    else break;
  }
  if (i >= argc - 1 || strcmp(argv[i], "--") != 0) {
    fprintf(stderr, "usage: netlab [--dns NAME=ADDR] [--no-tun] -- COMMAND [ARGS...]\n");
    return 2;
  }
  char **command = argv + i + 1;

  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) < 0) die("unshare");
  char map[64];
  snprintf(map, sizeof map, "0 %u 1\n", uid);
  write_to("/proc/self/uid_map", map);
  write_to("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "0 %u 1\n", gid);
  write_to("/proc/self/gid_map", map);

  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("mount --make-rprivate /");
  if (mount("netlab", "/mnt", "tmpfs", 0, "mode=0755") < 0) die("mount tmpfs /mnt");
  int f = open("/mnt/resolv.conf", O_WRONLY | O_CREAT, 0644);
  if (f < 0 || write(f, "nameserver 127.0.0.1\n", 21) != 21) die("/mnt/resolv.conf");
  close(f);
  if (mount("/mnt/resolv.conf", "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0) die("bind /etc/resolv.conf");

  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  if (sock < 0) die("socket");
  up(sock, "lo");
  int tun = open("/dev/net/tun", O_RDWR); /* held, never read, until COMMAND ends */
  if (tun < 0) die("/dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, "eth0", IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(tun, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  set_addr(sock, &ifr, SIOCSIFADDR, "10.0.2.15");
  set_addr(sock, &ifr, SIOCSIFNETMASK, "255.255.255.0");
  up(sock, "eth0");
  struct rtentry route;
  memset(&route, 0, sizeof route);
  struct sockaddr_in *dst = (struct sockaddr_in *)&route.rt_dst, *gw = (struct sockaddr_in *)&route.rt_gateway,
                     *mask = (struct sockaddr_in *)&route.rt_genmask;
  dst->sin_family = gw->sin_family = mask->sin_family = AF_INET;
  inet_pton(AF_INET, "10.0.2.2", &gw->sin_addr);
  route.rt_flags = RTF_UP | RTF_GATEWAY;
  route.rt_dev = "eth0";
  if (ioctl(sock, SIOCADDRT, &route) < 0) die("SIOCADDRT");
  close(sock);
  if (no_tun && mount("/dev/null", "/dev/net/tun", NULL, MS_BIND, NULL) < 0) die("bind /dev/null on /dev/net/tun");

  if (dns) {
    char name[256];
    snprintf(name, sizeof name, "%s", dns);
    char *eq = strchr(name, '=');
    struct in_addr addr;
    if (!eq || inet_pton(AF_INET, eq + 1, &addr) != 1) {
      fprintf(stderr, "netlab: --dns NAME=IPV4\n");
      return 2;
    }
    *eq = 0;
    pid_t parent = getpid();
    pid_t server = fork();
    if (server < 0) die("fork");
    if (server == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      close(tun);
      serve_dns(name, addr);
    }
  }
  execvp(command[0], command);
  die(command[0]);
}
