// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: NUT's six configuration files through importNut, its output through
// parseConfig.
//
// The input is split at each 0x01 byte into nut.conf, ups.conf, upsd.conf, upsd.users,
// upsmon.conf and upssched.conf (in that order; fewer parts = fewer files). A ConfigError
// (a line NUT refuses) is a normal outcome. An import that succeeds must render to TOML that
// parseConfig reads back as the same config: --import-nut promises --check-config passes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/nut_import.hpp"

using namespace hidupsd;

namespace {

/// No secret is ever named by an imported config: reading one is a finding.
class NoSecrets final : public config::SecretReader {
public:
  std::string file(const std::filesystem::path&) const override { std::abort(); }
  std::string credential(std::string_view) const override { std::abort(); }
  std::string privateKey(const std::filesystem::path&) const override { std::abort(); }
};

[[noreturn]] void finding(const std::string& what, const std::string& text) {
  std::fprintf(stderr, "fuzz_nut_import: %s\n--- render() ---\n%s\n", what.c_str(), text.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<nutconf::Source> files;
  std::size_t start = 0;
  for (std::size_t i = 0; i < nutconf::kFileNames.size() && start <= input.size(); ++i) {
    const auto end = std::min(input.find('\x01', start), input.size());
    const std::string name(nutconf::kFileNames[i]);
    files.push_back({name, "nut/" + name, std::string(input.substr(start, end - start))});
    start = end + 1;
  }
  nutconf::Import import;
  try {
    import = nutconf::importNut(files);
  } catch (const ConfigError&) {
    return 0;
  }
  const std::string text = nutconf::render(import, "nut");
  try {
    if (!(parseConfig(text, "import.toml", NoSecrets()) == import.config))
      finding("the rendered config reads back as another config", text);
  } catch (const ConfigError& e) {
    finding(std::string("the rendered config does not read back: ") + e.what(), text);
  }
  return 0;
}
