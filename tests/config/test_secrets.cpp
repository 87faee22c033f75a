// SPDX-License-Identifier: GPL-2.0-or-later
// Secrets out of hidupsd.toml: KEY_file and KEY_credential for every secret key, the checks on
// the files, errors at the key, and no secret in the effective-config dump.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "config/config.hpp"
#include "config/secret_reader.hpp"
#include "tests/config/config_errors.hpp"

using namespace hidupsd;
using config::SecretError;
namespace fs = std::filesystem;

namespace {

/// Secrets from two maps; a name not there is "not found".
class FakeSecrets final : public config::SecretReader {
public:
  std::map<std::string, std::string> files, credentials;
  std::string file(const fs::path& path) const override { return find(files, path.string()); }
  std::string privateKey(const fs::path& path) const override { return find(files, path.string()); }
  std::string credential(std::string_view name) const override {
    return find(credentials, std::string(name));
  }

private:
  static std::string find(const std::map<std::string, std::string>& m, const std::string& key) {
    const auto it = m.find(key);
    if (it == m.end()) throw SecretError(key + ": not found");
    return it->second;
  }
};

std::vector<std::string> errorsOf(std::string_view text, const config::SecretReader& secrets) {
  return test::errorLines([&] { parseConfig(text, "t.toml", secrets); });
}

/// A directory removed with its contents.
struct Scratch {
  fs::path path = fs::temp_directory_path() / ("hidupsd-secrets-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(path); }
  ~Scratch() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const auto p = path / name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
};

const char* kAllSecrets = R"([[notify]]
type = "discord"
url_file = "/etc/hidupsd/discord.url"
[[notify]]
type = "ntfy"
url_credential = "ntfy-url"
topic = "ups"
token_file = "/etc/hidupsd/ntfy.token"
[[notify]]
type = "smtp"
server = "smtp.example.org"
username = "ups"
password_credential = "smtp"
from = "ups@example.org"
to = ["root@example.org"]
[serve.nut]
[[serve.nut.users]]
name = "upsmon"
password_file = "/etc/hidupsd/upsmon.password"
rights = ["secondary"]
)";

FakeSecrets allSecrets() {
  FakeSecrets s;
  s.files = {{"/etc/hidupsd/discord.url", "https://discord.com/api/webhooks/1/SECRETdiscord"},
             {"/etc/hidupsd/ntfy.token", "tk_SECRETntfy"},
             {"/etc/hidupsd/upsmon.password", "SECRETnut"}};
  s.credentials = {{"ntfy-url", "https://user:SECRETpass@ntfy.example.org"},
                   {"smtp", "SECRETsmtp"}};
  return s;
}

} // namespace

TEST_CASE("every secret key can come from a file or a credential; the dump names them") {
  const FakeSecrets secrets = allSecrets();
  const Config c = parseConfig(kAllSecrets, "t.toml", secrets);
  CHECK(c.notify[0].url == "https://discord.com/api/webhooks/1/SECRETdiscord");
  CHECK(c.notify[1].url == "https://user:SECRETpass@ntfy.example.org");
  CHECK(c.notify[1].token == "tk_SECRETntfy");
  CHECK(c.notify[2].password == "SECRETsmtp");
  CHECK(c.nut->users[0].password == "SECRETnut");
  using Kind = SecretSource::Kind;
  CHECK(c.notify[0].secretSources.at("url") ==
        SecretSource{Kind::File, "/etc/hidupsd/discord.url"});
  CHECK(c.notify[1].secretSources.at("url") == SecretSource{Kind::Credential, "ntfy-url"});
  const std::string dump = redacted(c);
  CHECK(dump.find("SECRET") == std::string::npos);
  CHECK(dump.find("url_file = \"/etc/hidupsd/discord.url\"\n") != std::string::npos);
  CHECK(dump.find("url_credential = \"ntfy-url\"\n") != std::string::npos);
  CHECK(dump.find("token_file = \"/etc/hidupsd/ntfy.token\"\n") != std::string::npos);
  CHECK(dump.find("password_credential = \"smtp\"\n") != std::string::npos);
  CHECK(dump.find("password_file = \"/etc/hidupsd/upsmon.password\"\n") != std::string::npos);
  // The dump reads back as the same config, the secrets read again from their places.
  CHECK(parseConfig(dump, "dump.toml", secrets) == c);
}

TEST_CASE("secret keys: one form, a reader's error, a value that fails its check, at the key") {
  const FakeSecrets secrets = allSecrets();
  CHECK(errorsOf("[[notify]]\ntype = \"webhook\"\nurl = \"https://x.org/a\"\n"
                 "url_file = \"/etc/hidupsd/discord.url\"\n",
                 secrets) ==
        std::vector<std::string>{"t.toml:4:12: in [[notify]] #1 (webhook): give one of url, "
                                 "url_file and url_credential, not two"});
  CHECK(errorsOf("[[notify]]\ntype = \"webhook\"\nurl_file = \"/nope\"\n", secrets) ==
        std::vector<std::string>{"t.toml:3:12: in [[notify]] #1 (webhook): url_file: /nope: not "
                                 "found"});
  FakeSecrets bad = secrets;
  bad.files["/etc/hidupsd/discord.url"] = "ftp://SECRETnotaurl";
  const auto errors =
      errorsOf("[[notify]]\ntype = \"discord\"\nurl_file = \"/etc/hidupsd/discord.url\"\n", bad);
  CHECK(errors == std::vector<std::string>{"t.toml:3:12: in [[notify]] #1 (discord): url_file: "
                                           "the url it holds must be an http:// or https:// URL"});
  CHECK(errorsOf("[serve.nut]\n[[serve.nut.users]]\nname = \"u\"\npassword_credential = 3\n",
                 secrets) ==
        std::vector<std::string>{"t.toml:4:23: in [[serve.nut.users]] #1: password_credential "
                                 "must be a string, not an integer"});
  CHECK(errorsOf("[serve.nut]\n[[serve.nut.users]]\nname = \"u\"\n", secrets) ==
        std::vector<std::string>{"t.toml:2:1: in [[serve.nut.users]] #1: missing key 'password' "
                                 "(or password_file, password_credential)"});
}

TEST_CASE("[notify.arguments]: exec only, known events, non-empty words") {
  const Config c = parseConfig("[[notify]]\ntype = \"exec\"\ncommand = [\"/x\"]\n"
                               "[notify.arguments]\ncommbad = \"onbatt\"\n",
                               "t.toml");
  CHECK(c.notify[0].arguments ==
        std::map<core::EventKind, std::string>{{core::EventKind::CommBad, "onbatt"}});
  CHECK(redacted(c).find("[notify.arguments]\ncommbad = \"onbatt\"\n") != std::string::npos);
  const FakeSecrets none;
  CHECK(errorsOf("[[notify]]\ntype = \"exec\"\ncommand = [\"/x\"]\n[notify.arguments]\n"
                 "onbat = \"a\"\nonline = \"\"\n",
                 none) ==
        std::vector<std::string>{"t.toml:5:1: in [[notify]] #1 (exec): arguments: unknown event "
                                 "'onbat' (did you mean 'onbatt'?)",
                                 "t.toml:6:10: in [[notify]] #1 (exec): arguments.online must not "
                                 "be empty"});
  CHECK(errorsOf("[[notify]]\ntype = \"webhook\"\nurl = \"https://x.org\"\n[notify.arguments]\n"
                 "online = \"a\"\n",
                 none) ==
        std::vector<std::string>{"t.toml:4:9: in [[notify]] #1 (webhook): unknown table "
                                 "'arguments'"});
}

TEST_CASE("a secret file: one line, no control characters") {
  CHECK(config::secretFromText("hunter2") == "hunter2");
  CHECK(config::secretFromText("hunter2\n") == "hunter2");
  CHECK(config::secretFromText("hunter2\r\n\n  \n") == "hunter2");
  CHECK(config::secretFromText(" with spaces ") == " with spaces ");
  CHECK_THROWS_WITH(config::secretFromText(""),
                    "is empty: it must hold the secret on its first line");
  CHECK_THROWS_WITH(config::secretFromText("\nhunter2\n"),
                    "holds more than one line: a secret file holds the secret alone, on one line");
  CHECK_THROWS_WITH(config::secretFromText("a\nb\n"),
                    "holds more than one line: a secret file holds the secret alone, on one line");
  CHECK_THROWS_WITH(config::secretFromText("a\tb"), "holds a control character (0x09) in its line");
}

TEST_CASE("a secret file's mode and owner") {
  const fs::path p = "/etc/hidupsd/x";
  CHECK(config::unsafeSecretFile(p, 0100600, 0, 0).empty());
  CHECK(config::unsafeSecretFile(p, 0100640, 0, 0).empty());
  CHECK(config::unsafeSecretFile(p, 0100400, 1000, 1000).empty());
  CHECK(config::unsafeSecretFile(p, 0100644, 0, 0) ==
        "may be read by any user (mode 0644): chmod 600 /etc/hidupsd/x");
  CHECK(config::unsafeSecretFile(p, 0100660, 0, 0) ==
        "may be written by its group (mode 0660): chmod 640 /etc/hidupsd/x");
  CHECK(config::unsafeSecretFile(p, 0100600, 1000, 0) ==
        "belongs to uid 1000, neither root nor this process's user: chown root /etc/hidupsd/x");
  CHECK(config::badCredentialName("discord").empty());
  CHECK(config::badCredentialName("a/b") == "holds a '/': name the credential, not a path");
  CHECK(config::badCredentialName("..") == "is not a credential name");
}

TEST_CASE("systemSecrets: real files and $CREDENTIALS_DIRECTORY") {
  Scratch dir;
  const auto& reader = config::systemSecrets();
  CHECK(reader.file(dir.write("ok", "s3cret\n")) == "s3cret");
  const auto open = dir.write("open", "s3cret\n", 0644);
  CHECK_THROWS_WITH(reader.file(open), (open.string() +
                                        " may be read by any user (mode 0644): "
                                        "chmod 600 " +
                                        open.string())
                                           .c_str());
  CHECK_THROWS_WITH(
      reader.file(dir.path / "none"),
      ((dir.path / "none").string() + ": cannot open: No such file or directory").c_str());
  CHECK_THROWS_WITH(reader.file(dir.path), (dir.path.string() + " is not a regular file").c_str());
  CHECK_THROWS_WITH(reader.file("relative"), "relative is not an absolute path");
  const auto two = dir.write("two", "a\nb\n");
  CHECK_THROWS_WITH(reader.file(two), (two.string() + ": holds more than one line: a secret file "
                                                      "holds the secret alone, on one line")
                                          .c_str());
  REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0); // must not block
  CHECK_THROWS_WITH(reader.file(dir.path / "fifo"),
                    ((dir.path / "fifo").string() + " is not a regular file").c_str());
  fs::create_symlink(dir.path / "ok", dir.path / "link");
  CHECK(reader.file(dir.path / "link") == "s3cret");
  const auto big = dir.write("big", std::string(70000, 'x'));
  CHECK_THROWS_WITH(reader.file(big),
                    (big.string() + " is longer than 64 KiB: it is not a secret or a key").c_str());

  ::unsetenv("CREDENTIALS_DIRECTORY");
  CHECK_THROWS_WITH(reader.credential("discord"),
                    "credential 'discord': $CREDENTIALS_DIRECTORY is not set: systemd sets it for "
                    "a unit with LoadCredential=discord:PATH; to check by hand: systemd-run "
                    "--pipe --wait -p LoadCredential=discord:PATH hidupsd --check-config -c "
                    "CONFIG");
  dir.write("discord", "https://discord.com/api/webhooks/1/t\n", 0400);
  ::setenv("CREDENTIALS_DIRECTORY", dir.path.c_str(), 1);
  CHECK(reader.credential("discord") == "https://discord.com/api/webhooks/1/t");
  CHECK_THROWS_WITH(reader.credential("../x"),
                    "'../x' holds a '/': name the credential, not a path");
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

TEST_CASE("[serve.nut] certificate and key: paths, the key read as a secret, errors at the key") {
  FakeSecrets secrets;
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nSECRETkey\n-----END PRIVATE KEY-----\n";
  secrets.files = {{"/etc/hidupsd/nut.key", pem}};
  const char* good = "[serve.nut]\ncertificate = \"/etc/hidupsd/nut.crt\"\n"
                     "key = \"/etc/hidupsd/nut.key\"\nrequire_tls = true\n";
  const Config c = parseConfig(good, "t.toml", secrets);
  CHECK(c.nut->certificate == "/etc/hidupsd/nut.crt");
  CHECK(c.nut->key == "/etc/hidupsd/nut.key");
  CHECK(c.nut->keyPem == pem);
  CHECK(c.nut->requireTls);
  const std::string dump = redacted(c);
  CHECK(dump.find("SECRET") == std::string::npos);
  CHECK(dump.find("certificate = \"/etc/hidupsd/nut.crt\"\nkey = \"/etc/hidupsd/nut.key\"\n"
                  "require_tls = true\n") != std::string::npos);
  CHECK(parseConfig(dump, "dump.toml", secrets) == c);
  CHECK_FALSE(parseConfig("[serve.nut]\n", "t.toml", secrets).nut->requireTls);

  CHECK(errorsOf("[serve.nut]\ncertificate = \"/c.pem\"\n", secrets) ==
        std::vector<std::string>{
            "t.toml:2:15: in [serve.nut]: certificate and key go together: give both (or "
            "neither: STARTTLS is then answered FEATURE-NOT-CONFIGURED)"});
  CHECK(errorsOf("[serve.nut]\nkey = \"/etc/hidupsd/nut.key\"\nrequire_tls = true\n", secrets) ==
        std::vector<std::string>{
            "t.toml:2:7: in [serve.nut]: certificate and key go together: give both (or "
            "neither: STARTTLS is then answered FEATURE-NOT-CONFIGURED)",
            "t.toml:3:15: in [serve.nut]: require_tls = true needs certificate and key"});
  CHECK(
      errorsOf("[serve.nut]\ncertificate = \"c.pem\"\nkey = \"k.pem\"\n", secrets) ==
      std::vector<std::string>{"t.toml:2:15: in [serve.nut]: certificate must be an absolute path",
                               "t.toml:3:7: in [serve.nut]: key must be an absolute path"});
  CHECK(errorsOf("[serve.nut]\ncertificate = \"/c.pem\"\nkey = \"/missing.key\"\n", secrets) ==
        std::vector<std::string>{"t.toml:3:7: in [serve.nut]: key: /missing.key: not found"});
  CHECK(errorsOf("[serve.nut]\nrequire_tls = \"yes\"\n", secrets).size() == 1);
}

TEST_CASE("systemSecrets: a private key file, whole, with the secrets' mode rules") {
  Scratch dir;
  const auto& reader = config::systemSecrets();
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n";
  CHECK(reader.privateKey(dir.write("k", pem, 0600)) == pem);
  CHECK(reader.privateKey(dir.write("k640", pem, 0640)) == pem);
  const auto open = dir.write("open", pem, 0644);
  CHECK_THROWS_WITH(
      reader.privateKey(open),
      (open.string() + " may be read by any user (mode 0644): chmod 600 " + open.string()).c_str());
  const auto empty = dir.write("empty", "\n", 0600);
  CHECK_THROWS_WITH(reader.privateKey(empty),
                    (empty.string() + " is empty: it must hold the private key (PEM)").c_str());
  CHECK_THROWS_WITH(reader.privateKey("k.pem"), "k.pem is not an absolute path");
}
