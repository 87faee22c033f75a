// SPDX-License-Identifier: GPL-2.0-or-later
// DiscordSink: the webhook JSON (content + one embed), Discord's limits, its 429 answer.
#include "notify/discord_sink.hpp"

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
constexpr std::size_t kMaxTitle = 256;
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

/// The field names, in the order the fields appear.
struct Labels {
  std::string_view battery, runtime, load, voltages, power, realPower, status, model;
};
constexpr Labels kEnglish{"Battery", "Runtime",    "Load",   "Input → Output",
                          "Power",   "Real power", "Status", "Model"};
constexpr Labels kFrench{"Batterie",  "Autonomie",        "Charge", "Entrée → Sortie",
                         "Puissance", "Puissance réelle", "Statut", "Modèle"};

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

std::optional<std::string> runtimeMinutes(const core::Snapshot& s) {
  auto seconds = s.number("battery.runtime");
  if (!seconds) return std::nullopt;
  // Rounded, as the body's {runtime_min}: the field and the text agree.
  return std::to_string(std::llround(*seconds / 60.0)) + " min";
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
  const Labels& l = language == Language::Fr ? kFrench : kEnglish;
  const std::array<std::pair<std::string_view, std::optional<std::string>>, 8> all = {{
      {l.battery, withUnit(s, "battery.charge", "%")},
      {l.runtime, runtimeMinutes(s)},
      {l.load, withUnit(s, "ups.load", "%")},
      {l.voltages, voltages(s)},
      {l.power, withUnit(s, "ups.power", "VA")},
      {l.realPower, withUnit(s, "ups.realpower", "W")},
      {l.status, withUnit(s, "ups.status", "")},
      {l.model, model(s)},
  }};
  std::vector<Field> out;
  for (const auto& [name, value] : all)
    if (value && out.size() < kMaxFields)
      out.push_back({truncateUtf8(name, kMaxFieldName), truncateUtf8(*value, kMaxFieldValue)});
  return out;
}

/// The embed's texts, cut so that each and their sum respect Discord's limits.
struct EmbedTexts {
  std::string title;
  std::string description;
  std::vector<Field> fields;
};

EmbedTexts embedTexts(const MessageTemplate& m, std::vector<Field> fields) {
  EmbedTexts e{truncateUtf8(m.title, kMaxTitle), {}, std::move(fields)};
  std::size_t used = utf8Length(e.title) + kFooter.size();
  for (const auto& f : e.fields)
    used += utf8Length(f.name) + utf8Length(f.value);
  // The fields are short; the body gives way when the whole would pass 6000.
  std::size_t room = used < kMaxEmbed ? kMaxEmbed - used : 0;
  e.description = truncateUtf8(m.body, std::min(kMaxDescription, room));
  return e;
}

Json embedJson(const EmbedTexts& t, Severity severity, std::int64_t wallTime) {
  Json embed = Json::object();
  if (!t.title.empty()) embed["title"] = t.title;
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
    : SinkBase("discord", std::move(options.common)), url_(std::move(options.url)), http_(http) {}

std::string DiscordSink::postUrl(std::string_view url) {
  std::string out(url);
  auto query = out.find('?');
  if (query != std::string::npos && out.find("wait=", query) != std::string::npos) return out;
  out += query == std::string::npos ? "?wait=true" : "&wait=true";
  return out;
}

std::string DiscordSink::payload(const Notification& n) const {
  MessageTemplate m = message(n);
  auto texts = embedTexts(m, fieldsOf(n.event.snapshot, options().language));
  Json root = Json::object();
  std::string content = truncateUtf8(m.title, kMaxContent);
  if (!content.empty()) root["content"] = content;
  root["embeds"] = Json::array({embedJson(texts, severityOf(n.event.kind), n.wallTime)});
  root["allowed_mentions"] = Json{{"parse", Json::array()}};
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
