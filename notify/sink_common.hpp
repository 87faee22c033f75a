// SPDX-License-Identifier: GPL-2.0-or-later
// What every sink shares: the common options, name/wants/retries/timeout, messages, HTTP outcomes.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "notify/http_client.hpp"
#include "notify/sink.hpp"
#include "notify/template.hpp"

namespace hidupsd::notify {

/// A sink's own words for one message ([notify.templates.EVENT]): the parts
/// set replace the built-in ones, the others stay. Placeholders as render().
struct TemplateOverride {
  std::optional<std::string> title;
  std::optional<std::string> content; ///< Discord's message line (above the embed)
  std::optional<std::string> body;
  bool operator==(const TemplateOverride&) const = default;
};

/// Keyed by event name ("onbatt"), or "progress" for the shutdown's progress messages.
using TemplateOverrides = std::map<std::string, TemplateOverride, std::less<>>;

/// A message as a sink sends it: title, body, and Discord's content line
/// when a template sets one.
struct RenderedMessage {
  std::string title;
  std::optional<std::string> content;
  std::string body;
};

/// The keys every [[notify]] entry has, as the sinks take them (src maps its
/// NotifyConfig onto this; notify/ never reads the config).
struct SinkOptions {
  int index = 1; ///< the entry's number, for name(): "discord #1"
  /// The kinds this sink delivers; default all of them.
  std::set<core::EventKind> events = allEventKinds();
  int retries = 3;                          ///< attempts after the first
  std::chrono::milliseconds timeout{10000}; ///< per attempt
  Language language = Language::En;
  TemplateOverrides templates; ///< [notify.templates]

  static std::set<core::EventKind> allEventKinds() {
    std::set<core::EventKind> all;
    for (std::size_t i = 0; i < core::kEventNames.size(); ++i)
      all.insert(static_cast<core::EventKind>(i));
    return all;
  }
};

/// Implements the bookkeeping half of Sink from SinkOptions.
class SinkBase : public Sink {
public:
  SinkBase(std::string type, SinkOptions options)
      : type_(std::move(type)), options_(std::move(options)) {}

  std::string name() const override { return type_ + " #" + std::to_string(options_.index); }
  bool wants(core::EventKind kind) const noexcept override {
    return options_.events.contains(kind);
  }

  int retries() const noexcept override { return options_.retries; }
  std::chrono::milliseconds timeout() const noexcept override { return options_.timeout; }

protected:
  const SinkOptions& options() const noexcept { return options_; }

  /// The built-in message (`state`: with the UPS state lines or not), with
  /// this sink's [notify.templates] parts for the event (or "progress"),
  /// rendered in its language; a test or simulation marker before the title
  /// (and before a template's content line). Throws std::bad_alloc only.
  RenderedMessage message(const Notification& n, BodyState state = BodyState::Lines) const {
    return rendered(n, builtinTemplateFor(n, options_.language, state));
  }

  /// `base` with this sink's [notify.templates] parts, rendered, marked.
  RenderedMessage rendered(const Notification& n, MessageTemplate base) const {
    const Language language = options_.language;
    const std::string_view key =
        n.progress.empty() ? core::eventName(n.event.kind) : std::string_view("progress");
    const auto custom = options_.templates.find(key);
    const TemplateOverride* o = custom == options_.templates.end() ? nullptr : &custom->second;
    if (o != nullptr && o->title) base.title = *o->title;
    if (o != nullptr && o->body) base.body = *o->body;
    RenderedMessage out{markedTitle(render(base.title, n, language), n.marker, language),
                        std::nullopt, render(base.body, n, language)};
    if (o != nullptr && o->content)
      out.content = markedTitle(render(*o->content, n, language), n.marker, language);
    return out;
  }

private:
  std::string type_;
  SinkOptions options_;
};

/// "2026-11-25T20:31:02Z": ISO 8601 / RFC 3339 in UTC.
inline std::string isoUtc(std::int64_t unixSeconds) {
  std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm utc{};
  char text[32] = "1970-01-01T00:00:00Z";
  if (gmtime_r(&t, &utc) != nullptr) std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

/// Seconds as a wait (fractions kept, rounded up to the millisecond); zero
/// for negative, NaN or absurd values (over a day).
inline std::chrono::milliseconds waitFromSeconds(double seconds) noexcept {
  if (!(seconds > 0) || seconds > 86400) return std::chrono::milliseconds{0};
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(seconds * 1000))};
}

/// An HTTP answer as a delivery: 2xx Delivered; 408, 429 and 5xx Retry (429
/// with the Retry-After header's delay in seconds; an HTTP-date is ignored);
/// anything else Failed. detail "HTTP 404".
inline Delivery httpDelivery(const HttpResponse& response) {
  Delivery d;
  d.detail = "HTTP " + std::to_string(response.status);
  long s = response.status;
  if (s >= 200 && s < 300) return d;
  bool transient = s == 408 || s == 429 || s >= 500;
  d.result = transient ? Delivery::Result::Retry : Delivery::Result::Failed;
  auto header = response.headers.find("retry-after");
  if (s == 429 && header != response.headers.end()) {
    char* end = nullptr;
    double secs = std::strtod(header->second.c_str(), &end);
    if (end != header->second.c_str() && *end == '\0') d.retryAfter = waitFromSeconds(secs);
  }
  return d;
}

/// Runs one attempt, turning exceptions into outcomes: HttpError (no HTTP
/// answer: connect, TLS, timeout) is Retry with its message (host only,
/// never the URL); any other exception Failed with its message.
template <typename Attempt> Delivery guarded(Attempt attempt) noexcept {
  using R = Delivery::Result;
  try {
    return attempt();
  } catch (const HttpError& e) {
    return {R::Retry, std::chrono::milliseconds{0}, e.what()};
  } catch (const std::exception& e) {
    return {R::Failed, std::chrono::milliseconds{0}, e.what()};
  } catch (...) {
    return {R::Failed, std::chrono::milliseconds{0}, "unknown error"};
  }
}

} // namespace hidupsd::notify
