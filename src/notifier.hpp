// SPDX-License-Identifier: GPL-2.0-or-later
// Notifier: the [[notify]] entries as sinks behind one dispatcher, fed by the event router.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "notify/curl_http_client.hpp"
#include "notify/curl_mailer.hpp"
#include "notify/dispatcher.hpp"
#include "notify/sink_common.hpp"
#include "ups/engine.hpp"

namespace hidupsd {

/// Where the Notifier reports on its sinks' health. Both are called on the
/// dispatcher's thread and must only hand things on (append a line, route
/// an event); either may be empty.
struct NotifierHooks {
  /// A line for the event log: a sink starts failing, or works again.
  std::function<void(const std::string& line)> record;
  /// A notifyfail event: a sink failed alert_after_failures times in a row.
  /// Route it (the event log, the other sinks); its reason names the sink.
  std::function<void(const core::Event& event)> raise;
};

/// Every [[notify]] entry of the config as a sink, served by one Dispatcher
/// thread. onEvent() only enqueues (never blocks the device thread or the
/// shutdown pipeline); stop() gives pending messages a short bounded grace.
/// A notifyfail event goes to every sink but the one it is about.
/// libcurl must be initialised first: a notify::CurlGlobal lives in main.
/// Thread rules: onEvent, notifyProgress and health from any thread.
class Notifier final : public EventSink {
public:
  /// Throws std::runtime_error if libcurl cannot start.
  /// `marker`: shown on every message (simulation, --test-event).
  explicit Notifier(const std::vector<NotifyConfig>& entries, std::string host = {},
                    notify::Marker marker = notify::Marker::None, NotifierHooks hooks = {});
  ~Notifier() override;

  void onEvent(const core::Event& event) noexcept override;
  /// A progress line of the shutdown pipeline ("3/7 VM 101 force-stopped …"),
  /// sent as `event`'s kind with this text as the message.
  void notifyProgress(const core::Event& event, const core::Phrase& what) noexcept;
  /// Waits up to `grace` for pending messages, then ends the thread.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(3));
  /// Waits until the queue is empty (--test-event); false on timeout.
  bool waitIdle(std::chrono::milliseconds timeout);
  std::size_t sinkCount() const noexcept { return dispatcher_->sinkCount(); }
  notify::DispatcherStats stats() const noexcept { return dispatcher_->stats(); }
  /// Each sink's health, in [[notify]] order.
  std::vector<core::SinkHealth> health() const { return dispatcher_->health(); }

private:
  notify::Notification make(const core::Event& event) const;
  void onOutcome(std::size_t sink, const core::SinkHealth& health, const notify::Notification& n);
  int sinkNumber(const std::string& name) const noexcept;

  notify::CurlHttpClient http_;
  notify::CurlMailer mailer_;
  std::string host_;
  notify::Marker marker_;
  NotifierHooks hooks_;
  std::vector<int> alertAfter_;    // per sink: alert_after_failures
  std::vector<std::string> names_; // per sink: "discord #1"
  std::vector<int> failuresSeen_;  // per sink, dispatcher thread only
  std::unique_ptr<notify::Dispatcher> dispatcher_;
};

/// This host's name (gethostname), "localhost" if it has none.
std::string hostName();

/// A [[notify]] entry as its sink's options (templates, language, Discord style …).
notify::SinkOptions sinkOptions(const NotifyConfig& entry, int index);

} // namespace hidupsd
