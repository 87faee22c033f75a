// SPDX-License-Identifier: GPL-2.0-or-later
// SecretReader: one-line secret files and systemd credentials, checked before they are read.
#include "config/secret_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "lib/unique_fd.hpp"

namespace hidupsd::config {

namespace {

constexpr std::size_t kMaxSecretFile = 64 * 1024;

std::string errnoText(int e) { return std::strerror(e); }

/// Reads at most kMaxSecretFile + 1 bytes of an open regular file.
std::string readSome(int fd, const std::filesystem::path& path) {
  std::string bytes(kMaxSecretFile + 1, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw SecretError(fmt::format("{}: cannot read: {}", path.string(), errnoText(errno)));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxSecretFile)
    throw SecretError(fmt::format("{} is longer than {} KiB: it is not a secret or a key",
                                  path.string(), kMaxSecretFile / 1024));
  bytes.resize(got);
  return bytes;
}

/// Opens, checks and reads `path`: its bytes as they are.
std::string readWhole(const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO must not block the open; a regular file ignores it.
  lib::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid())
    throw SecretError(fmt::format("{}: cannot open: {}", path.string(), errnoText(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    throw SecretError(fmt::format("{}: cannot examine: {}", path.string(), errnoText(errno)));
  if (!S_ISREG(st.st_mode))
    throw SecretError(fmt::format("{} is not a regular file", path.string()));
  if (const auto why = unsafeSecretFile(path, st.st_mode, st.st_uid, ::geteuid()); !why.empty())
    throw SecretError(fmt::format("{} {}", path.string(), why));
  return readSome(fd.get(), path);
}

/// Opens, checks and reads `path`: the secret on its one line.
std::string readChecked(const std::filesystem::path& path) {
  const std::string bytes = readWhole(path);
  try {
    return secretFromText(bytes);
  } catch (const SecretError& e) {
    throw SecretError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

class SystemSecrets final : public SecretReader {
public:
  std::string file(const std::filesystem::path& path) const override {
    if (!path.is_absolute())
      throw SecretError(fmt::format("{} is not an absolute path", path.string()));
    return readChecked(path);
  }

  std::string credential(std::string_view name) const override {
    if (const auto why = badCredentialName(name); !why.empty())
      throw SecretError(fmt::format("'{}' {}", name, why));
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0')
      throw SecretError(fmt::format(
          "credential '{}': $CREDENTIALS_DIRECTORY is not set: systemd sets it for a unit with "
          "LoadCredential={}:PATH; to check by hand: systemd-run --pipe --wait "
          "-p LoadCredential={}:PATH hidupsd --check-config -c CONFIG",
          name, name, name));
    return readChecked(std::filesystem::path(dir) / std::string(name));
  }

  std::string privateKey(const std::filesystem::path& path) const override {
    if (!path.is_absolute())
      throw SecretError(fmt::format("{} is not an absolute path", path.string()));
    std::string bytes = readWhole(path);
    if (bytes.find_first_not_of(" \t\r\n") == std::string::npos)
      throw SecretError(
          fmt::format("{} is empty: it must hold the private key (PEM)", path.string()));
    return bytes;
  }
};

} // namespace

const SecretReader& systemSecrets() {
  static const SystemSecrets reader;
  return reader;
}

std::string secretFromText(std::string_view bytes) {
  const auto end = bytes.find('\n');
  std::string_view line = bytes.substr(0, end);
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (end != std::string_view::npos &&
      bytes.substr(end + 1).find_first_not_of(" \t\r\n") != std::string_view::npos)
    throw SecretError(
        "holds more than one line: a secret file holds the secret alone, on one line");
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      throw SecretError(fmt::format("holds a control character (0x{:02x}) in its line", u));
  }
  if (line.empty()) throw SecretError("is empty: it must hold the secret on its first line");
  return std::string(line);
}

std::string unsafeSecretFile(const std::filesystem::path& path, mode_t mode, uid_t uid,
                             uid_t euid) {
  const auto perms = mode & 07777;
  if ((perms & 07) != 0)
    return fmt::format("may be read by any user (mode {:04o}): chmod 600 {}", perms, path.string());
  if ((perms & 020) != 0)
    return fmt::format("may be written by its group (mode {:04o}): chmod 640 {}", perms,
                       path.string());
  if (uid != 0 && uid != euid)
    return fmt::format("belongs to uid {}, neither root nor this process's user: chown root {}",
                       uid, path.string());
  return {};
}

std::string badCredentialName(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > 255) return "is longer than 255 characters";
  if (name == "." || name == "..") return "is not a credential name";
  if (name.find('/') != std::string_view::npos)
    return "holds a '/': name the credential, not a path";
  return {};
}

} // namespace hidupsd::config
