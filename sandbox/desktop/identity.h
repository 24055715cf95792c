// --as-user: the /etc/passwd and /etc/group a program inside reads to learn who it is.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "sys/error.h"

namespace sb::desktop {

struct Account {
  std::string name, gecos, home, shell;
  std::string group;  // the name of its group
};

struct IdentityFiles {
  std::string passwd, group;
};

// root, the account at uid/gid inside, and nobody/nogroup (what ids that are not mapped show
// as). A field holding ':' or a newline is refused: it would make another entry.
Result<IdentityFiles> identity_files(const Account& account, uid_t uid, gid_t gid);

// The caller's account from the system's databases (name, GECOS, shell; its group's name),
// HOME as the caller's environment has it where set. Where the databases have no entry, the
// name comes from USER and the rest from defaults, as a shell prompt would get along.
Account caller_account(uid_t uid, gid_t gid, const std::optional<std::string>& home, const std::optional<std::string>& user);

}  // namespace sb::desktop
