#include "launch/missing.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "sys/fd.h"

namespace sb::launch {

namespace {

bool regular_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool read_at(int fd, void* buf, size_t len, off_t off) {
  return ::pread(fd, buf, len, off) == static_cast<ssize_t>(len);
}

template <typename Ehdr, typename Phdr>
std::optional<std::string> elf_interp(int fd) {
  Ehdr eh;
  if (!read_at(fd, &eh, sizeof eh, 0) || eh.e_phentsize != sizeof(Phdr) || eh.e_phnum > 512) return std::nullopt;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Phdr ph;
    if (!read_at(fd, &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + i * sizeof(Phdr)))) return std::nullopt;
    if (ph.p_type != PT_INTERP) continue;
    if (ph.p_filesz == 0 || ph.p_filesz > 4096) return std::nullopt;
    std::string interp(ph.p_filesz, '\0');
    if (!read_at(fd, interp.data(), interp.size(), static_cast<off_t>(ph.p_offset))) return std::nullopt;
    interp.resize(std::strlen(interp.c_str()));
    return interp;
  }
  return std::nullopt;  // static: no interpreter
}

}  // namespace

std::optional<std::string> find_in_path(const std::string& command, const char* path) {
  if (command.find('/') != std::string::npos) return command;
  std::string dirs = path ? path : "/bin:/usr/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate(dirs, start, end - start);
    if (candidate.empty()) candidate = ".";
    candidate.append("/").append(command);
    if (regular_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> interpreter_of(const std::string& file) {
  unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  unsigned char ident[EI_NIDENT];
  if (!read_at(fd.get(), ident, sizeof ident, 0)) return std::nullopt;
  if (ident[0] == '#' && ident[1] == '!') {
    char line[256] = {};
    ssize_t n = ::pread(fd.get(), line, sizeof line - 1, 2);
    if (n <= 0) return std::nullopt;
    std::string text(line, static_cast<size_t>(n));
    size_t begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return std::nullopt;
    size_t end = text.find_first_of(" \t\n", begin);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  if (std::memcmp(ident, ELFMAG, SELFMAG) != 0) return std::nullopt;
  if (ident[EI_CLASS] == ELFCLASS64) return elf_interp<Elf64_Ehdr, Elf64_Phdr>(fd.get());
  if (ident[EI_CLASS] == ELFCLASS32) return elf_interp<Elf32_Ehdr, Elf32_Phdr>(fd.get());
  return std::nullopt;
}

std::string missing_interpreter_hint(const std::string& command, const char* path) {
  auto file = find_in_path(command, path);
  // Not there at all, in a root without /usr or /bin: most likely a root never given one.
  struct stat usr {}, bin {};
  if (!file && ::stat("/usr", &usr) < 0 && ::stat("/bin", &bin) < 0)
    return "the new root has no /usr, so nothing to run: give it the host's (--ro-bind /usr /usr "
           "--symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64), a root folder "
           "(--bind ./busybox /), or a profile (--profile build)";
  if (!file || !regular_file(*file)) return "";
  auto interp = interpreter_of(*file);
  if (!interp || interp->empty() || ::access(interp->c_str(), F_OK) == 0) return "";
  std::string dir(*interp, 0, interp->rfind('/'));
  if (dir.empty()) dir = "/";
  std::string hint = *file;
  hint.append(" is there, but its interpreter ").append(*interp).append(" is not in the sandbox; --ro-bind ");
  hint.append(dir).append(" ").append(dir).append(" would bring it");
  return hint;
}

}  // namespace sb::launch
