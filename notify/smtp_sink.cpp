// SPDX-License-Identifier: GPL-2.0-or-later
// SmtpSink: RFC 5322 headers, RFC 2047 subjects, CRLF bodies, MailError → outcome.
#include "notify/smtp_sink.hpp"

#include <array>
#include <atomic>
#include <random>

#include <fmt/format.h>

namespace hidupsd::notify {
namespace {

constexpr std::size_t kMaxLine = 998;  // RFC 5322 §2.1.1, CRLF excluded
constexpr std::size_t kWordChunk = 45; // raw bytes per encoded-word: 60 base64 + 12 = 72 ≤ 75

constexpr bool isContinuation(unsigned char c) noexcept { return (c & 0xC0) == 0x80; }

std::string base64(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < raw.size(); i += 3) {
    std::uint32_t chunk = 0;
    std::size_t n = std::min<std::size_t>(3, raw.size() - i);
    for (std::size_t k = 0; k < 3; ++k)
      chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(raw[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k)
      out += k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 0x3f] : '=';
  }
  return out;
}

bool printableAscii(std::string_view text) noexcept {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return false;
  return true;
}

/// Where to cut `text` at most `max` bytes from `from`, between code points.
std::size_t cutAt(std::string_view text, std::size_t from, std::size_t max) noexcept {
  std::size_t end = std::min(text.size(), from + max);
  while (end > from + 1 && end < text.size() &&
         isContinuation(static_cast<unsigned char>(text[end])))
    --end;
  return end;
}

/// One line (no CR) as CRLF lines of at most 998 octets each.
void appendLine(std::string& out, std::string_view line) {
  do {
    std::size_t end = cutAt(line, 0, kMaxLine);
    out.append(line.substr(0, end)).append("\r\n");
    line.remove_prefix(end);
  } while (!line.empty());
}

/// The body with CRLF line ends, no bare CR, no line over 998 octets.
std::string crlfBody(std::string_view body) {
  std::string out;
  while (!body.empty()) {
    std::size_t nl = body.find('\n');
    std::string line(body.substr(0, nl));
    std::erase(line, '\r');
    appendLine(out, line);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
  }
  return out;
}

std::string domainOf(const std::string& address) {
  auto at = address.rfind('@');
  return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

/// Unique per process run and message: time, a counter and 64 random bits.
std::string messageId(std::int64_t unixSeconds, const std::string& from) {
  static std::atomic<unsigned> counter{0};
  static const std::uint64_t nonce = [] {
    std::random_device rd;
    return std::uint64_t{rd()} << 32 | rd();
  }();
  return fmt::format("<{}.{}.{:016x}@{}>", unixSeconds, ++counter, nonce, domainOf(from));
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

} // namespace

std::string encodeHeaderWord(std::string_view text) {
  if (printableAscii(text)) return std::string(text);
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = cutAt(text, pos, kWordChunk);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string rfc5322Date(std::int64_t unixSeconds) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unixSeconds);
  std::tm utc{};
  if (gmtime_r(&t, &utc) == nullptr) return "Thu, 01 Jan 1970 00:00:00 +0000";
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[utc.tm_wday % 7], utc.tm_mday,
                     kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                     utc.tm_sec);
}

SmtpSink::SmtpSink(SmtpOptions options, Mailer& mailer)
    : SinkBase("smtp", options.common), options_(std::move(options)), mailer_(mailer) {}

std::string SmtpSink::mail(const Notification& n) const {
  RenderedMessage m = message(n);
  std::string subject = options_.subject.empty()
                            ? m.title
                            : markedTitle(render(options_.subject, n, options_.common.language),
                                          n.marker, options_.common.language);
  for (char& c : subject)
    if (c == '\r' || c == '\n') c = ' ';
  std::string out;
  out += "From: " + options_.from + "\r\n";
  out += "To: " + joined(options_.to) + "\r\n";
  out += "Subject: " + encodeHeaderWord(subject) + "\r\n";
  out += "Date: " + rfc5322Date(n.wallTime) + "\r\n";
  out += "Message-ID: " + messageId(n.wallTime, options_.from) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  out += crlfBody(m.body);
  return out;
}

Delivery SmtpSink::deliver(const Notification& n) noexcept {
  using R = Delivery::Result;
  try {
    MailRequest request{options_.server,   options_.port,     options_.starttls,
                        options_.username, options_.password, options_.from,
                        options_.to,       mail(n),           timeout()};
    mailer_.send(request);
    return {R::Delivered, std::chrono::milliseconds{0}, "accepted by " + options_.server};
  } catch (const MailError& e) {
    return {e.permanent() ? R::Failed : R::Retry, std::chrono::milliseconds{0}, e.what()};
  } catch (const std::exception& e) {
    return {R::Failed, std::chrono::milliseconds{0}, e.what()};
  } catch (...) {
    return {R::Failed, std::chrono::milliseconds{0}, "unknown error"};
  }
}

} // namespace hidupsd::notify
