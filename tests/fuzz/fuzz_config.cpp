// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: hidupsd.toml text through parseConfig, and redacted() read back.
//
// parseConfig on the input as text. A ConfigError is a normal outcome. A config
// that parses must dump (redacted()) to TOML that parses again and dumps to the
// same text: config/config.hpp promises that parseConfig reads redacted() back.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.hpp"

using namespace hidupsd;

namespace {

[[noreturn]] void finding(const std::string& what, const std::string& dump) {
  std::fprintf(stderr, "fuzz_config: %s\n--- redacted() ---\n%s\n", what.c_str(), dump.c_str());
  std::abort();
}

void checkRoundTrip(const Config& config) {
  const auto dump = redacted(config);
  try {
    const auto again = redacted(parseConfig(dump, "redacted.toml"));
    if (again != dump) finding("redacted() of the read-back config differs", again);
  } catch (const ConfigError& e) {
    finding(std::string("redacted() does not read back: ") + e.what(), dump);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    checkRoundTrip(parseConfig(text, "fuzz.toml"));
  } catch (const ConfigError&) {
  }
  return 0;
}
