// SPDX-License-Identifier: GPL-2.0-or-later
// The channel's encoding: little-endian integers, length-prefixed strings, counted lists;
// every read checked against the end and against the limits.
#include "serve/channel.hpp"

#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace hidupsd::serve::channel {

namespace {

enum class Type : std::uint8_t {
  Setup = 4,
  State = 1,
  Reply = 2,
  Ping = 3,
  Hello = 16,
  Logins = 17,
  Request = 18,
  Pong = 19,
};

using TimePoint = std::chrono::system_clock::time_point;

class Writer {
public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u16(std::uint16_t v) { little(v, 2); }
  void u32(std::uint32_t v) { little(v, 4); }
  void u64(std::uint64_t v) { little(v, 8); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    if (s.size() > kMaxString)
      throw ChannelError(out_.size(),
                         fmt::format("a string of {} bytes (at most {})", s.size(), kMaxString));
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void count(std::size_t n) {
    if (n > kMaxItems)
      throw ChannelError(out_.size(), fmt::format("{} items (at most {})", n, kMaxItems));
    u32(static_cast<std::uint32_t>(n));
  }
  void time(TimePoint t) { i64(t.time_since_epoch().count()); }
  void optTime(const std::optional<TimePoint>& t) {
    boolean(t.has_value());
    if (t) time(*t);
  }
  void optDouble(const std::optional<double>& d) {
    boolean(d.has_value());
    if (d) f64(*d);
  }
  std::string take() { return std::move(out_); }

private:
  void little(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class Reader {
public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(little(1)); }
  bool boolean() {
    const auto at = pos_;
    const auto v = u8();
    if (v > 1) throw ChannelError(at, fmt::format("a boolean of {}", v));
    return v == 1;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(little(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(little(4)); }
  std::uint64_t u64() { return little(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() { return std::bit_cast<double>(u64()); }
  std::string str() {
    const auto at = pos_;
    const auto n = u32();
    if (n > kMaxString || n > in_.size() - pos_)
      throw ChannelError(at, fmt::format("a string of {} bytes, {} left", n, in_.size() - pos_));
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  /// A list's length: each item takes at least `minItemBytes`, so a count the rest of the
  /// message cannot hold is refused before anything is allocated.
  std::size_t count(std::size_t minItemBytes) {
    const auto at = pos_;
    const auto n = u32();
    if (n > kMaxItems || n * minItemBytes > in_.size() - pos_)
      throw ChannelError(at,
                         fmt::format("a list of {} items, {} bytes left", n, in_.size() - pos_));
    return n;
  }
  template <typename Enum> Enum enumeration(std::uint8_t first, std::uint8_t last) {
    const auto at = pos_;
    const auto v = u8();
    if (v < first || v > last) throw ChannelError(at, fmt::format("a value of {} out of range", v));
    return static_cast<Enum>(v);
  }
  TimePoint time() { return TimePoint(TimePoint::duration(i64())); }
  std::optional<TimePoint> optTime() {
    if (!boolean()) return std::nullopt;
    return time();
  }
  std::optional<double> optDouble() {
    if (!boolean()) return std::nullopt;
    return f64();
  }
  void end() const {
    if (pos_ != in_.size())
      throw ChannelError(pos_, fmt::format("{} bytes left over", in_.size() - pos_));
  }
  std::size_t offset() const noexcept { return pos_; }

private:
  std::uint64_t little(int bytes) {
    if (in_.size() - pos_ < static_cast<std::size_t>(bytes))
      throw ChannelError(pos_, fmt::format("{} bytes needed, {} left", bytes, in_.size() - pos_));
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
    pos_ += bytes;
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

// --- the parts ---------------------------------------------------------------------------

void put(Writer& w, const core::Snapshot& s) {
  w.count(s.variables.size());
  for (const auto& [name, value] : s.variables) {
    w.str(name);
    w.str(value);
  }
}

core::Snapshot getSnapshot(Reader& r) {
  core::Snapshot s;
  for (auto n = r.count(8); n > 0; --n) {
    auto name = r.str();
    s.variables[std::move(name)] = r.str();
  }
  return s;
}

void put(Writer& w, const RwVariable& v) {
  w.str(v.name);
  w.u8(static_cast<std::uint8_t>(v.kind));
  w.u32(static_cast<std::uint32_t>(std::max(0, v.maxLength)));
  w.count(v.enumValues.size());
  for (const auto& e : v.enumValues)
    w.str(e);
  w.count(v.ranges.size());
  for (const auto& [low, high] : v.ranges) {
    w.i64(low);
    w.i64(high);
  }
}

RwVariable getRw(Reader& r) {
  RwVariable v;
  v.name = r.str();
  v.kind = r.enumeration<RwVariable::Kind>(0, 3);
  const auto at = r.offset();
  const auto length = r.u32();
  if (length > 65535) throw ChannelError(at, fmt::format("a maximum length of {}", length));
  v.maxLength = static_cast<int>(length);
  for (auto n = r.count(4); n > 0; --n)
    v.enumValues.push_back(r.str());
  for (auto n = r.count(16); n > 0; --n) {
    const auto low = r.i64();
    v.ranges.emplace_back(low, r.i64());
  }
  return v;
}

void put(Writer& w, const Ups& u) {
  put(w, u.state.snapshot);
  w.boolean(u.state.everRead);
  w.boolean(u.state.stale);
  w.count(u.commands.size());
  for (const auto& c : u.commands)
    w.str(c);
  w.count(u.writable.size());
  for (const auto& v : u.writable)
    put(w, v);
}

Ups getUps(Reader& r) {
  Ups u;
  u.state.snapshot = getSnapshot(r);
  u.state.everRead = r.boolean();
  u.state.stale = r.boolean();
  for (auto n = r.count(4); n > 0; --n)
    u.commands.push_back(r.str());
  for (auto n = r.count(17); n > 0; --n)
    u.writable.push_back(getRw(r));
  return u;
}

void put(Writer& w, const core::SinkHealth& h) {
  w.str(h.name);
  w.u64(h.delivered);
  w.u64(h.failed);
  w.optTime(h.lastSuccess);
  w.optTime(h.lastFailure);
  w.str(h.lastError);
  w.u32(static_cast<std::uint32_t>(std::max(0, h.failuresInRow)));
}

core::SinkHealth getSink(Reader& r) {
  core::SinkHealth h;
  h.name = r.str();
  h.delivered = r.u64();
  h.failed = r.u64();
  h.lastSuccess = r.optTime();
  h.lastFailure = r.optTime();
  h.lastError = r.str();
  const auto at = r.offset();
  const auto inRow = r.u32();
  if (inRow > (1u << 30)) throw ChannelError(at, fmt::format("{} failures in a row", inRow));
  h.failuresInRow = static_cast<int>(inRow);
  return h;
}

void put(Writer& w, const HistoryMetrics& h) {
  w.boolean(h.loaded);
  w.boolean(h.ok);
  w.u64(h.outages);
  w.u64(h.blips);
  w.f64(h.onBatterySeconds);
  w.u64(h.tests);
  w.u64(h.testsFailed);
  w.optDouble(h.lastOutageSeconds);
  w.optTime(h.lastOutageStart);
  w.optDouble(h.healthRatio);
  w.boolean(h.replaceBattery);
  w.u64(h.dropped);
  w.u64(h.writeErrors);
  w.optTime(h.since);
}

HistoryMetrics getHistory(Reader& r) {
  HistoryMetrics h;
  h.loaded = r.boolean();
  h.ok = r.boolean();
  h.outages = r.u64();
  h.blips = r.u64();
  h.onBatterySeconds = r.f64();
  h.tests = r.u64();
  h.testsFailed = r.u64();
  h.lastOutageSeconds = r.optDouble();
  h.lastOutageStart = r.optTime();
  h.healthRatio = r.optDouble();
  h.replaceBattery = r.boolean();
  h.dropped = r.u64();
  h.writeErrors = r.u64();
  h.since = r.optTime();
  return h;
}

void put(Writer& w, const MetricsData& m) {
  w.str(m.upsName);
  w.str(m.version);
  w.boolean(m.everRead);
  w.boolean(m.commOk);
  w.boolean(m.shutdownStarted);
  w.u8(!m.shutdownReady ? 2 : *m.shutdownReady ? 1 : 0);
  w.count(m.events.size());
  for (const auto& [name, e] : m.events) {
    w.str(name);
    w.u64(e.count);
    w.time(e.last);
  }
  w.time(m.processStart);
  w.count(m.sinks.size());
  for (const auto& s : m.sinks)
    put(w, s);
  w.boolean(m.history.has_value());
  if (m.history) put(w, *m.history);
}

MetricsData getMetrics(Reader& r) {
  MetricsData m;
  m.upsName = r.str();
  m.version = r.str();
  m.everRead = r.boolean();
  m.commOk = r.boolean();
  m.shutdownStarted = r.boolean();
  const auto at = r.offset();
  switch (r.u8()) {
  case 0: m.shutdownReady = false; break;
  case 1: m.shutdownReady = true; break;
  case 2: break;
  default: throw ChannelError(at, "a readiness out of range");
  }
  for (auto n = r.count(20); n > 0; --n) {
    auto name = r.str();
    EventCount e;
    e.count = r.u64();
    e.last = r.time();
    m.events[std::move(name)] = e;
  }
  m.processStart = r.time();
  for (auto n = r.count(30); n > 0; --n)
    m.sinks.push_back(getSink(r));
  if (r.boolean()) m.history = getHistory(r);
  return m;
}

void put(Writer& w, const ChartData& c) {
  w.str(c.title);
  w.str(c.unit);
  w.i64(c.from);
  w.i64(c.to);
  w.i64(c.maxGap);
  w.optDouble(c.low);
  w.optDouble(c.high);
  w.count(c.series.size());
  for (const auto& s : c.series) {
    w.str(s.name);
    w.count(s.points.size());
    for (const auto& p : s.points) {
      w.i64(p.time);
      w.f64(p.value);
    }
  }
  w.count(c.bands.size());
  for (const auto& b : c.bands) {
    w.i64(b.from);
    w.i64(b.to);
    w.str(b.label);
  }
  w.i64(c.utcOffsetMinutes);
  w.i64(c.width);
  w.i64(c.height);
}

int smallInt(Reader& r) {
  const auto at = r.offset();
  const auto v = r.i64();
  if (v < -100000 || v > 100000) throw ChannelError(at, fmt::format("a value of {}", v));
  return static_cast<int>(v);
}

ChartData getChart(Reader& r) {
  ChartData c;
  c.title = r.str();
  c.unit = r.str();
  c.from = r.i64();
  c.to = r.i64();
  c.maxGap = r.i64();
  c.low = r.optDouble();
  c.high = r.optDouble();
  for (auto n = r.count(8); n > 0; --n) {
    ChartSeries s;
    s.name = r.str();
    for (auto p = r.count(16); p > 0; --p) {
      ChartPoint point;
      point.time = r.i64();
      point.value = r.f64();
      s.points.push_back(point);
    }
    c.series.push_back(std::move(s));
  }
  for (auto n = r.count(20); n > 0; --n) {
    ChartBand b;
    b.from = r.i64();
    b.to = r.i64();
    b.label = r.str();
    c.bands.push_back(std::move(b));
  }
  c.utcOffsetMinutes = smallInt(r);
  c.width = smallInt(r);
  c.height = smallInt(r);
  return c;
}

// --- the messages ------------------------------------------------------------------------

void putList(Writer& w, const std::vector<std::string>& list) {
  w.count(list.size());
  for (const auto& s : list)
    w.str(s);
}

std::vector<std::string> getList(Reader& r) {
  std::vector<std::string> out;
  for (auto n = r.count(4); n > 0; --n)
    out.push_back(r.str());
  return out;
}

std::int64_t getLimit(Reader& r) {
  const auto at = r.offset();
  const auto v = r.i64();
  if (v < 0 || v > 1'000'000) throw ChannelError(at, fmt::format("a limit of {}", v));
  return v;
}

Setup getSetup(Reader& r) {
  Setup s;
  s.nut = r.boolean();
  s.nutHost = r.str();
  s.nutPort = r.u16();
  s.upsName = r.str();
  s.nutMaxConnections = getLimit(r);
  s.nutAllow = getList(r);
  s.certificate = r.str();
  s.key = r.str();
  s.keyPem = r.str();
  s.requireTls = r.boolean();
  for (auto n = r.count(5); n > 0; --n) {
    SetupUser u;
    u.name = r.str();
    const auto at = r.offset();
    u.rights = r.u8();
    if (u.rights > 31) throw ChannelError(at, fmt::format("rights {}", u.rights));
    s.users.push_back(std::move(u));
  }
  s.http = r.boolean();
  s.httpHost = r.str();
  s.httpPort = r.u16();
  s.httpMaxConnections = getLimit(r);
  s.httpAllow = getList(r);
  s.dashboard = r.boolean();
  s.nutExporter = r.boolean();
  s.section = r.str();
  s.actionKind = r.str();
  return s;
}

struct Put {
  Writer& w;
  void operator()(const Setup& s) const {
    w.u8(static_cast<std::uint8_t>(Type::Setup));
    w.boolean(s.nut);
    w.str(s.nutHost);
    w.u16(s.nutPort);
    w.str(s.upsName);
    w.i64(s.nutMaxConnections);
    putList(w, s.nutAllow);
    w.str(s.certificate);
    w.str(s.key);
    w.str(s.keyPem);
    w.boolean(s.requireTls);
    w.count(s.users.size());
    for (const auto& u : s.users) {
      w.str(u.name);
      w.u8(u.rights);
    }
    w.boolean(s.http);
    w.str(s.httpHost);
    w.u16(s.httpPort);
    w.i64(s.httpMaxConnections);
    putList(w, s.httpAllow);
    w.boolean(s.dashboard);
    w.boolean(s.nutExporter);
    w.str(s.section);
    w.str(s.actionKind);
  }
  void operator()(const State& s) const {
    w.u8(static_cast<std::uint8_t>(Type::State));
    put(w, s.ups);
    w.count(s.others.size());
    for (const auto& o : s.others) {
      w.str(o.name);
      put(w, o.ups);
    }
    put(w, s.metrics);
    w.str(s.statusJson);
  }
  void operator()(const Reply& r) const {
    w.u8(static_cast<std::uint8_t>(Type::Reply));
    w.u32(r.id);
    w.boolean(r.ok);
    w.u8(static_cast<std::uint8_t>(r.status));
    w.str(r.text);
    put(w, r.chart);
  }
  void operator()(const Ping& p) const {
    w.u8(static_cast<std::uint8_t>(Type::Ping));
    w.u64(p.sequence);
  }
  void operator()(const Hello& h) const {
    w.u8(static_cast<std::uint8_t>(Type::Hello));
    w.u32(h.pid);
    w.u32(h.uid);
    w.u16(h.nutPort);
    w.u16(h.httpPort);
  }
  void operator()(const Logins& l) const {
    w.u8(static_cast<std::uint8_t>(Type::Logins));
    w.u32(l.count);
  }
  void operator()(const Request& q) const {
    w.u8(static_cast<std::uint8_t>(Type::Request));
    w.u32(q.id);
    w.u8(static_cast<std::uint8_t>(q.kind));
    w.str(q.ups);
    w.str(q.user);
    w.str(q.password);
    w.str(q.peer);
    w.str(q.name);
    w.str(q.value);
    w.u8(static_cast<std::uint8_t>(q.range));
    w.u8(static_cast<std::uint8_t>(q.action));
    w.str(q.credential);
  }
  void operator()(const Pong& p) const {
    w.u8(static_cast<std::uint8_t>(Type::Pong));
    w.u64(p.sequence);
  }
};

State getState(Reader& r) {
  State s;
  s.ups = getUps(r);
  for (auto n = r.count(16); n > 0; --n) {
    OtherUps o;
    o.name = r.str();
    o.ups = getUps(r);
    s.others.push_back(std::move(o));
  }
  s.metrics = getMetrics(r);
  s.statusJson = r.str();
  return s;
}

Reply getReply(Reader& r) {
  Reply p;
  p.id = r.u32();
  p.ok = r.boolean();
  p.status = r.enumeration<CommandStatus>(0, 3);
  p.text = r.str();
  p.chart = getChart(r);
  return p;
}

Request getRequest(Reader& r) {
  Request q;
  q.id = r.u32();
  q.kind = r.enumeration<Request::Kind>(1, 9);
  q.ups = r.str();
  q.user = r.str();
  q.password = r.str();
  q.peer = r.str();
  q.name = r.str();
  q.value = r.str();
  q.range = r.enumeration<HistoryRange>(0, 2);
  q.action = r.enumeration<DashboardAction>(0, 2);
  q.credential = r.str();
  return q;
}

} // namespace

ChannelError::ChannelError(std::size_t offset, const std::string& what)
    : std::runtime_error(fmt::format("channel message, byte {}: {}", offset, what)),
      offset_(offset) {}

std::string encode(const Message& message) {
  Writer w;
  w.u8(kVersion);
  std::visit(Put{w}, message);
  auto bytes = w.take();
  if (bytes.size() > kMaxMessage)
    throw ChannelError(
        0, fmt::format("a message of {} bytes (at most {})", bytes.size(), kMaxMessage));
  return bytes;
}

Message decode(std::string_view bytes) {
  Reader r(bytes);
  if (bytes.size() > kMaxMessage)
    throw ChannelError(
        0, fmt::format("a message of {} bytes (at most {})", bytes.size(), kMaxMessage));
  if (const auto version = r.u8(); version != kVersion)
    throw ChannelError(0, fmt::format("version {}, this is version {}", version, kVersion));
  const auto at = r.offset();
  Message m;
  switch (static_cast<Type>(r.u8())) {
  case Type::Setup: m = getSetup(r); break;
  case Type::State: m = getState(r); break;
  case Type::Reply: m = getReply(r); break;
  case Type::Ping: m = Ping{r.u64()}; break;
  case Type::Hello: {
    Hello h;
    h.pid = r.u32();
    h.uid = r.u32();
    h.nutPort = r.u16();
    h.httpPort = r.u16();
    m = h;
    break;
  }
  case Type::Logins: m = Logins{r.u32()}; break;
  case Type::Request: m = getRequest(r); break;
  case Type::Pong: m = Pong{r.u64()}; break;
  default:
    throw ChannelError(at,
                       fmt::format("unknown message type {}",
                                   static_cast<unsigned>(static_cast<unsigned char>(bytes[at]))));
  }
  r.end();
  return m;
}

std::string frame(const Message& message) {
  const auto body = encode(message);
  std::string out;
  out.reserve(4 + body.size());
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((body.size() >> (8 * i)) & 0xff));
  out += body;
  return out;
}

void FrameReader::feed(std::string_view bytes) {
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.append(bytes);
}

bool FrameReader::next(std::string& message) {
  const auto have = buffer_.size() - start_;
  if (have < 4) return false;
  std::size_t length = 0;
  for (int i = 0; i < 4; ++i)
    length |= std::size_t{static_cast<unsigned char>(buffer_[start_ + i])} << (8 * i);
  if (length > kMaxMessage)
    throw ChannelError(
        0, fmt::format("a frame of {} bytes announced (at most {})", length, kMaxMessage));
  if (have < 4 + length) return false;
  message.assign(buffer_, start_ + 4, length);
  start_ += 4 + length;
  if (start_ > (std::size_t{1} << 20) || start_ == buffer_.size()) { // keep the buffer small
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return true;
}

} // namespace hidupsd::serve::channel
