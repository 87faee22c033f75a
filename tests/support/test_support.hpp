// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the test executables: fixture files, hex, NUT expectations.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace hidupsd::test {

/// ../shared/fixtures, or $HIDUPSD_FIXTURES.
std::filesystem::path fixturesDir();
/// tests/data, or $HIDUPSD_TESTDATA.
std::filesystem::path testDataDir();
/// The hidupsd binary under test ($HIDUPSD_BIN).
std::filesystem::path hidupsdBinary();

std::string readFile(const std::filesystem::path& path);

/// Every fixture's base name ("eaton-3s-700"), sorted.
std::vector<std::string> fixtureNames();
/// The fixtures that come with NUT's decoded values (NAME.expected.txt).
std::vector<std::string> fixturesWithExpected();

/// The USB vendor ID of a fixture (its `device vendor=` line).
std::uint16_t fixtureVendor(const std::string& name);

/// "05 84 a1 01" → bytes. Throws std::invalid_argument on bad hex.
std::vector<std::uint8_t> hexBytes(std::string_view text);

/// The concatenated `descriptor` lines of a replay file.
std::vector<std::uint8_t> descriptorOfReplay(const std::filesystem::path& replay);

/// One line of NAME.expected.txt (NUT's debug dump of a path).
struct ExpectedPath {
  std::string path;
  std::string type; ///< "Feature" / "Input" / "Output"
  unsigned reportId = 0;
  unsigned offset = 0;
  unsigned size = 0;
  std::string value; ///< as NUT printed it (%g)
};
std::vector<ExpectedPath> readExpected(const std::filesystem::path& file);

/// Runs `argv` (no shell), returns exit status; stdout and stderr captured.
struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};
ProcessResult runProcess(const std::vector<std::string>& argv);

} // namespace hidupsd::test
