// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: hidupsd.toml text through parseConfig, and redacted() read back.
//
// parseConfig on the input as text. A ConfigError is a normal outcome. A config
// that parses must dump (redacted()) to TOML that parses again and dumps to the
// same text: config/config.hpp promises that parseConfig reads redacted() back. Secrets
// named by KEY_file / KEY_credential come from memory, never from the disk.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.hpp"

using namespace hidupsd;

namespace {

/// Every secret file and credential holds the same URL (a valid value for every secret key).
class MemorySecrets final : public config::SecretReader {
public:
  std::string file(const std::filesystem::path&) const override { return kSecret; }
  std::string credential(std::string_view) const override { return kSecret; }
  std::string privateKey(const std::filesystem::path&) const override { return kSecret; }

private:
  static constexpr const char* kSecret = "https://fuzz.example/secret";
};

const MemorySecrets kSecrets;

[[noreturn]] void finding(const std::string& what, const std::string& dump) {
  std::fprintf(stderr, "fuzz_config: %s\n--- redacted() ---\n%s\n", what.c_str(), dump.c_str());
  std::abort();
}

void checkRoundTrip(const Config& config) {
  const auto dump = redacted(config);
  try {
    const auto again = redacted(parseConfig(dump, "redacted.toml", kSecrets));
    if (again != dump) finding("redacted() of the read-back config differs", again);
  } catch (const ConfigError& e) {
    finding(std::string("redacted() does not read back: ") + e.what(), dump);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    checkRoundTrip(parseConfig(text, "fuzz.toml", kSecrets));
  } catch (const ConfigError&) {
  }
  return 0;
}
