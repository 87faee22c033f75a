// SPDX-License-Identifier: GPL-2.0-or-later
// Preflight and readiness: a typo never disarms the shutdown silently; secrets kept private.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "config/config.hpp"
#include "src/preflight.hpp"
#include "src/readiness.hpp"
#include "tests/support/test_support.hpp"

namespace hidupsd {
namespace {

namespace fs = std::filesystem;
namespace t = hidupsd::test;

/// Answers `qm list` / `pct list` as told; records what it was asked.
class ListRunner final : public proxmox::CommandRunner {
public:
  proxmox::CommandResult run(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout) override {
    asked.push_back(proxmox::commandLine(argv));
    lastTimeout = timeout;
    return answer;
  }
  proxmox::CommandResult answer;
  std::vector<std::string> asked;
  std::chrono::milliseconds lastTimeout{0};
};

struct TempTree {
  TempTree() {
    std::string templ = (fs::temp_directory_path() / "hidupsd-preflight-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    root = templ;
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  fs::path file(const std::string& name, const std::string& text, fs::perms perms) const {
    std::ofstream(root / name) << text;
    fs::permissions(root / name, perms);
    return root / name;
  }
  fs::path root;
};

constexpr auto kExec = fs::perms::owner_all;
constexpr auto kPlain = fs::perms::owner_read | fs::perms::owner_write;

/// A config whose tools are all there (executables in `tree`), simulation off.
Config workingConfig(const TempTree& tree) {
  Config c;
  c.policy.simulation = false;
  c.shutdown.hostCommand = {tree.file("poweroff", "#!/bin/sh\n", kExec).string()};
  c.proxmox.qm = tree.file("qm", "#!/bin/sh\n", kExec);
  c.proxmox.pct = tree.file("pct", "#!/bin/sh\n", kExec);
  c.proxmox.pvesh = tree.file("pvesh", "#!/bin/sh\n", kExec);
  return c;
}

PreflightOptions notPve(const TempTree& tree) {
  PreflightOptions o;
  o.pveDir = tree.root / "no-pve";
  return o;
}

PreflightOptions onPve(const TempTree& tree) {
  PreflightOptions o;
  o.pveDir = tree.root / "pve";
  fs::create_directories(o.pveDir);
  return o;
}

} // namespace

TEST_CASE("a working config is ready; the tools are checked, not run, off a Proxmox node") {
  TempTree tree;
  ListRunner runner;
  const auto report = preflight(workingConfig(tree), runner, notPve(tree));
  CHECK(report.ready());
  CHECK(report.problems.empty());
  CHECK(runner.asked.empty());
}

TEST_CASE("a host_command typo is an error, whatever the node") {
  // main: --check-config said OK and the dry run said nothing.
  TempTree tree;
  ListRunner runner;
  Config c = workingConfig(tree);
  c.shutdown.hostCommand = {"/sbin/shutdwn"};
  const auto report = preflight(c, runner, notPve(tree));
  CHECK_FALSE(report.ready());
  CHECK(report.errorText() == "host_command: /sbin/shutdwn cannot run: No such file or "
                              "directory: the host would not power off");
  c.shutdown.hostCommand = {"no-such-command-hidupsd", "now"}; // searched in $PATH
  CHECK_FALSE(preflight(c, runner, notPve(tree)).ready());
  c.shutdown.hostCommand = {"sh", "-c", "true"};
  CHECK(preflight(c, runner, notPve(tree)).ready());
}

TEST_CASE("a qm typo: an error on a Proxmox node, a warning elsewhere") {
  TempTree tree;
  ListRunner runner;
  Config c = workingConfig(tree);
  c.proxmox.qm = "/usr/sbin/qmm";
  auto report = preflight(c, runner, notPve(tree));
  CHECK(report.ready());
  REQUIRE(report.problems.size() == 1);
  CHECK_FALSE(report.problems[0].error);
  CHECK(report.problems[0].text.starts_with("qm = /usr/sbin/qmm cannot run: No such file or "
                                            "directory: no VM would be stopped (no "));
  report = preflight(c, runner, onPve(tree));
  CHECK_FALSE(report.ready());
  CHECK(report.errorText().starts_with("qm = /usr/sbin/qmm cannot run"));
  c.proxmox.containers = false;
  c.proxmox.pct = "/nowhere/pct"; // not needed without containers
  c.shutdown.strategy = ShutdownStrategy::StopAll;
  c.proxmox.pvesh = "/nowhere/pvesh";
  report = preflight(c, runner, onPve(tree));
  CHECK(report.errorText().find("pvesh = /nowhere/pvesh cannot run") != std::string::npos);
  CHECK(report.errorText().find("pct") == std::string::npos);
}

TEST_CASE("on a Proxmox node a failing qm list is an error: cannot list guests") {
  TempTree tree;
  ListRunner runner;
  runner.answer.exitCode = 2;
  runner.answer.err = "ipcc_send_rec[1] failed: Connection refused\n";
  const Config c = workingConfig(tree);
  const auto report = preflight(c, runner, onPve(tree));
  CHECK_FALSE(report.ready());
  CHECK(report.errorText() ==
        "cannot list guests: qm list: exit 2: ipcc_send_rec[1] failed: Connection refused; "
        "cannot list guests: pct list: exit 2: ipcc_send_rec[1] failed: Connection refused");
  CHECK(runner.asked == std::vector<std::string>{c.proxmox.qm.string() + " list",
                                                 c.proxmox.pct.string() + " list"});
  PreflightOptions quick = onPve(tree);
  quick.listGuests = false; // what the pipeline checks as it starts: files only
  runner.asked.clear();
  CHECK(preflight(c, runner, quick).ready());
  CHECK(runner.asked.empty());
}

TEST_CASE("simulation is said, as a warning") {
  TempTree tree;
  ListRunner runner;
  Config c = workingConfig(tree);
  c.policy.simulation = true;
  const auto report = preflight(c, runner, notPve(tree));
  CHECK(report.ready());
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].text.starts_with("simulation = true"));
}

TEST_CASE("resolveExecutable finds programs as execvp would and says why not") {
  TempTree tree;
  CHECK(resolveExecutable("sh").filename() == "sh");
  const auto plain = tree.file("plain", "x", kPlain);
  auto code = [](const std::string& program) {
    try {
      resolveExecutable(program);
    } catch (const std::system_error& e) {
      return e.code().value();
    }
    return 0;
  };
  CHECK(code(plain.string()) == EACCES);
  CHECK(code(tree.root.string()) == EISDIR);
  CHECK(code("/nonexistent/tool") == ENOENT);
  CHECK(code("") == ENOENT);
}

TEST_CASE("Readiness says when it turns bad and good again") {
  Readiness r;
  CHECK_FALSE(r.ready());
  PreflightReport bad{{{true, "host_command: x cannot run"}}};
  PreflightReport good{{{false, "simulation = true"}}};
  CHECK(r.update(bad) == Readiness::Change::TurnedBad); // bad from the start: said at once
  CHECK(r.update(bad) == Readiness::Change::None);
  CHECK(r.ready() == false);
  CHECK(r.update(good) == Readiness::Change::TurnedGood);
  CHECK(r.update(PreflightReport{}) == Readiness::Change::Different);
  CHECK(r.update(bad) == Readiness::Change::TurnedBad);
  Readiness fresh;
  CHECK(fresh.update(good) == Readiness::Change::Different);
  CHECK(fresh.ready() == true);
}

TEST_CASE("a config holding secrets that others can read is warned about") {
  TempTree tree;
  Config c;
  CHECK_FALSE(holdsSecrets(c));
  const auto path =
      tree.file("hidupsd.toml", "", kPlain | fs::perms::group_read | fs::perms::others_read);
  CHECK(secretsExposureWarning(path, c).empty()); // nothing secret in it
  NotifyConfig discord;
  discord.type = NotifyType::Discord;
  discord.url = "https://discord.com/api/webhooks/1/x";
  c.notify.push_back(discord);
  CHECK(holdsSecrets(c));
  CHECK(secretsExposureWarning(path, c) ==
        path.string() +
            " is readable by every user (mode 0644) and holds secrets (webhook URLs, "
            "tokens or passwords): chmod 600 " +
            path.string());
  fs::permissions(path, kPlain);
  CHECK(secretsExposureWarning(path, c).empty());
}

TEST_CASE("hidupsd --check-config fails on a host_command typo and warns of exposed secrets") {
  TempTree tree;
  const auto bin = t::hidupsdBinary().string();
  const auto typo = tree.file("typo.toml",
                              "[shutdown]\nhost_command = [\"/sbin/shutdwn\"]\n"
                              "[proxmox]\nqm = \"/usr/sbin/qmm\"\n",
                              kPlain);
  auto r = t::runProcess({bin, "--check-config", "-c", typo.string()});
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find(typo.string() + ": error: host_command: /sbin/shutdwn cannot run: No such file "
                                   "or directory") != std::string::npos);
  CHECK(r.err.find("qm = /usr/sbin/qmm cannot run") != std::string::npos);

  const auto exposed = tree.file("exposed.toml",
                                 "[shutdown]\nhost_command = [\"true\"]\n[[notify]]\ntype = "
                                 "\"webhook\"\nurl = \"https://example.invalid/hook/secret\"\n",
                                 kPlain | fs::perms::group_read | fs::perms::others_read);
  r = t::runProcess({bin, "--check-config", "-c", exposed.string()});
  CHECK(r.status == 0);
  CHECK(r.out.starts_with(exposed.string() + ": OK\n"));
  CHECK(r.err.find("warning: " + exposed.string() + " is readable by every user (mode 0644)") !=
        std::string::npos);
  CHECK(r.err.find("secret") != std::string::npos);
  CHECK(r.err.find("/hook/secret") == std::string::npos); // the secret itself never shown
}

} // namespace hidupsd
