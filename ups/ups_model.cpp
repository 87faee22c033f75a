// SPDX-License-Identifier: GPL-2.0-or-later
// UpsModel: the tables of nut_mapping applied to a report state, NUT's way.
#include "ups/ups_model.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "ups/nut_convert.hpp"

namespace hidupsd {

namespace {

using nut::Convert;
using nut::StatusBit;
using Vars = std::map<std::string, std::string>;

constexpr std::uint16_t kDellVendorId = 0x047c;
constexpr std::uint16_t kCpsVendorId = 0x0764;

using nut::fixed;

/// NUT's (long)value, guarded against values no long can hold.
std::optional<std::int64_t> integral(double value) {
  if (!std::isfinite(value) || std::fabs(value) > 9.0e18) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

std::optional<std::string> lookup(std::span<const nut::Lookup> table, double value) {
  auto i = integral(value);
  if (!i) return std::nullopt;
  for (const auto& row : table)
    if (row.value == *i) return std::string(row.text);
  return std::nullopt;
}

long leadingNumber(const Vars& vars, const std::string& name) {
  auto it = vars.find(name);
  return it == vars.end() ? 0 : std::strtol(it->second.c_str(), nullptr, 10);
}

/// PDC 1.0 §4.2.6 ManufacturerDate: (year - 1980) * 512 + month * 32 + day.
std::string packedDate(std::int64_t v) {
  if (v == 0) return "not set";
  return fmt::format("{:04d}/{:02d}/{:02d}", 1980 + (v >> 9), (v >> 5) & 0x0f, v & 0x1f);
}

/// APC's hexadecimal-as-decimal 0xMMDDYY (apc-hid.c, from a Back-UPS LS 500).
std::string apcDate(std::int64_t v) {
  if (v == 0) return "not set";
  auto bcd = [v](int shift) { return ((v >> shift) & 0xf) + 10 * ((v >> (shift + 4)) & 0xf); };
  const std::int64_t year = bcd(0);
  return fmt::format("{:04d}/{:02d}/{:02d}", year + (year >= 70 ? 1900 : 2000), bcd(16), bcd(8));
}

/// Some HP firmwares report °C where PDC 1.0 says K: NUT takes 273..373 as K.
std::string kelvinToCelsius(double v) { return fixed(v >= 273 && v <= 373 ? v - 273.15 : v, 1); }

/// Convert kinds that need nothing but the value.
std::optional<std::string> convertPlain(const nut::VariableMap& m, double v) {
  switch (m.convert) {
  case Convert::Number: return fixed(v, m.decimals);
  case Convert::Lookup: return lookup(m.lookup, v);
  case Convert::KelvinToCelsius: return kelvinToCelsius(v);
  case Convert::AmpSecondsToAh: return fixed(v / 3600, 2);
  case Convert::PercentToRatio: return fixed(v / 100, 2);
  case Convert::CpsCharge: return fixed(std::min(v, 100.0), 0);
  case Convert::CpsPercent: return fixed(v, 0) + "%";
  case Convert::PackedDate:
    if (auto i = integral(v)) return packedDate(*i);
    return std::nullopt;
  case Convert::ApcDate:
    if (auto i = integral(v)) return apcDate(*i);
    return std::nullopt;
  default: return std::nullopt;
  }
}

/// Everything one snapshot() computes, in NUT's order: identity, variables,
/// status booleans, alarms, then ups.status.
class Evaluator {
public:
  Evaluator(const UpsModel& model, const hid::ReportState& state, const StringFetcher& strings)
      : model_(model), state_(state), strings_(strings) {}

  core::Snapshot run();

private:
  std::optional<double> value(std::string_view path) const { return model_.value(state_, path); }
  std::optional<std::string> string(double index) const;
  std::optional<std::string> stringAt(std::string_view path) const;
  void set(const std::string& name, std::optional<std::string> v);

  void identity();
  void mgeIdentity();
  void apcIdentity();
  void mgeModel(const std::string& product, const std::string& iModel);
  void namedByMapping();

  void variables();
  std::optional<std::string> evaluate(const nut::VariableMap& m) const;
  std::optional<std::string> convertVendor(const nut::VariableMap& m, double v) const;
  std::optional<std::string> realPowerEstimate() const;
  std::optional<std::string> cpsBatteryVoltage(double v) const;
  std::optional<std::string> trippLiteChemistry(double index) const;
  bool pegasusLike() const;
  bool abmIs(std::int64_t state) const;

  void status();
  void apply(const nut::StatusMap& s, double v);
  void mark(StatusBit bit, bool on);
  bool has(StatusBit bit) const { return bits_[static_cast<std::size_t>(bit)]; }
  std::string alarms() const;
  std::string statusFlags() const;

  const UpsModel& model_;
  const hid::ReportState& state_;
  const StringFetcher& strings_;
  Vars vars_;
  nut::MgeSeries series_ = nut::MgeSeries::LineInteractive;
  std::bitset<static_cast<std::size_t>(StatusBit::Count)> bits_;
  std::bitset<static_cast<std::size_t>(StatusBit::Count)> known_;
};

core::Snapshot Evaluator::run() {
  identity();
  variables();
  status();
  core::Snapshot snap;
  snap.variables = std::move(vars_);
  return snap;
}

std::optional<std::string> Evaluator::string(double index) const {
  auto i = integral(index);
  if (!strings_ || !i || *i < 1 || *i > 255) return std::nullopt;
  std::string s = strings_(static_cast<std::uint8_t>(*i));
  while (!s.empty() && s.back() == '\n')
    s.pop_back(); // NUT's str_rtrim(buf, '\n')
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<std::string> Evaluator::stringAt(std::string_view path) const {
  auto v = value(path);
  return v ? string(*v) : std::nullopt;
}

void Evaluator::set(const std::string& name, std::optional<std::string> v) {
  if (v && !v->empty()) vars_[name] = std::move(*v);
}

// ---------------------------------------------------------------- identity

void Evaluator::identity() {
  const hid::DeviceInfo& info = model_.info();
  switch (model_.dialect()) {
  case hid::Dialect::Mge: mgeIdentity(); break;
  case hid::Dialect::Apc: apcIdentity(); break;
  default: namedByMapping();
  }
  set("ups.serial", info.serial);
  for (const char* name : {"mfr", "model", "serial"})
    if (auto it = vars_.find(fmt::format("ups.{}", name)); it != vars_.end())
      vars_[fmt::format("device.{}", name)] = it->second;
  vars_["device.type"] = "ups";
  vars_["ups.vendorid"] = fmt::format("{:04x}", info.vendorId);
  vars_["ups.productid"] = fmt::format("{:04x}", info.productId);
}

/// The subdrivers' format_mfr/format_model: the manufacturer string or the
/// subdriver's default; the model from its string-index path (Delta) or the
/// product string.
void Evaluator::namedByMapping() {
  const hid::DeviceInfo& info = model_.info();
  const nut::Mapping& map = model_.mapping();
  set("ups.mfr", info.manufacturer.empty() ? std::string(map.defaultMfr) : info.manufacturer);
  std::optional<std::string> model;
  if (!map.modelPath.empty()) model = stringAt(map.modelPath);
  set("ups.model", model ? *model : info.product);
}

/// mge-hid.c mge_format_model(): "<iProduct> <iModel>" or the table's name;
/// iModel falls back to UPS.Flow.[4].ConfigApparentPower ("Ellipse PRO 850").
void Evaluator::mgeIdentity() {
  const hid::DeviceInfo& info = model_.info();
  set("ups.mfr", info.manufacturer.empty() ? "Eaton" : info.manufacturer);
  if (info.vendorId == kDellVendorId) { // Dell's iProduct is already the full name
    set("ups.model", info.product);
    return;
  }
  std::string iModel = stringAt(nut::kMgeModelPath).value_or("");
  if (iModel.empty())
    if (auto va = value(nut::kMgeApparentPowerPath); va && integral(*va))
      iModel = std::to_string(*integral(*va));
  if (iModel.empty()) {
    set("ups.model", info.product);
    return;
  }
  mgeModel(info.product.empty() ? "unknown" : info.product, iModel);
}

void Evaluator::mgeModel(const std::string& product, const std::string& iModel) {
  for (const auto& row : nut::mgeModelNames()) {
    if (row.product != product || row.model != iModel) continue;
    series_ = row.series;
    set("ups.model", row.name.empty() ? product + " " + iModel : std::string(row.name));
    return;
  }
  set("ups.model", product + " " + iModel);
}

/// apc-hid.c apc_format_model(): "Back-UPS RS 1500 FW:8.g9 .D USB FW:g9"
/// gives the model, ups.firmware and ups.firmware.aux.
void Evaluator::apcIdentity() {
  const hid::DeviceInfo& info = model_.info();
  set("ups.mfr", info.manufacturer.empty() ? "APC" : info.manufacturer);
  std::string model = info.product.empty() ? "unknown" : info.product;
  auto fw = model.find("FW:");
  if (fw != std::string::npos && fw > 0) {
    std::string firmware = model.substr(fw + 3);
    model.resize(fw - 1);
    if (auto usb = firmware.find("USB FW:"); usb != std::string::npos && usb > 0) {
      set("ups.firmware.aux", firmware.substr(usb + 7));
      firmware.resize(usb - 1);
    }
    set("ups.firmware", firmware);
  }
  set("ups.model", model);
}

// ---------------------------------------------------------------- variables

/// NUT claims a variable for the first table row whose path exists and whose
/// value converts; later rows of the same name are not used.
void Evaluator::variables() {
  for (const auto& m : model_.mapping().variables) {
    const std::string name(m.name);
    if (vars_.count(name) != 0) continue;
    set(name, evaluate(m));
  }
}

std::optional<std::string> Evaluator::evaluate(const nut::VariableMap& m) const {
  if (!model_.hasPath(m.path)) return std::nullopt;
  switch (m.convert) { // server-side values: published once the path exists
  case Convert::Text: return std::string(m.text);
  case Convert::OffDelay: return std::to_string(model_.options().offDelay);
  case Convert::OnDelay: return std::to_string(model_.options().onDelay);
  default: break;
  }
  auto v = value(m.path);
  if (!v) return std::nullopt;
  if (m.convert == Convert::String) return string(*v);
  if (m.convert == Convert::TrippLiteChemistry) return trippLiteChemistry(*v);
  if (auto plain = convertPlain(m, *v)) return plain;
  return convertVendor(m, *v);
}

std::optional<std::string> Evaluator::convertVendor(const nut::VariableMap& m, double v) const {
  using S = nut::MgeSeries;
  const bool trusted = series_ == S::Evolution || series_ == S::Evolution650 ||
                       series_ == S::PulsarM || series_ == S::Eaton5P || series_ == S::Eaton9E;
  switch (m.convert) {
  case Convert::MgeBatteryVoltage: return trusted ? std::optional(fixed(v, 1)) : std::nullopt;
  case Convert::MgeBatteryVoltageNominal:
    if (!trusted) return std::nullopt;
    return fixed(series_ == S::Evolution650 ? 12.0 : v, 0);
  case Convert::MgeOutletThreshold:
    if (!pegasusLike() || !lookup(m.lookup, v)) return std::nullopt;
    return fixed(v, 0);
  case Convert::MgeOutletYesNo:
    if (!pegasusLike()) return std::nullopt;
    return std::string(v == 0 ? "no" : "yes");
  case Convert::MgeChargerState: return abmIs(0) ? std::nullopt : lookup(m.lookup, v);
  case Convert::MgeRealPowerEstimate: return realPowerEstimate();
  case Convert::CpsBatteryVoltage: return cpsBatteryVoltage(v);
  default: return nut::convertForDevice(m, v, model_.quirks());
  }
}

/// tripplite-hid.c tripplite_chemistry_fun(): the AVR 550U (1003) and the
/// OMNI1000LCD (2005) point at a string that is not the chemistry.
std::optional<std::string> Evaluator::trippLiteChemistry(double index) const {
  const hid::DeviceInfo& info = model_.info();
  if (info.vendorId == 0x09ae && (info.productId == 0x1003 || info.productId == 0x2005))
    return std::string("unknown");
  return string(index);
}

/// Protection Station and Ellipse ECO; the 3S too, except European models
/// (UPS.PowerSummary.Country 0; unknown counts as not European, as in NUT).
bool Evaluator::pegasusLike() const {
  if (series_ == nut::MgeSeries::Pegasus) return true;
  if (series_ != nut::MgeSeries::ThreeS) return false;
  auto country = value(nut::kMgeCountryPath);
  return !country || integral(*country) != 0;
}

/// UPS.BatterySystem.Charger.ABMEnable: 1 enabled, 0 disabled, absent unknown.
bool Evaluator::abmIs(std::int64_t state) const {
  auto v = value(nut::kMgeAbmEnablePath);
  return v && integral(*v) == state;
}

/// mge-hid.c eaton_compute_realpower_fun(): without Output.ActivePower,
/// round(load% x nominal VA x power factor), the factor a float as in NUT.
std::optional<std::string> Evaluator::realPowerEstimate() const {
  if (vars_.count("ups.load") == 0 || vars_.count("ups.power.nominal") == 0) return std::nullopt;
  float pf = 0.80F;
  if (auto raw = value(nut::kMgePowerFactorPath))
    pf = std::strtof(fixed(*raw / 100, 2).c_str(), nullptr);
  const double load = static_cast<double>(leadingNumber(vars_, "ups.load"));
  const double nominal = static_cast<double>(leadingNumber(vars_, "ups.power.nominal"));
  return fixed(std::round(load * 0.01 * nominal * static_cast<double>(pf)), 0);
}

/// cps-hid.c: some 0764:0501 units report 1.5x the battery voltage; NUT
/// scales by 2/3 once the reading exceeds 1.4x the nominal voltage.
std::optional<std::string> Evaluator::cpsBatteryVoltage(double v) const {
  const hid::DeviceInfo& info = model_.info();
  auto it = vars_.find("battery.voltage.nominal");
  if (info.vendorId == kCpsVendorId && info.productId == 0x0501 && it != vars_.end()) {
    const double nominal = std::strtod(it->second.c_str(), nullptr);
    if (nominal != 0 && v / nominal > 1.4) v *= 2.0 / 3;
  }
  return fixed(v, 1);
}

// ---------------------------------------------------------------- status

void Evaluator::status() {
  for (const auto& s : model_.mapping().status)
    if (auto v = value(s.path)) apply(s, *v);
  if (has(StatusBit::VoltageRange))
    vars_["input.transfer.reason"] = "input voltage out of range";
  else if (has(StatusBit::FrequencyRange))
    vars_["input.transfer.reason"] = "input frequency out of range";
  std::string alarm = alarms();
  if (!alarm.empty()) vars_["ups.alarm"] = alarm;
  if (!known_[static_cast<std::size_t>(StatusBit::Online)]) return; // OL/OB unknown: no status
  vars_["ups.status"] = (alarm.empty() ? "" : "ALARM ") + statusFlags();
}

void Evaluator::mark(StatusBit bit, bool on) {
  bits_[static_cast<std::size_t>(bit)] = on;
  known_[static_cast<std::size_t>(bit)] = true;
}

/// One row of the BOOL table (NUT's process_boolean_info()).
void Evaluator::apply(const nut::StatusMap& s, double v) {
  using R = nut::StatusRule;
  const auto i = integral(v);
  switch (s.rule) {
  case R::Flag:
    if (i == 1 || i == 0) mark(s.bit, i == 1);
    break;
  case R::InvertedFlag:
    if (i == 1 || i == 0) mark(s.bit, i == 0);
    break;
  case R::Actions:
    for (const auto& a : s.actions)
      if (i == a.value) {
        mark(a.bit, a.set);
        break;
      }
    break;
  // Charging/Discharging are trusted unless ABM is on (NUT >= 2.8.3, PR #2660);
  // Charging stays asserted in float mode on units without ABM (5E): mge-hid.c 1.59
  // drops it once battery.charge reads 100.
  case R::MgeCharging:
    mark(StatusBit::Charging, !abmIs(1) && i == 1 && leadingNumber(vars_, "battery.charge") < 100);
    break;
  case R::MgeDischarging: mark(StatusBit::Discharging, !abmIs(1) && i == 1); break;
  // With ABM on, the charger's state says it: Charger.Mode when the unit has it,
  // else Charger.Status (9-series), each with its own numbers.
  case R::MgeChargerMode:
    if (abmIs(1) && (i == 1 || i == 3)) mark(StatusBit::Charging, true);
    if (abmIs(1) && i == 2) mark(StatusBit::Discharging, true);
    break;
  case R::MgeChargerStatus:
    if (!abmIs(1) || value(nut::kMgeChargerModePath)) break;
    if (i == 1 || i == 2) mark(StatusBit::Charging, true);
    if (i == 4) mark(StatusBit::Discharging, true);
    break;
  case R::MgeConverterOnline:
    if (!has(StatusBit::Off)) mark(StatusBit::Online, i != 0);
    break;
  case R::Mask:
    if (i) mark(s.bit, (static_cast<std::uint64_t>(*i) & s.mask) == s.match);
    break;
  }
}

/// ups.alarm: vendor alarms, then usbhid-ups ups_alarm_set()'s, space-separated.
std::string Evaluator::alarms() const {
  std::vector<std::string_view> texts;
  for (const auto& a : model_.mapping().alarms)
    if (auto v = value(a.path); v && integral(*v) == 1) texts.push_back(a.text);
  for (const auto& a : nut::statusAlarms())
    if (has(a.bit)) texts.push_back(a.text);
  return fmt::format("{}", fmt::join(texts, " "));
}

/// usbhid-ups.c ups_status_set(), in its order.
std::string Evaluator::statusFlags() const {
  using B = StatusBit;
  std::vector<std::string_view> f;
  if (has(B::Calibration)) f.push_back("CAL");
  f.push_back(has(B::Online) ? "OL" : "OB");
  if (has(B::Discharging) && !has(B::Depleted)) f.push_back("DISCHRG");
  if (has(B::Charging) && !has(B::FullyCharged)) f.push_back("CHRG");
  if (has(B::LowBattery) || has(B::TimeLimitExpired) || has(B::ShutdownImminent)) f.push_back("LB");
  if (has(B::Overload)) f.push_back("OVER");
  if (has(B::ReplaceBattery) || has(B::NoBattery)) f.push_back("RB");
  if (has(B::Trim)) f.push_back("TRIM");
  if (has(B::Boost)) f.push_back("BOOST");
  if (has(B::BypassAuto) || has(B::BypassManual)) f.push_back("BYPASS");
  if (has(B::EcoMode)) f.push_back("ECO");
  if (has(B::EssMode)) f.push_back("ESS");
  if (has(B::Off)) f.push_back("OFF");
  return fmt::format("{}", fmt::join(f, " "));
}

} // namespace

// ---------------------------------------------------------------- UpsModel

UpsModel::UpsModel(const hid::ReportDescriptor& descriptor, const hid::DeviceInfo& info,
                   ModelOptions options)
    : descriptor_(&descriptor), info_(info), options_(options), dialect_(hid::dialectFor(info)),
      quirks_(hid::quirksFor(info)), mapping_(&nut::mappingFor(dialect_)) {
  indexFields();
  collectPolledReports();
}

void UpsModel::indexFields() {
  for (const auto& field : descriptor_->fields()) {
    PathFields& slot = paths_[hid::pathToString(field.path, dialect_)];
    // The first field of a path wins, as NUT's FindObject_with_Path().
    if (field.type == hid::ReportType::Feature && slot.feature == nullptr) slot.feature = &field;
    if (field.type == hid::ReportType::Input && slot.input == nullptr) slot.input = &field;
  }
}

void UpsModel::collectPolledReports() {
  for (const auto& m : mapping_->variables)
    addPolled(m.path);
  for (const auto& s : mapping_->status)
    addPolled(s.path);
  for (const auto& a : mapping_->alarms)
    addPolled(a.path);
  for (auto path : {nut::kMgeModelPath, nut::kMgeApparentPowerPath, nut::kMgeCountryPath,
                    nut::kMgeAbmEnablePath, nut::kMgePowerFactorPath})
    if (dialect_ == hid::Dialect::Mge) addPolled(path);
  std::sort(polled_.begin(), polled_.end());
  polled_.erase(std::unique(polled_.begin(), polled_.end()), polled_.end());
}

void UpsModel::addPolled(std::string_view path) {
  if (const hid::Field* f = findField(path, hid::ReportType::Feature))
    polled_.push_back(f->reportId);
}

core::Snapshot UpsModel::snapshot(const hid::ReportState& state,
                                  const StringFetcher& strings) const {
  return Evaluator(*this, state, strings).run();
}

const hid::Field* UpsModel::findField(std::string_view path, hid::ReportType type) const {
  auto it = paths_.find(path);
  if (it == paths_.end()) return nullptr;
  switch (type) {
  case hid::ReportType::Feature: return it->second.feature;
  case hid::ReportType::Input: return it->second.input;
  default: return nullptr;
  }
}

bool UpsModel::hasPath(std::string_view path) const { return paths_.find(path) != paths_.end(); }

std::vector<std::string> UpsModel::pathsOfReport(std::uint8_t id) const {
  std::vector<std::string> out;
  for (const auto& f : descriptor_->fields())
    if (f.type == hid::ReportType::Feature && f.reportId == id)
      out.push_back(hid::pathToString(f.path, dialect_));
  return out;
}

std::vector<std::string> UpsModel::variablesOfReport(std::uint8_t id) const {
  std::vector<std::string> out;
  const auto add = [&](std::string_view name, std::string_view path) {
    const hid::Field* f = findField(path, hid::ReportType::Feature);
    if (f == nullptr || f->reportId != id) return;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
  };
  for (const auto& m : mapping_->variables) // server-side values need no report
    if (m.convert != Convert::Text && m.convert != Convert::OffDelay &&
        m.convert != Convert::OnDelay)
      add(m.name, m.path);
  for (const auto& st : mapping_->status)
    add("ups.status", st.path);
  return out;
}

std::optional<double> UpsModel::value(const hid::ReportState& state, std::string_view path) const {
  auto it = paths_.find(path);
  if (it == paths_.end()) return std::nullopt;
  std::optional<double> v;
  if (it->second.feature != nullptr) v = state.physical(*it->second.feature);
  if (!v && it->second.input != nullptr) v = state.physical(*it->second.input);
  return v;
}

std::string storeReport(hid::ReportState& state, hid::ReportType type,
                        std::span<const std::uint8_t> report) {
  std::string warning = state.store(type, report);
  if (type != hid::ReportType::Input && type != hid::ReportType::Feature) return warning;
  const auto other =
      type == hid::ReportType::Input ? hid::ReportType::Feature : hid::ReportType::Input;
  const hid::ReportDescriptor& d = state.descriptor();
  const hid::ReportLayout* mine = d.report(type, report[0]);
  const hid::ReportLayout* theirs = d.report(other, report[0]);
  if (mine != nullptr && theirs != nullptr && mine->byteLength() == theirs->byteLength())
    state.store(other, report);
  return warning;
}

} // namespace hidupsd
