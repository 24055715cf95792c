#include "desktop/identity.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace sb::desktop {

Result<IdentityFiles> identity_files(const Account& a, uid_t uid, gid_t gid) {
  for (const std::string* field : {&a.name, &a.gecos, &a.home, &a.shell, &a.group})
    if (field->find_first_of(":\n") != std::string::npos)
      return fail("--as-user: the caller's account has ':' or a newline in '" + *field + "'", EINVAL);
  IdentityFiles out;
  out.passwd = "root:x:0:0:root:/root:/bin/sh\n";
  out.group = "root:x:0:\n";
  if (uid != 0) out.passwd += a.name + ":x:" + std::to_string(uid) + ":" + std::to_string(gid) + ":" + a.gecos + ":" + a.home + ":" + a.shell + "\n";
  if (gid != 0) out.group += a.group + ":x:" + std::to_string(gid) + ":\n";
  if (uid != 65534) out.passwd += "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  if (gid != 65534) out.group += "nogroup:x:65534:\n";
  return out;
}

Account caller_account(uid_t uid, gid_t gid, const std::optional<std::string>& home, const std::optional<std::string>& user) {
  Account a;
  std::vector<char> buf(16384);
  struct passwd pw {}, *found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found) {
    a.name = pw.pw_name;
    a.gecos = pw.pw_gecos ? pw.pw_gecos : "";
    a.home = pw.pw_dir ? pw.pw_dir : "";
    a.shell = pw.pw_shell ? pw.pw_shell : "";
  }
  if (a.name.empty()) a.name = user && !user->empty() ? *user : "user";
  if (home && !home->empty()) a.home = *home;
  if (a.home.empty()) a.home = "/";
  if (a.shell.empty()) a.shell = "/bin/sh";
  struct group gr {}, *gfound = nullptr;
  if (::getgrgid_r(gid, &gr, buf.data(), buf.size(), &gfound) == 0 && gfound) a.group = gr.gr_name;
  if (a.group.empty()) a.group = a.name;
  return a;
}

}  // namespace sb::desktop
