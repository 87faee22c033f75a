// SPDX-License-Identifier: GPL-2.0-or-later
// DiscordSink: the webhook JSON (content + one embed), Discord's limits, its 429 answer.
#include "notify/discord_sink.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace hidupsd::notify {
namespace {

using Json = nlohmann::ordered_json;

// Discord's limits, https://discord.com/developers/docs/resources/message#embed-object-embed-limits
// and …/resources/webhook#execute-webhook (content).
constexpr std::size_t kMaxContent = 2000;
constexpr std::size_t kMaxDescription = 4096;
constexpr std::size_t kMaxFields = 25;
constexpr std::size_t kMaxFieldName = 256;
constexpr std::size_t kMaxFieldValue = 1024;
constexpr std::size_t kMaxEmbed = 6000;
constexpr std::string_view kFooter = "hidupsd";
constexpr std::string_view kEllipsis = "…";

constexpr bool isContinuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

int colorOf(Severity s) noexcept {
  switch (s) {
  case Severity::Info: return 0x2ecc71;
  case Severity::Critical: return 0xe74c3c;
  case Severity::Warning: break;
  }
  return 0xe67e22;
}

struct Field {
  std::string name;
  std::string value;
};

/// The variable with a unit, or nullopt when the snapshot lacks it.
std::optional<std::string> withUnit(const core::Snapshot& s, const std::string& name,
                                    std::string_view unit) {
  auto v = s.get(name);
  if (!v || v->empty()) return std::nullopt;
  return unit.empty() ? *v : *v + " " + std::string(unit);
}

std::optional<std::string> runtime(const core::Snapshot& s, Language language) {
  auto seconds = s.number("battery.runtime");
  if (!seconds) return std::nullopt;
  return durationText(*seconds, language); // as the body's {runtime}
}

std::optional<std::string> voltages(const core::Snapshot& s) {
  auto in = withUnit(s, "input.voltage", "V");
  auto out = withUnit(s, "output.voltage", "V");
  if (!in && !out) return std::nullopt;
  return in.value_or("n/a") + " → " + out.value_or("n/a");
}

std::optional<std::string> model(const core::Snapshot& s) {
  auto m = withUnit(s, "ups.model", "");
  return m ? m : withUnit(s, "device.model", "");
}

std::vector<Field> fieldsOf(const core::Snapshot& s, Language language) {
  const std::array<std::pair<std::string_view, std::optional<std::string>>, 8> all = {{
      {"field.battery", withUnit(s, "battery.charge", "%")},
      {"field.runtime", runtime(s, language)},
      {"field.load", withUnit(s, "ups.load", "%")},
      {"field.voltages", voltages(s)},
      {"field.power", withUnit(s, "ups.power", "VA")},
      {"field.realpower", withUnit(s, "ups.realpower", "W")},
      {"field.status", withUnit(s, "ups.status", "")},
      {"field.model", model(s)},
  }};
  std::vector<Field> out;
  for (const auto& [key, value] : all)
    if (value && out.size() < kMaxFields)
      out.push_back(
          {truncateUtf8(text(key, language), kMaxFieldName), truncateUtf8(*value, kMaxFieldValue)});
  return out;
}

/// "<@&123>" → {"roles", "123"}; "<@123>" / "<@!123>" → {"users", "123"};
/// "@here" / "@everyone" → {"parse", "everyone"} (Discord lets both through
/// with "everyone"). The config only lets these shapes in.
std::pair<std::string, std::string> mentionKind(std::string_view m) {
  if (m == "@here" || m == "@everyone") return {"parse", "everyone"};
  const bool role = m.starts_with("<@&");
  std::string_view id = m.substr(role ? 3 : 2);
  if (id.starts_with('!')) id.remove_prefix(1);
  if (id.ends_with('>')) id.remove_suffix(1);
  return {role ? "roles" : "users", std::string(id)};
}

Json allowedMentions(const std::vector<std::string>& mentions) {
  Json allowed = Json{{"parse", Json::array()}};
  for (const auto& m : mentions) {
    auto [kind, value] = mentionKind(m);
    Json& list = allowed[kind];
    if (list.is_null()) list = Json::array();
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
  }
  return allowed;
}

/// The embed's texts, cut so that each and their sum respect Discord's limits.
struct EmbedTexts {
  std::string description;
  std::vector<Field> fields;
};

EmbedTexts embedTexts(const RenderedMessage& m, std::vector<Field> fields) {
  EmbedTexts e{{}, std::move(fields)};
  std::size_t used = kFooter.size();
  for (const auto& f : e.fields)
    used += utf8Length(f.name) + utf8Length(f.value);
  // The fields are short; the body gives way when the whole would pass 6000.
  std::size_t room = used < kMaxEmbed ? kMaxEmbed - used : 0;
  e.description = truncateUtf8(m.body, std::min(kMaxDescription, room));
  return e;
}

Json embedJson(const EmbedTexts& t, Severity severity, std::int64_t wallTime) {
  Json embed = Json::object();
  if (!t.description.empty()) embed["description"] = t.description;
  embed["color"] = colorOf(severity);
  embed["timestamp"] = isoUtc(wallTime);
  Json fields = Json::array();
  for (const auto& f : t.fields)
    fields.push_back(Json{{"name", f.name}, {"value", f.value}, {"inline", true}});
  if (!fields.empty()) embed["fields"] = std::move(fields);
  embed["footer"] = Json{{"text", kFooter}};
  return embed;
}

/// Discord's 429 body: {"message": …, "retry_after": 0.35, "global": false}.
Delivery discordDelivery(const HttpResponse& response) {
  Delivery d = httpDelivery(response);
  if (response.status != 429) return d;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("retry_after") && body["retry_after"].is_number()) {
    auto wait = waitFromSeconds(body["retry_after"].get<double>());
    if (wait.count() > 0) d.retryAfter = wait;
  }
  return d;
}

} // namespace

std::size_t utf8Length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text)
    n += isContinuation(static_cast<unsigned char>(c)) ? 0 : 1;
  return n;
}

std::string truncateUtf8(std::string_view text, std::size_t maxCodePoints) {
  if (utf8Length(text) <= maxCodePoints) return std::string(text);
  if (maxCodePoints == 0) return {};
  // Keep maxCodePoints - 1 code points: stop at the lead byte of the next one.
  std::size_t kept = 0;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    if (isContinuation(static_cast<unsigned char>(text[end]))) continue;
    if (kept == maxCodePoints - 1) break;
    ++kept;
  }
  return std::string(text.substr(0, end)) + std::string(kEllipsis);
}

DiscordSink::DiscordSink(DiscordOptions options, HttpClient& http)
    : SinkBase("discord", std::move(options.common)), url_(std::move(options.url)),
      style_(options.style), embed_(options.embed), fields_(options.fields),
      mentions_(std::move(options.mentions)), http_(http) {}

std::string DiscordSink::postUrl(std::string_view url) {
  std::string out(url);
  auto query = out.find('?');
  if (query != std::string::npos && out.find("wait=", query) != std::string::npos) return out;
  out += query == std::string::npos ? "?wait=true" : "&wait=true";
  return out;
}

// The message line: the template's content, else the title (and, without an
// embed, the body: in a code block for the plain style), mentions first.
std::string DiscordSink::content(const Notification& n, const RenderedMessage& m) const {
  std::string line;
  if (m.content)
    line = *m.content;
  else if (style_ == DiscordStyle::Plain)
    line = m.title + "\n```\n" + m.body + "\n```";
  else
    line = embed_ ? m.title : m.title + "\n" + m.body;
  const auto mentions = mentions_.find(n.event.kind);
  if (mentions == mentions_.end() || !n.progress.empty()) return line;
  std::string prefix;
  for (const auto& mention : mentions->second)
    prefix += mention + " ";
  return prefix + line;
}

std::string DiscordSink::payload(const Notification& n) const {
  const Language language = options().language;
  const bool withEmbed = style_ == DiscordStyle::Embed && embed_;
  const RenderedMessage m =
      style_ == DiscordStyle::Plain
          ? rendered(n, plainTemplateFor(n, language))
          : message(n, withEmbed && fields_ ? BodyState::None : BodyState::Lines);
  Json root = Json::object();
  if (std::string line = truncateUtf8(content(n, m), kMaxContent); !line.empty())
    root["content"] = std::move(line);
  if (withEmbed) {
    auto texts =
        embedTexts(m, fields_ ? fieldsOf(n.event.snapshot, language) : std::vector<Field>{});
    root["embeds"] = Json::array({embedJson(texts, severityOf(n.event.kind), n.wallTime)});
  }
  const auto mentions = mentions_.find(n.event.kind);
  root["allowed_mentions"] = mentions == mentions_.end() || !n.progress.empty()
                                 ? Json{{"parse", Json::array()}}
                                 : allowedMentions(mentions->second);
  // Invalid UTF-8 from a device string becomes U+FFFD rather than an exception.
  return root.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Delivery DiscordSink::deliver(const Notification& n) noexcept {
  return guarded([&] {
    HttpRequest request;
    request.url = postUrl(url_);
    request.headers = {{"Content-Type", "application/json"}};
    request.body = payload(n);
    request.timeout = timeout();
    return discordDelivery(http_.send(request));
  });
}

} // namespace hidupsd::notify
