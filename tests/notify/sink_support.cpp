// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/notify/sink_support.hpp"

#include <cstdlib>
#include <ctime>

#include "notify/curl_easy.hpp"

namespace hidupsd::notify::test {

namespace {

/// {time} renders local time: make it UTC for every test of this executable.
const bool kUtc = [] {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  return true;
}();
const CurlGlobal kCurl;

} // namespace

Notification outage(core::EventKind kind) {
  Notification n;
  n.host = "pve1";
  n.wallTime = kWallTime;
  n.event.kind = kind;
  n.event.reason = core::Phrase("reason.on_battery").with("seconds", "5");
  n.event.snapshot.variables = {{"battery.charge", "100"},    {"battery.runtime", "1772"},
                                {"ups.load", "29"},           {"input.voltage", "229.0"},
                                {"output.voltage", "228.4"},  {"ups.power", "137"},
                                {"ups.status", "OB DISCHRG"}, {"ups.model", "Ellipse PRO 850"}};
  return n;
}

MessageTemplate rendered(const Notification& n, Language language) {
  return render(builtinTemplateFor(n, language), n, language);
}

SinkOptions quick(int index, std::chrono::milliseconds timeout) {
  SinkOptions o;
  o.index = index;
  o.timeout = timeout;
  return o;
}

} // namespace hidupsd::notify::test
