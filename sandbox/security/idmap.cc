#include "security/idmap.h"

#include "sys/syscalls.h"

namespace sb::security {

std::string id_map_line(uint32_t inside, uint32_t outside) {
  return std::to_string(inside) + " " + std::to_string(outside) + " 1\n";
}

Result<void> write_id_maps(int dir, const IdMaps& maps) {
  TRY(sys::write_file_at(dir, "uid_map", maps.uid_map));
  TRY(sys::write_file_at(dir, "setgroups", "deny"));
  TRY(sys::write_file_at(dir, "gid_map", maps.gid_map));
  return {};
}

}  // namespace sb::security
