// SPDX-License-Identifier: GPL-2.0-or-later
// The USB ID tables of NUT's usbhid-ups subdrivers, as data, and the dialect choice over them.
#include "hid/dialect.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace hidupsd::hid {

namespace {

using D = Dialect;
namespace q = quirk;

// clang-format off

// networkupstools/nut @ 6c63f774 (2026-08), drivers/*-hid.c usb_device_id_t
// tables, in usbhid-ups.c's subdriver_list[] order (explore, which claims
// nothing by id, is Generic here). Quirk bits stand for each row's init
// handler (disable_interrupt_pipe, battery_scale_0dot1, ...).
constexpr UsbIdRow kRows[] = {
    // mge-hid.c "MGE HID 1.59"
    {0x0463, 0x0001, D::Mge}, {0x0463, 0xffff, D::Mge}, {0x047c, 0xffff, D::Mge},
    {0x0592, 0x0004, D::Mge}, {0x03f0, 0x1fe5, D::Mge}, {0x03f0, 0x1fe6, D::Mge},
    {0x03f0, 0x1fe7, D::Mge}, {0x03f0, 0x1fe8, D::Mge}, {0x2b2d, 0xffff, D::Mge},
    {0x06da, 0xffff, D::Mge, 0, "AEG"}, {0x04b3, 0x0001, D::Mge},
    {0x09d6, 0x0001, D::Mge, 0, "KSTAR"},
    // apc-hid.c "APC HID 0.101"; general_apc_check: max_report_size by product name
    {0x051d, 0x0000, D::Apc},
    {0x051d, 0x0002, D::Apc, q::kApcMaxReport, "Back-UPS ES 525"},
    {0x051d, 0x0002, D::Apc, q::kApcMaxReport, "Back-UPS CS"},
    {0x051d, 0x0002, D::Apc}, {0x051d, 0x0003, D::Apc, q::kPollOnly},
    {0x051d, 0x0004, D::Apc, q::kPollOnly}, {0x051d, 0x0005, D::Apc},
    // arduino-hid.c "Arduino HID 0.22" (HID interface 2)
    {0x2341, 0x0036, D::Arduino}, {0x2341, 0x8036, D::Arduino}, {0x2a03, 0x0036, D::Arduino},
    {0x2a03, 0x8036, D::Arduino}, {0x2a03, 0x0040, D::Arduino}, {0x2a03, 0x8040, D::Arduino},
    // belkin-hid.c "Belkin/Liebert HID 0.23"
    {0x050d, 0x0980, D::Belkin}, {0x050d, 0x0900, D::Belkin}, {0x050d, 0x0910, D::Belkin},
    {0x050d, 0x0912, D::Belkin}, {0x050d, 0x0551, D::Belkin}, {0x050d, 0x0750, D::Belkin},
    {0x050d, 0x0751, D::Belkin}, {0x050d, 0x0375, D::Belkin}, {0x050d, 0x0f51, D::Belkin},
    {0x050d, 0x1100, D::Belkin}, {0x10af, 0x0000, D::Belkin}, {0x10af, 0x0001, D::Belkin},
    {0x10af, 0x0002, D::Belkin}, {0x10af, 0x0004, D::Belkin}, {0x10af, 0x0008, D::Belkin},
    // cps-hid.c "CyberPower HID 0.85"; cps_battery_scale on 0501
    {0x0764, 0x0005, D::CyberPower}, {0x0764, 0x0501, D::CyberPower, q::kCpsScaleCheck},
    {0x0764, 0x0601, D::CyberPower}, {0x0483, 0xa430, D::CyberPower},
    // delta_ups-hid.c "Delta UPS HID 0.6"
    {0x05dd, 0x041b, D::DeltaUps},
    // ecoflow-hid.c "EcoFlow HID 0.01"
    {0x3746, 0xffff, D::EcoFlow},
    // ever-hid.c "Ever HID 0.10"
    {0x0483, 0xa113, D::Ever}, {0x2e51, 0xffff, D::Ever}, {0x2e51, 0x0000, D::Ever},
    // idowell-hid.c "iDowell HID 0.22"; GoldenMate packs on the Phoenixtec id
    {0x075d, 0x0300, D::IDowell}, {0x06da, 0xffff, D::IDowell, 0, "BMS"},
    {0x06da, 0xffff, D::IDowell, 0, "Smart-Battery"},
    // legrand-hid.c "Legrand HID 0.2"; disable_interrupt_pipe
    {0x1cb0, 0x0038, D::Legrand, q::kPollOnly}, {0x1cb0, 0x0032, D::Legrand, q::kPollOnly},
    // liebert-hid.c "Phoenixtec/Liebert HID 0.41"
    {0x06da, 0xffff, D::Liebert},
    // openups-hid.c "openUPS HID 0.50"; get_voltage_multiplier
    {0x04d8, 0xd004, D::OpenUps, q::kOpenUpsD004}, {0x04d8, 0xd005, D::OpenUps, q::kOpenUpsD005},
    // powercom-hid.c "PowerCOM HID 0.75"; 0001 reads only the interrupt pipe
    {0x0d9f, 0x00a2, D::PowerCom}, {0x0d9f, 0x00a3, D::PowerCom}, {0x0d9f, 0x00a4, D::PowerCom},
    {0x0d9f, 0x00a5, D::PowerCom}, {0x0d9f, 0x00a6, D::PowerCom}, {0x0d9f, 0x0004, D::PowerCom},
    {0x0d9f, 0x0001, D::PowerCom, q::kInterruptOnly},
    // powervar-hid.c "Powervar HID 0.21" (HID interface 1)
    {0x4234, 0x0002, D::Powervar},
    // salicru-hid.c "Salicru HID 0.4"
    {0x2e66, 0x0101, D::Salicru}, {0x2e66, 0x0201, D::Salicru}, {0x2e66, 0x0202, D::Salicru},
    {0x2e66, 0x0203, D::Salicru}, {0x2e66, 0x0300, D::Salicru}, {0x2e66, 0x0302, D::Salicru},
    // tripplite-hid.c "TrippLite HID 0.85"; battery_scale_0dot1 / smart1500lcdt_scale
    {0x09ae, 0x1003, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x1007, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x1008, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x1009, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x1010, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x1330, D::TrippLite, q::kSkipReport54},
    {0x09ae, 0x2005, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x2007, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x2008, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x2009, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x2010, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x2011, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x2012, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x2013, D::TrippLite, q::kBatteryScale01},
    {0x09ae, 0x2014, D::TrippLite, q::kBatteryScale01}, {0x09ae, 0x3008, D::TrippLite},
    {0x09ae, 0x3009, D::TrippLite}, {0x09ae, 0x3010, D::TrippLite}, {0x09ae, 0x3011, D::TrippLite},
    {0x09ae, 0x3012, D::TrippLite}, {0x09ae, 0x3013, D::TrippLite}, {0x09ae, 0x3014, D::TrippLite},
    {0x09ae, 0x3015, D::TrippLite}, {0x09ae, 0x3016, D::TrippLite, q::kSmart1500Scale},
    {0x09ae, 0x3024, D::TrippLite, q::kSmart1500Scale}, {0x09ae, 0x4001, D::TrippLite},
    {0x09ae, 0x4002, D::TrippLite}, {0x09ae, 0x4003, D::TrippLite}, {0x09ae, 0x4004, D::TrippLite},
    {0x09ae, 0x4005, D::TrippLite}, {0x09ae, 0x4006, D::TrippLite}, {0x09ae, 0x4007, D::TrippLite},
    {0x09ae, 0x4008, D::TrippLite}, {0x03f0, 0x0001, D::TrippLite}, {0x03f0, 0x1fe0, D::TrippLite},
    {0x03f0, 0x1fe1, D::TrippLite}, {0x03f0, 0x1fe2, D::TrippLite}, {0x03f0, 0x1fe3, D::TrippLite},
    {0x03f0, 0x1f06, D::TrippLite}, {0x03f0, 0x1f08, D::TrippLite}, {0x03f0, 0x1f09, D::TrippLite},
    {0x03f0, 0x1f0a, D::TrippLite}, {0x05dd, 0xa011, D::TrippLite}, {0x05dd, 0xa0a0, D::TrippLite},
};

// clang-format on

constexpr std::array kClaimOrder = {
    D::Mge,      D::Apc,      D::Arduino, D::Belkin,    D::CyberPower, D::DeltaUps,
    D::EcoFlow,  D::Ever,     D::IDowell, D::Legrand,   D::Liebert,    D::OpenUps,
    D::PowerCom, D::Powervar, D::Salicru, D::TrippLite, D::Generic,
};

// Vendors that make far more than UPSes: a vendor match alone says nothing.
constexpr std::uint16_t kHp = 0x03f0;
constexpr std::uint16_t kStMicro = 0x0483;

bool genericVendor(std::uint16_t vendorId) noexcept {
  return vendorId == kHp || vendorId == kStMicro;
}

bool contains(const std::string& text, std::string_view part) noexcept {
  return text.find(part) != std::string::npos;
}

/// A row's string condition, on `info`'s strings (none given: rows that need one fail).
bool stringsMatch(const UsbIdRow& row, const DeviceInfo* info) noexcept {
  if (row.needs.empty()) return true;
  return info != nullptr &&
         (contains(info->manufacturer, row.needs) || contains(info->product, row.needs));
}

Dialect choose(std::uint16_t vendorId, std::uint16_t productId, const DeviceInfo* info) noexcept {
  for (const auto& row : kRows)
    if (row.vendorId == vendorId && row.productId == productId && stringsMatch(row, info))
      return row.dialect;
  if (genericVendor(vendorId)) return D::Generic;
  for (const auto& row : kRows)
    if (row.vendorId == vendorId && stringsMatch(row, info)) return row.dialect;
  return D::Generic;
}

} // namespace

const char* nameOf(Dialect d) noexcept {
  switch (d) {
  case D::Generic: return "generic";
  case D::Mge: return "mge";
  case D::Apc: return "apc";
  case D::CyberPower: return "cps";
  case D::Belkin: return "belkin";
  case D::TrippLite: return "tripplite";
  case D::Liebert: return "liebert";
  case D::Arduino: return "arduino";
  case D::DeltaUps: return "delta_ups";
  case D::EcoFlow: return "ecoflow";
  case D::Ever: return "ever";
  case D::IDowell: return "idowell";
  case D::Legrand: return "legrand";
  case D::OpenUps: return "openups";
  case D::PowerCom: return "powercom";
  case D::Powervar: return "powervar";
  case D::Salicru: return "salicru";
  }
  return "?";
}

std::span<const Dialect> allDialects() noexcept { return kClaimOrder; }

std::span<const UsbIdRow> usbIdTable() noexcept { return kRows; }

Dialect dialectForVendor(std::uint16_t vendorId) noexcept {
  if (genericVendor(vendorId)) return D::Generic;
  for (const auto& row : kRows)
    if (row.vendorId == vendorId && row.needs.empty()) return row.dialect;
  return D::Generic;
}

Dialect dialectForDevice(std::uint16_t vendorId, std::uint16_t productId) noexcept {
  return choose(vendorId, productId, nullptr);
}

Dialect dialectFor(const DeviceInfo& info) noexcept {
  return choose(info.vendorId, info.productId, &info);
}

std::uint16_t quirksFor(const DeviceInfo& info) noexcept {
  std::uint16_t out = 0;
  for (const auto& row : kRows)
    if (row.vendorId == info.vendorId && row.productId == info.productId &&
        stringsMatch(row, &info))
      out |= row.quirks;
  return out;
}

} // namespace hidupsd::hid
