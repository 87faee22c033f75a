// SPDX-License-Identifier: GPL-2.0-or-later
// The replay file parser: one member per statement, one fail().
#include "hid/replay_file.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include <fmt/format.h>

namespace hidupsd::hid {

ReplayError::ReplayError(const std::string& source, std::size_t line, const std::string& reason)
    : std::runtime_error(line == 0 ? fmt::format("{}: {}", source, reason)
                                   : fmt::format("{}:{}: {}", source, line, reason)),
      source_(source), line_(line) {}

namespace {

constexpr double kMaxSeconds = 1e9;              // ~31 years: far beyond any scenario, fits in ns
constexpr double kMaxValue = 9007199254740992.0; // 2^53: exact in a double

bool isSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}
bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

int hexDigit(char c) noexcept {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// "12", "12.5", "12.", ".5": an unsigned decimal without exponent.
bool isUnsignedDecimal(std::string_view s) noexcept {
  const auto dot = s.find('.');
  const auto intPart = s.substr(0, dot);
  const auto fracPart = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  const auto allDigits = [](std::string_view p) {
    return std::all_of(p.begin(), p.end(), isDigit);
  };
  return (!intPart.empty() || !fracPart.empty()) && allDigits(intPart) && allDigits(fracPart);
}

std::optional<double> toDouble(std::string_view s) noexcept {
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return d;
}

class ReplayParser {
public:
  ReplayParser(std::string_view text, const std::string& source, const ReplayLimits& limits)
      : text_(text), limits_(limits) {
    script_.source = source;
    script_.device.path = source;
  }

  ReplayScript run();

private:
  using Rule = void (ReplayParser::*)();
  using TimedRule = void (ReplayParser::*)(ReplayEvent&);

  void line(std::string_view text);
  void statement();
  void device();
  void deviceField(std::string_view key);
  void descriptor();
  void string();
  void feature();
  void input();
  void at();
  void timedInput(ReplayEvent& e);
  void timedFeature(ReplayEvent& e);
  void timedSet(ReplayEvent& e);
  void timedDisconnect(ReplayEvent& e);
  void timedReconnect(ReplayEvent& e);
  void timedFail(ReplayEvent& e);
  void timedStall(ReplayEvent& e);
  void timedWedge(ReplayEvent& e);
  void finish();

  std::vector<std::uint8_t> report();
  void hexBytes(std::vector<std::uint8_t>& into, std::size_t limit, const char* what);
  std::uint16_t hexId(std::string_view key, std::string_view value);
  std::chrono::nanoseconds seconds(const char* what);
  std::string quoted();
  void escape();
  std::string_view stripComment(std::string_view text);
  std::string_view word();
  std::string_view need(const char* what);
  bool atEnd();
  void expectEnd();
  [[noreturn]] void fail(std::size_t line, const std::string& why) const;

  static constexpr std::array<std::pair<std::string_view, Rule>, 6> kRules{{
      {"device", &ReplayParser::device},
      {"descriptor", &ReplayParser::descriptor},
      {"string", &ReplayParser::string},
      {"feature", &ReplayParser::feature},
      {"input", &ReplayParser::input},
      {"at", &ReplayParser::at},
  }};
  static constexpr std::array<std::pair<std::string_view, TimedRule>, 8> kTimedRules{{
      {"input", &ReplayParser::timedInput},
      {"feature", &ReplayParser::timedFeature},
      {"set", &ReplayParser::timedSet},
      {"disconnect", &ReplayParser::timedDisconnect},
      {"reconnect", &ReplayParser::timedReconnect},
      {"fail", &ReplayParser::timedFail},
      {"stall", &ReplayParser::timedStall},
      {"wedge", &ReplayParser::timedWedge},
  }};

  std::string_view text_;
  const ReplayLimits& limits_;
  ReplayScript script_;
  std::size_t lineNo_ = 0;
  std::string_view line_; // the current line, comment stripped
  std::size_t pos_ = 0;   // cursor in line_
  std::size_t statements_ = 0;
  bool hasVendor_ = false;
  bool hasProduct_ = false;
  std::vector<std::string_view> deviceKeys_;
};

ReplayScript ReplayParser::run() {
  for (std::size_t start = 0; start <= text_.size();) {
    auto end = text_.find('\n', start);
    if (end == std::string_view::npos) end = text_.size();
    ++lineNo_;
    line(text_.substr(start, end - start));
    start = end + 1;
  }
  finish();
  return std::move(script_);
}

void ReplayParser::line(std::string_view text) {
  line_ = stripComment(text);
  pos_ = 0;
  if (atEnd()) return;
  if (++statements_ > limits_.maxStatements)
    fail(lineNo_, fmt::format("more than {} statements", limits_.maxStatements));
  statement();
  expectEnd();
}

void ReplayParser::statement() {
  const auto keyword = word();
  for (const auto& [name, rule] : kRules)
    if (name == keyword) return (this->*rule)();
  fail(lineNo_, fmt::format("unknown statement '{}'", keyword));
}

void ReplayParser::device() {
  if (script_.deviceLine != 0)
    fail(lineNo_, fmt::format("second device line (the first is line {})", script_.deviceLine));
  script_.deviceLine = lineNo_;
  while (!atEnd()) {
    const auto start = pos_;
    const auto token = word();
    const auto eq = token.find('=');
    if (eq == std::string_view::npos || eq == 0)
      fail(lineNo_, fmt::format("expected key=value, got '{}'", token));
    pos_ = start + eq + 1;
    deviceField(token.substr(0, eq));
  }
  if (!hasVendor_ || !hasProduct_) fail(lineNo_, "device line needs vendor= and product=");
}

void ReplayParser::deviceField(std::string_view key) {
  if (std::find(deviceKeys_.begin(), deviceKeys_.end(), key) != deviceKeys_.end())
    fail(lineNo_, fmt::format("device {}= given twice", key));
  deviceKeys_.push_back(key);
  auto& d = script_.device;
  if (key == "vendor") {
    d.vendorId = hexId(key, word());
    hasVendor_ = true;
  } else if (key == "product") {
    d.productId = hexId(key, word());
    hasProduct_ = true;
  } else if (key == "release") {
    d.releaseNumber = hexId(key, word());
  } else if (key == "manufacturer") {
    d.manufacturer = quoted();
  } else if (key == "product_name") {
    d.product = quoted();
  } else if (key == "serial") {
    d.serial = quoted();
  } else {
    fail(lineNo_, fmt::format("unknown device field '{}'", key));
  }
}

void ReplayParser::descriptor() {
  const auto before = script_.descriptor.size();
  hexBytes(script_.descriptor, limits_.maxDescriptorBytes, "descriptor");
  if (script_.descriptor.size() == before) fail(lineNo_, "descriptor line without bytes");
}

void ReplayParser::string() {
  const auto token = need("string index");
  unsigned index = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
  if (ec != std::errc{} || end != token.data() + token.size() || index > 255)
    fail(lineNo_, fmt::format("bad string index '{}': expected 0..255", token));
  const auto i = static_cast<std::uint8_t>(index);
  if (script_.strings.count(i) != 0) fail(lineNo_, fmt::format("string {} given twice", index));
  script_.strings[i] = quoted();
}

void ReplayParser::feature() { script_.features.push_back(report()); }

void ReplayParser::input() { script_.inputs.push_back(report()); }

void ReplayParser::at() {
  ReplayEvent event;
  event.line = lineNo_;
  event.at = seconds("time");
  const auto action = need("statement after the time");
  for (const auto& [name, rule] : kTimedRules) {
    if (name != action) continue;
    (this->*rule)(event);
    script_.timeline.push_back(std::move(event));
    return;
  }
  fail(lineNo_, fmt::format("unknown timed statement '{}'", action));
}

void ReplayParser::timedInput(ReplayEvent& e) {
  e.kind = ReplayEvent::Kind::Input;
  e.report = report();
}

void ReplayParser::timedFeature(ReplayEvent& e) {
  e.kind = ReplayEvent::Kind::Feature;
  e.report = report();
}

void ReplayParser::timedSet(ReplayEvent& e) {
  e.kind = ReplayEvent::Kind::Set;
  e.path = need("path");
  const auto token = need("value");
  const bool negative = token.front() == '-';
  const auto magnitude = token.substr(negative ? 1 : 0);
  const auto v = isUnsignedDecimal(magnitude) ? toDouble(magnitude) : std::nullopt;
  if (!v || *v > kMaxValue) fail(lineNo_, fmt::format("bad value '{}': expected a number", token));
  e.value = negative ? -*v : *v;
}

void ReplayParser::timedDisconnect(ReplayEvent& e) { e.kind = ReplayEvent::Kind::Disconnect; }

void ReplayParser::timedReconnect(ReplayEvent& e) { e.kind = ReplayEvent::Kind::Reconnect; }

void ReplayParser::timedFail(ReplayEvent& e) {
  e.kind = ReplayEvent::Kind::Fail;
  const auto token = need("count");
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), e.count);
  if (ec != std::errc{} || end != token.data() + token.size())
    fail(lineNo_, fmt::format("bad count '{}': expected a whole number of calls", token));
}

void ReplayParser::timedStall(ReplayEvent& e) {
  e.kind = ReplayEvent::Kind::Stall;
  e.duration = seconds("duration");
}

void ReplayParser::timedWedge(ReplayEvent& e) { e.kind = ReplayEvent::Kind::Wedge; }

void ReplayParser::finish() {
  if (script_.deviceLine == 0) fail(1, "no device line");
  if (script_.descriptor.empty()) fail(script_.deviceLine, "no descriptor line");
  std::stable_sort(script_.timeline.begin(), script_.timeline.end(),
                   [](const ReplayEvent& a, const ReplayEvent& b) { return a.at < b.at; });
}

std::vector<std::uint8_t> ReplayParser::report() {
  std::vector<std::uint8_t> bytes;
  hexBytes(bytes, limits_.maxReportBytes, "report");
  if (bytes.empty()) fail(lineNo_, "report without bytes (the report ID comes first)");
  return bytes;
}

void ReplayParser::hexBytes(std::vector<std::uint8_t>& into, std::size_t limit, const char* what) {
  while (!atEnd()) {
    const auto token = word();
    const int hi = hexDigit(token[0]);
    const int lo = token.size() == 2 ? hexDigit(token[1]) : -1;
    if (hi < 0 || lo < 0) fail(lineNo_, fmt::format("bad hex byte '{}'", token));
    if (into.size() >= limit) fail(lineNo_, fmt::format("{} longer than {} bytes", what, limit));
    into.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
}

std::uint16_t ReplayParser::hexId(std::string_view key, std::string_view value) {
  unsigned id = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id, 16);
  if (value.empty() || value.size() > 4 || ec != std::errc{} || end != value.data() + value.size())
    fail(lineNo_, fmt::format("bad {} '{}': expected 1 to 4 hex digits", key, value));
  return static_cast<std::uint16_t>(id);
}

std::chrono::nanoseconds ReplayParser::seconds(const char* what) {
  const auto token = need(what);
  const auto v = isUnsignedDecimal(token) ? toDouble(token) : std::nullopt;
  if (!v || *v > kMaxSeconds)
    fail(lineNo_, fmt::format("bad {} '{}': expected seconds >= 0", what, token));
  return std::chrono::nanoseconds{std::llround(*v * 1e9)};
}

/// A double-quoted string; \" and \\ are the only escapes.
std::string ReplayParser::quoted() {
  if (atEnd() || line_[pos_] != '"') fail(lineNo_, "expected a quoted string");
  std::string out;
  for (++pos_; pos_ < line_.size() && line_[pos_] != '"'; ++pos_) {
    if (line_[pos_] == '\\') escape();
    if (out.size() >= limits_.maxStringBytes)
      fail(lineNo_, fmt::format("string longer than {} bytes", limits_.maxStringBytes));
    out.push_back(line_[pos_]);
  }
  if (pos_ >= line_.size()) fail(lineNo_, "unterminated quote");
  ++pos_;
  return out;
}

/// Steps over a backslash to the character it escapes.
void ReplayParser::escape() {
  if (++pos_ >= line_.size()) fail(lineNo_, "unterminated quote");
  if (line_[pos_] != '"' && line_[pos_] != '\\')
    fail(lineNo_, fmt::format("unknown escape '\\{}' (only \\\" and \\\\)", line_[pos_]));
}

/// The line up to a `#` outside quotes; an unclosed quote is an error here.
std::string_view ReplayParser::stripComment(std::string_view text) {
  bool inQuote = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (inQuote && text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      inQuote = !inQuote;
    else if (!inQuote && text[i] == '#')
      return text.substr(0, i);
  }
  if (inQuote) fail(lineNo_, "unterminated quote");
  return text;
}

/// The next run of non-space characters; empty at the end of the line.
std::string_view ReplayParser::word() {
  atEnd();
  const auto start = pos_;
  while (pos_ < line_.size() && !isSpace(line_[pos_]))
    ++pos_;
  return line_.substr(start, pos_ - start);
}

std::string_view ReplayParser::need(const char* what) {
  const auto token = word();
  if (token.empty()) fail(lineNo_, fmt::format("missing {}", what));
  return token;
}

bool ReplayParser::atEnd() {
  while (pos_ < line_.size() && isSpace(line_[pos_]))
    ++pos_;
  return pos_ >= line_.size();
}

void ReplayParser::expectEnd() {
  if (!atEnd()) fail(lineNo_, fmt::format("unexpected '{}'", word()));
}

void ReplayParser::fail(std::size_t line, const std::string& why) const {
  throw ReplayError(script_.source, line, why);
}

} // namespace

ReplayScript parseReplay(std::string_view text, const std::string& source,
                         const ReplayLimits& limits) {
  return ReplayParser(text, source, limits).run();
}

ReplayScript loadReplay(const std::filesystem::path& path, const ReplayLimits& limits) {
  const auto name = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw ReplayError(name, 0, "cannot read: " + ec.message());
  if (size > limits.maxFileBytes)
    throw ReplayError(name, 0, fmt::format("larger than {} bytes", limits.maxFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReplayError(name, 0, "cannot open");
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parseReplay(text, name, limits);
}

} // namespace hidupsd::hid
