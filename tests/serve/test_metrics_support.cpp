// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the /metrics tests: a realistic UPS state and an exposition-format checker.
#include "tests/serve/test_metrics_support.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

namespace hidupsd::test {

namespace {

std::chrono::system_clock::time_point unixTime(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::milliseconds(std::llround(seconds * 1000)));
}

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// The text format as prometheus.io/docs/instrumenting/exposition_formats
/// describes it, one member per rule. Holds the family bookkeeping.
class ExpositionParser {
public:
  ParsedExposition parse(std::string_view text) {
    if (text.empty() || text.back() != '\n') fail("the text must end with a line feed");
    while (!text.empty()) {
      ++line_;
      const auto end = text.find('\n');
      parseLine(text.substr(0, end));
      text.remove_prefix(end + 1);
    }
    return std::move(out_);
  }

private:
  [[noreturn]] void fail(const std::string& why) const {
    throw ExpositionError("line " + std::to_string(line_) + ": " + why);
  }

  void parseLine(std::string_view l) {
    if (l.empty()) return;
    if (l.front() == '#') return parseComment(l);
    parseSample(l);
  }

  void parseComment(std::string_view l) {
    const bool help = l.starts_with("# HELP "), type = l.starts_with("# TYPE ");
    if (!help && !type) return; // a plain comment
    l.remove_prefix(7);
    const auto name = metricName(l);
    if (l.empty() || l.front() != ' ') fail("HELP/TYPE needs a text after the name");
    l.remove_prefix(1);
    enterFamily(name);
    if (help && !out_.helps.emplace(name, unescape(l, false)).second)
      fail("second HELP for " + name);
    if (type) parseType(name, l);
  }

  void parseType(const std::string& name, std::string_view type) {
    if (type != "counter" && type != "gauge") fail("unexpected type '" + std::string(type) + "'");
    if (sampled_.count(name)) fail("TYPE for " + name + " after its samples");
    if (!out_.types.emplace(name, type).second) fail("second TYPE for " + name);
    if (type == "counter" && !name.ends_with("_total")) fail("counter " + name + " without _total");
  }

  void enterFamily(const std::string& name) {
    if (name == current_) return;
    if (closed_.count(name)) fail("the lines of " + name + " are not contiguous");
    if (!current_.empty()) closed_.insert(current_);
    current_ = name;
  }

  void parseSample(std::string_view l) {
    ParsedSample s;
    s.name = metricName(l);
    enterFamily(s.name);
    if (!out_.types.count(s.name) || !out_.helps.count(s.name))
      fail("sample of " + s.name + " before its HELP and TYPE");
    sampled_.insert(s.name);
    if (!l.empty() && l.front() == '{') s.labels = labels(l);
    const auto start = l.find_first_not_of(' ');
    if (l.empty() || l.front() != ' ' || start == l.npos) fail("no value after the series");
    s.value = value(l.substr(start));
    auto key = s.name;
    for (const auto& [k, v] : s.labels)
      key += "\x1f" + k + "=" + v;
    if (!series_.insert(key).second) fail("duplicate series " + s.name);
    out_.samples.push_back(std::move(s));
  }

  std::string metricName(std::string_view& l) {
    std::size_t n = 0;
    while (n < l.size() && (isAlpha(l[n]) || l[n] == ':' || (n > 0 && isDigit(l[n]))))
      ++n;
    if (n == 0) fail("bad metric name at '" + std::string(l.substr(0, 20)) + "'");
    std::string name(l.substr(0, n));
    l.remove_prefix(n);
    return name;
  }

  std::map<std::string, std::string> labels(std::string_view& l) {
    std::map<std::string, std::string> out;
    l.remove_prefix(1); // '{'
    while (!l.empty() && l.front() != '}') {
      std::size_t n = 0;
      while (n < l.size() && (isAlpha(l[n]) || (n > 0 && isDigit(l[n]))))
        ++n;
      const std::string name(l.substr(0, n));
      if (n == 0 || name.starts_with("__")) fail("bad label name '" + name + "'");
      l.remove_prefix(n);
      if (!l.starts_with("=\"")) fail("label " + name + " without =\"");
      l.remove_prefix(2);
      if (!out.emplace(name, labelValue(l)).second) fail("label " + name + " twice");
      if (l.starts_with(","))
        l.remove_prefix(1);
      else if (!l.starts_with("}"))
        fail("label " + name + " not followed by , or }");
    }
    if (l.empty()) fail("unterminated label set");
    l.remove_prefix(1);
    return out;
  }

  std::string labelValue(std::string_view& l) {
    std::size_t n = 0;
    while (n < l.size() && l[n] != '"')
      n += l[n] == '\\' ? 2 : 1;
    if (n >= l.size()) fail("unterminated label value");
    auto v = unescape(l.substr(0, n), true);
    l.remove_prefix(n + 1);
    return v;
  }

  /// Label values know \\ \" \n; HELP texts \\ and \n only.
  std::string unescape(std::string_view s, bool quotes) const {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        out += s[i];
        continue;
      }
      const char c = ++i < s.size() ? s[i] : '\0';
      if (c == 'n')
        out += '\n';
      else if (c == '\\' || (quotes && c == '"'))
        out += c;
      else
        fail(std::string("bad escape \\") + c);
    }
    checkUtf8(out);
    return out;
  }

  void checkUtf8(std::string_view s) const {
    for (std::size_t i = 0; i < s.size();) {
      const auto b = static_cast<unsigned char>(s[i]);
      const std::size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
      if (n == 0 || b > 0xf4 || i + n > s.size()) fail("invalid UTF-8");
      for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) fail("invalid UTF-8");
      i += n;
    }
  }

  /// A float as Go's strconv.ParseFloat reads it, restricted to decimal
  /// notation; an optional integer timestamp may follow.
  double value(std::string_view l) {
    const auto token = l.substr(0, l.find(' '));
    if (token == "NaN") return std::nan("");
    if (token == "+Inf" || token == "-Inf") return token[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    static const std::regex decimal(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)");
    if (!std::regex_match(token.begin(), token.end(), decimal))
      fail("bad value '" + std::string(token) + "'");
    if (token.size() < l.size()) {
      const auto ts = l.substr(token.size() + 1);
      for (char c : ts)
        if (!isDigit(c) && c != '-') fail("bad timestamp '" + std::string(ts) + "'");
    }
    return std::strtod(std::string(token).c_str(), nullptr);
  }

  ParsedExposition out_;
  std::size_t line_ = 0;
  std::string current_;
  std::set<std::string> closed_;
  std::set<std::string> sampled_;
  std::set<std::string> series_;
};

} // namespace

double ParsedExposition::value(const std::string& name,
                               const std::map<std::string, std::string>& labels) const {
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels)
      match = match && s.labels.count(k) && s.labels.at(k) == v;
    if (match) return s.value;
  }
  throw std::out_of_range("no sample " + name);
}

std::size_t ParsedExposition::count(const std::string& name) const {
  std::size_t n = 0;
  for (const auto& s : samples)
    n += s.name == name ? 1 : 0;
  return n;
}

ParsedExposition parseExposition(std::string_view text) { return ExpositionParser().parse(text); }

serve::MetricsData eaton5scMetricsData() {
  serve::MetricsData d;
  d.upsName = "ups";
  d.version = "0.1.0";
  d.everRead = true;
  d.commOk = true;
  d.processStart = unixTime(1700000000);
  d.events["onbatt"] = {2, unixTime(1700003600.5)};
  d.events["online"] = {2, unixTime(1700003660.25)};
  d.events["commbad"] = {1, unixTime(1700001000)};
  d.events["commok"] = {1, unixTime(1700001030)};
  d.snapshot.variables = {{"battery.capacity", "7.00"},
                          {"battery.charge", "100"},
                          {"battery.charge.low", "20"},
                          {"battery.charge.restart", "0"},
                          {"battery.charger.status", "resting"},
                          {"battery.energysave", "no"},
                          {"battery.energysave.delay", "300"},
                          {"battery.energysave.load", "20"},
                          {"battery.protection", "yes"},
                          {"battery.runtime", "1772"},
                          {"device.mfr", "EATON"},
                          {"device.model", "Eaton 5SC 750 750"},
                          {"device.type", "ups"},
                          {"input.current", "0.00"},
                          {"input.frequency", "49.9"},
                          {"input.frequency.nominal", "50"},
                          {"input.sensitivity", "high"},
                          {"input.transfer.boost.low", "198"},
                          {"input.transfer.high", "264"},
                          {"input.transfer.low", "176"},
                          {"input.transfer.trim.high", "233"},
                          {"input.voltage", "229.0"},
                          {"input.voltage.nominal", "230"},
                          {"outlet.1.status", "on"},
                          {"outlet.desc", "Main Outlet"},
                          {"outlet.id", "0"},
                          {"outlet.switchable", "no"},
                          {"output.current", "0.60"},
                          {"output.frequency", "49.9"},
                          {"output.frequency.nominal", "50"},
                          {"output.powerfactor", "0.80"},
                          {"output.voltage", "228.4"},
                          {"output.voltage.nominal", "220"},
                          {"ups.beeper.status", "enabled"},
                          {"ups.delay.shutdown", "20"},
                          {"ups.delay.start", "30"},
                          {"ups.efficiency", "72"},
                          {"ups.load", "29"},
                          {"ups.load.high", "105"},
                          {"ups.mfr", "EATON"},
                          {"ups.model", "Eaton 5SC 750 750"},
                          {"ups.power", "137"},
                          {"ups.power.nominal", "750"},
                          {"ups.productid", "ffff"},
                          {"ups.realpower", "110"},
                          {"ups.realpower.nominal", "525"},
                          {"ups.shutdown", "enabled"},
                          {"ups.start.auto", "yes"},
                          {"ups.start.battery", "yes"},
                          {"ups.start.reboot", "yes"},
                          {"ups.status", "OL CHRG"},
                          {"ups.test.interval", "604800"},
                          {"ups.test.result", "Done and passed"},
                          {"ups.timer.shutdown", "-1"},
                          {"ups.timer.start", "-1"},
                          {"ups.type", "offline / line interactive"},
                          {"ups.vendorid", "0463"}};
  return d;
}

} // namespace hidupsd::test
