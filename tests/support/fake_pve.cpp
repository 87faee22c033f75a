// SPDX-License-Identifier: GPL-2.0-or-later
// FakePve: symlinks to tests/support/fake_pve.py in a temp dir, and a reader of its calls.log.
#include "tests/support/fake_pve.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "tests/support/test_support.hpp"

namespace hidupsd::test {

namespace fs = std::filesystem;

namespace {

fs::path fakeScript() {
  const char* root = std::getenv("HIDUPSD_SOURCE_ROOT");
  if (root == nullptr) throw std::runtime_error("HIDUPSD_SOURCE_ROOT is not set");
  return fs::path(root) / "tests" / "support" / "fake_pve.py";
}

} // namespace

FakePve::FakePve(const std::string& guestsJson) {
  std::string templ = (fs::temp_directory_path() / "hidupsd-pve-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  for (const char* tool : {"qm", "pct", "pvesh", "poweroff"})
    fs::create_symlink(fakeScript(), dir_ / tool);
  std::ofstream(dir_ / "guests.json") << guestsJson;
  ::setenv("FAKE_PVE_DIR", dir_.c_str(), 1);
  const auto init = runProcess({"/usr/bin/python3", "-I", fakeScript().string(), "pmxcfs"});
  if (init.status != 0) throw std::runtime_error("fake_pve.py pmxcfs failed: " + init.err);
}

FakePve::~FakePve() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<PveCall> FakePve::calls() const {
  std::vector<PveCall> out;
  std::ifstream in(dir_ / "calls.log");
  for (std::string line; std::getline(in, line);) {
    PveCall c;
    const auto space = line.find(' ');
    c.time = std::stod(line.substr(0, space));
    c.line = line.substr(space + 1);
    const auto arrow = c.line.rfind(" -> ");
    const auto firstSpace = c.line.find(' ');
    if (arrow != std::string::npos && c.line.compare(firstSpace, 6, " done ") == 0) {
      c.done = true;
      c.exitCode = std::stoi(c.line.substr(arrow + 4));
    }
    out.push_back(c);
  }
  return out;
}

std::vector<PveCall> FakePve::started(const std::string& prefix) const {
  std::vector<PveCall> out;
  for (auto& c : calls())
    if (!c.done && c.line.rfind(prefix, 0) == 0) out.push_back(c);
  return out;
}

std::vector<PveCall> FakePve::finished(const std::string& tool,
                                       const std::string& argsPrefix) const {
  std::vector<PveCall> out;
  for (auto& c : calls())
    if (c.done && c.line.rfind(tool + " done " + argsPrefix, 0) == 0) out.push_back(c);
  return out;
}

std::string FakePve::status(const std::string& type, int id) const {
  std::ifstream in(dir_ / "state.json");
  if (!in) return "running"; // no tool has run yet: as guests.json says
  nlohmann::json st = nlohmann::json::parse(in);
  return st.value(type + ":" + std::to_string(id), std::string("?"));
}

void FakePve::setStatus(const std::string& type, int id, const std::string& status) const {
  const int lock = ::open((dir_ / "lock").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock the fake");
  nlohmann::json st = nlohmann::json::object();
  if (std::ifstream in(dir_ / "state.json"); in) {
    st = nlohmann::json::parse(in);
  } else {
    std::ifstream specFile(dir_ / "guests.json");
    const auto spec = nlohmann::json::parse(specFile);
    for (const auto& g : spec["guests"])
      st[g["type"].get<std::string>() + ":" + std::to_string(g["id"].get<int>())] =
          g.value("status", std::string("running"));
  }
  st[type + ":" + std::to_string(id)] = status;
  std::ofstream(dir_ / "state.json") << st.dump();
  ::close(lock); // releases the lock
}

void FakePve::hangListings() const { std::ofstream(dir_ / "hang-lists") << "hang\n"; }

void FakePve::hangPmxcfs() const {
  const auto vmlist = pmxcfs() / ".vmlist";
  fs::remove(vmlist);
  if (::mkfifo(vmlist.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
}

void FakePve::releasePmxcfs() const {
  const int writer = ::open((pmxcfs() / ".vmlist").c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (writer >= 0) ::close(writer);
}

std::string uniformVms(int count, double seconds) {
  nlohmann::json guests = nlohmann::json::array();
  for (int i = 0; i < count; ++i)
    guests.push_back({{"type", "vm"},
                      {"id", 100 + i},
                      {"name", "vm" + std::to_string(100 + i)},
                      {"status", "running"},
                      {"shutdown", std::to_string(seconds)}});
  return nlohmann::json{{"node", "pve1"}, {"guests", guests}}.dump();
}

} // namespace hidupsd::test
