// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: NUT protocol request lines through a NutSession with a fake UPS.
//
// Input: one flag byte (bit 0: the UPS was never read, bit 1: its data is
// stale, bit 2: commands and writes fail), then request lines separated by
// '\n', each answered by NutSession::handleLine until a reply closes the
// connection. Every reply must be whole lines ending in '\n'; anything else,
// an exception, or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "serve/nut_protocol.hpp"
#include "serve/nut_session.hpp"
#include "serve/ups_backend.hpp"

using namespace hidupsd;

namespace {

/// A UPS with a few variables, commands and writable variables of each kind.
class FakeBackend final : public serve::UpsBackend {
public:
  explicit FakeBackend(std::uint8_t flags) : fail_((flags & 4) != 0) {
    state_.everRead = (flags & 1) == 0;
    state_.stale = (flags & 2) != 0;
    state_.snapshot.variables = {{"battery.charge", "100"},     {"battery.charge.low", "20"},
                                 {"battery.runtime", "1772"},   {"device.mfr", "EATON"},
                                 {"input.sensitivity", "high"}, {"ups.delay.shutdown", "20"},
                                 {"ups.id", "rack \"A\" #1"},   {"ups.status", "OL CHRG"}};
  }
  serve::UpsState state() const override { return state_; }
  std::vector<std::string> commands() const override {
    return {"beeper.disable", "load.off", "shutdown.return", "test.battery.start.quick"};
  }
  std::vector<serve::RwVariable> writable() const override {
    using Kind = serve::RwVariable::Kind;
    return {{"battery.charge.low", Kind::Range, 0, {}, {{10, 40}, {50, 60}}},
            {"input.sensitivity", Kind::Enum, 0, {"normal", "high", "low"}, {}},
            {"ups.delay.shutdown", Kind::Number, 0, {}, {}},
            {"ups.id", Kind::String, 32, {}, {}}};
  }
  serve::CommandStatus instantCommand(const std::string&, const std::string&,
                                      const serve::Requester&) override {
    return fail_ ? serve::CommandStatus::Failed : serve::CommandStatus::Ok;
  }
  serve::CommandStatus setVariable(const std::string& name, const std::string& value,
                                   const serve::Requester&) override {
    if (fail_) return serve::CommandStatus::InvalidArgument;
    state_.snapshot.variables[name] = value;
    return serve::CommandStatus::Ok;
  }
  void forcedShutdown(const serve::Requester&) override {
    state_.snapshot.variables["ups.status"] = "FSD OL CHRG";
  }

private:
  serve::UpsState state_;
  bool fail_;
};

serve::NutServiceOptions options() {
  serve::NutServiceOptions o;
  o.version = "0.1.0";
  o.users = {{"admin", "secret", true, true, true, true, true},
             {"monuser", "pass", true, false, false, false, false}};
  return o;
}

void checkReply(const serve::NutReply& reply, std::string_view line) {
  if (!reply.text.empty() && reply.text.back() == '\n') return;
  std::fprintf(stderr, "fuzz_nut_protocol: reply to \"%.*s\" is not whole lines\n",
               static_cast<int>(line.size()), line.data());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const auto kOptions = options();
  FakeBackend backend(data[0]);
  serve::NutLoginRegistry logins;
  serve::NutSession session(kOptions, backend, logins, "127.0.0.1");
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    const auto reply = session.handleLine(line);
    checkReply(reply, line);
    if (reply.close || end == text.npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}
