// SPDX-License-Identifier: GPL-2.0-or-later
// SecretReader: secrets kept out of hidupsd.toml (KEY_file, KEY_credential) and their checks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hidupsd::config {

/// Why a secret could not be read. Its text never holds the secret.
class SecretError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Reads the secrets a config names. Called while a config is read (the daemon's start,
/// SIGHUP, --check-config), on that thread.
class SecretReader {
public:
  virtual ~SecretReader() = default;
  /// The secret held by the file at `path` (absolute). Throws SecretError.
  virtual std::string file(const std::filesystem::path& path) const = 0;
  /// The systemd credential `name` (LoadCredential=NAME:…, LoadCredentialEncrypted=NAME:…).
  /// Throws SecretError.
  virtual std::string credential(std::string_view name) const = 0;
  /// The whole text of the file at `path` (absolute) holding a private key (PEM, several
  /// lines): the same checks as file() but the one-line rule. Throws SecretError.
  virtual std::string privateKey(const std::filesystem::path& path) const = 0;
};

/// The real reader: files (secrets and private keys), and credentials in $CREDENTIALS_DIRECTORY
/// (which systemd sets for a unit with LoadCredential=). A file must be a regular file of at most
/// 64 KiB, owned by root or by this process's user, not writable by its group and not readable by
/// others (0600 or 0640); a symbolic link is followed and its target checked. Thread-safe.
const SecretReader& systemSecrets();

/// The secret in a file's `bytes`: the text of its one line, without the newline after it
/// (nor a CR before that). Throws SecretError when there is no text, when a second line
/// holds text, or when it holds a control character (a tab included).
std::string secretFromText(std::string_view bytes);

/// Why a file of this `mode` and owner `uid` must not hold a secret for a process of user
/// `euid` (the sentence after "PATH "), or "" when it may.
std::string unsafeSecretFile(const std::filesystem::path& path, mode_t mode, uid_t uid, uid_t euid);

/// Why `name` is not a systemd credential name (the sentence after "NAME "), or "".
std::string badCredentialName(std::string_view name);

} // namespace hidupsd::config
