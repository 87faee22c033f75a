// SPDX-License-Identifier: GPL-2.0-or-later
// What the sink tests share: the old script's outage, its rendered message, quick options.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>

#include "notify/notification.hpp"
#include "notify/sink_common.hpp"
#include "notify/template.hpp"

namespace hidupsd::notify::test {

// What every sink test file says: `using namespace test;` brings these too.
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using R = Delivery::Result;
using core::EventKind;

/// 2026-11-25T20:31:02Z.
constexpr std::int64_t kWallTime = 1795638662;

/// The outage of the old script's message: every value it showed.
Notification outage(core::EventKind kind = core::EventKind::OnBattery);

/// The built-in message for `n`, rendered.
MessageTemplate rendered(const Notification& n, Language language = Language::En);

/// Sink options with sink number `index` and a timeout.
SinkOptions quick(int index = 1,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

} // namespace hidupsd::notify::test
