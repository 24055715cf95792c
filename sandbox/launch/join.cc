#include "launch/join.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "launch/signals.h"
#include "sys/fdpass.h"

namespace sb::launch {

namespace {

constexpr size_t kMaxRequest = 60000;  // COMMAND and its arguments, as init's buffer holds them

void say(int conn, char what, int value) {
  char msg[2] = {what, static_cast<char>(value)};
  (void)::send(conn, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

void JoinService::on_connection() {
  unique_fd conn(::accept4(reg_.listener(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return;
  // Only the caller, from outside: a process inside a sandbox that reaches the registry (one
  // bound into it) gets nothing, not even an answer.
  if (!check_peer(conn.get(), reg_.userns(), "a --join connection")) return;
  // Who this is, first, on every connection: the name it claimed and the id chosen then, so
  // that an entry renamed by whatever can write the registry is found out before any request.
  std::string info = describe_entry(reg_.name(), reg_.id(), child_, ::getpid(), started_ms_, command_);
  if (::send(conn.get(), info.data(), info.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) return;
  pollfd p{conn.get(), POLLIN, 0};
  if (::poll(&p, 1, 1000) <= 0) return;
  auto request = sys::receive_with_fds(conn.get(), kMaxRequest + 1, 3, MSG_DONTWAIT);
  if (!request || request->data.empty()) return;  // --list: it had what it came for
  if ((request->data[0] != kAskJoin && request->data[0] != kAskJoinWith) || request->fds.size() != 3 || request->data.size() > kMaxRequest) {
    say(conn.get(), 'E', EPROTO);
    say(conn.get(), 'X', 125);
    return;
  }
  int fds[4] = {conn.get(), request->fds[0].get(), request->fds[1].get(), request->fds[2].get()};
  if (auto sent = sys::send_with_fds(to_init_.get(), request->data, fds); !sent) {
    say(conn.get(), 'E', sent.error().err ? sent.error().err : EPIPE);
    say(conn.get(), 'X', 125);
  }
}

std::string format_uptime(double seconds) {
  auto s = static_cast<long long>(seconds);
  long long days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, secs = s % 60;
  char buf[64];
  if (days) std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:%02lld", days, hours, minutes, secs);
  else if (hours) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", hours, minutes, secs);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", minutes, secs);
  return buf;
}

Result<int> run_list(std::vector<std::string>& warnings) {
  TRY_ASSIGN(auto all, list_sandboxes());
  warnings = std::move(all.warnings);
  std::printf("%-20s %8s %10s %s\n", "NAME", "PID", "UPTIME", "COMMAND");
  for (const auto& l : all.sandboxes)
    std::printf("%-20s %8d %10s %s\n", l.name.c_str(), l.pid, format_uptime(l.uptime).c_str(), l.command.c_str());
  return 0;
}

namespace {

// Sends `request` with `streams` on `conn`, then passes the caller's signals on until the
// joined process ends: its exit status.
Result<int> send_and_wait(int conn, const std::string& label, const std::string& request, const int streams[3],
                          const std::string& what, const std::function<void()>& connected) {
  if (request.size() > kMaxRequest)
    return fail(label + ": COMMAND, its arguments and environment are longer than 60000 bytes", E2BIG);
  // Signals for the joined COMMAND are passed on through init, as for a run.
  sigset_t set = forwarded_set();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  unique_fd sigfd(::signalfd(-1, &set, SFD_CLOEXEC));
  if (!sigfd) return fail_errno("signalfd");
  TRY(sys::send_with_fds(conn, request, std::span<const int>(streams, 3)));
  if (connected) connected();
  std::optional<int> exec_error;
  for (;;) {
    pollfd fds[2] = {{conn, POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_errno("poll");
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sigfd.get(), &si, sizeof si) == sizeof si) {
        auto sig = static_cast<unsigned char>(si.ssi_signo);
        (void)::send(conn, &sig, 1, MSG_NOSIGNAL);
      }
    }
    if (!fds[0].revents) continue;
    unsigned char msg[2];
    ssize_t n = ::recv(conn, msg, sizeof msg, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(label + ": the sandbox ended before the joined COMMAND did", ECHILD);
    if (n != 2) continue;
    if (msg[0] == 'E') exec_error = msg[1];
    if (msg[0] != 'X') continue;
    int status = msg[1];
    if (exec_error) {
      Failure kind = status == 127 ? Failure::not_found : status == 126 ? Failure::not_executable : Failure::setup;
      std::string step = status == 125 ? "starting " : "execvp ";
      return std::unexpected(Error{*exec_error, label + ": " + step + what, kind});
    }
    return status;
  }
}

void append_word(std::string& to, const std::string& word) {
  to += word;
  to += '\0';
}

}  // namespace

Result<int> run_join(const Spec& spec) {
  std::string name;
  TRY_ASSIGN(unique_fd conn, connect_sandbox(spec.join_target, name));
  std::string request(1, kAskJoin);
  for (const auto& a : spec.command) append_word(request, a);
  const int streams[3] = {0, 1, 2};
  return send_and_wait(conn.get(), "--join " + name, request, streams, spec.command.empty() ? "the sandbox's shell" : spec.command[0],
                       nullptr);
}

Result<int> join_and_wait(const std::string& target, const JoinRequest& r, const int streams[3],
                          const std::function<void()>& connected) {
  std::string name;
  TRY_ASSIGN(unique_fd conn, connect_sandbox(target, name));
  std::string request(1, kAskJoinWith);
  append_word(request, r.terminal ? "t" : "");
  append_word(request, r.cwd);
  for (const auto& e : r.env)
    if (!e.empty()) append_word(request, e);
  append_word(request, "");
  for (const auto& a : r.command) append_word(request, a);
  return send_and_wait(conn.get(), r.label.empty() ? "--join " + name : r.label, request, streams, r.command.empty() ? "the sandbox's shell" : r.command[0],
                       connected);
}

}  // namespace sb::launch
