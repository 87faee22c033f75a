// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier: the [[notify]] entries as sinks behind one dispatcher, fed by the event router.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "notify/curl_http_client.hpp"
#include "notify/curl_mailer.hpp"
#include "notify/dispatcher.hpp"
#include "ups/engine.hpp"

namespace hidupsd {

/// Every [[notify]] entry of the config as a sink, served by one Dispatcher
/// thread. onEvent() only enqueues (never blocks the device thread or the
/// shutdown pipeline); stop() gives pending messages a short bounded grace.
/// libcurl must be initialised first: a notify::CurlGlobal lives in main.
/// Thread rules: onEvent and notifyText from any thread.
class Notifier final : public EventSink {
public:
  /// Throws std::runtime_error if libcurl cannot start.
  /// `marker`: shown on every message (simulation, --test-event).
  explicit Notifier(const std::vector<NotifyConfig>& entries, std::string host = {},
                    notify::Marker marker = notify::Marker::None);
  ~Notifier() override;

  void onEvent(const core::Event& event) noexcept override;
  /// A progress line of the shutdown pipeline ("3/7 guests stopped"), sent
  /// as `event`'s kind with this text as the message.
  void notifyText(const core::Event& event, const std::string& text) noexcept;
  /// Waits up to `grace` for pending messages, then ends the thread.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));
  /// Waits until the queue is empty (--test-event); false on timeout.
  bool waitIdle(std::chrono::milliseconds timeout);
  std::size_t sinkCount() const noexcept { return dispatcher_->sinkCount(); }
  notify::DispatcherStats stats() const noexcept { return dispatcher_->stats(); }

private:
  notify::Notification make(const core::Event& event) const;

  notify::CurlHttpClient http_;
  notify::CurlMailer mailer_;
  std::string host_;
  notify::Marker marker_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
};

/// This host's name (gethostname), "localhost" if it has none.
std::string hostName();

} // namespace hidupsd
