// SPDX-License-Identifier: GPL-2.0-or-later
// Dialect: which of NUT's usbhid-ups subdrivers a device is, from its USB ids and strings.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "hid/device.hpp"

namespace hidupsd::hid {

/// One per NUT usbhid-ups subdriver (drivers/*-hid.c): its usage names are
/// searched before the generic ones and its mapping tables apply. Generic
/// covers unknown vendors and NUT's "explore" subdriver.
enum class Dialect : std::uint8_t {
  Generic,
  Mge,        ///< mge-hid.c: Eaton, MGE, Dell, Powerware, HP 1fe5..1fe8, AEG, IBM, KSTAR
  Apc,        ///< apc-hid.c
  CyberPower, ///< cps-hid.c, also Cyber Energy 0483:a430
  Belkin,     ///< belkin-hid.c, also Liebert GXT/PSI 10af
  TrippLite,  ///< tripplite-hid.c, also HP and Delta/Minuteman OEM units
  Liebert,    ///< liebert-hid.c: Phoenixtec 06da
  Arduino,    ///< arduino-hid.c: the Arduino HID Power Device library
  DeltaUps,   ///< delta_ups-hid.c
  EcoFlow,    ///< ecoflow-hid.c
  Ever,       ///< ever-hid.c
  IDowell,    ///< idowell-hid.c, also GoldenMate on 06da
  Legrand,    ///< legrand-hid.c
  OpenUps,    ///< openups-hid.c: Minibox openUPS
  PowerCom,   ///< powercom-hid.c
  Powervar,   ///< powervar-hid.c
  Salicru,    ///< salicru-hid.c
};

/// The dialect's short name, NUT's subdriver file without "-hid.c" ("mge",
/// "apc", "cps", ... "generic").
const char* nameOf(Dialect d) noexcept;

/// Every dialect, in NUT's claim order (usbhid-ups.c subdriver_list[]),
/// Generic last.
std::span<const Dialect> allDialects() noexcept;

/// Device quirks NUT's subdrivers set from their USB ID tables.
namespace quirk {
constexpr std::uint16_t kPollOnly = 1u << 0;       ///< no interrupt pipe (APC 5G, Legrand)
constexpr std::uint16_t kInterruptOnly = 1u << 1;  ///< no GET_REPORT (PowerCOM 0d9f:0001)
constexpr std::uint16_t kBatteryScale01 = 1u << 2; ///< Tripp Lite battery.voltage x 0.1
constexpr std::uint16_t kSmart1500Scale = 1u << 3; ///< Tripp Lite SMART1500LCDT scales
constexpr std::uint16_t kCpsScaleCheck = 1u << 4;  ///< CyberPower 2/3 battery, 0.1 Hz checks
constexpr std::uint16_t kOpenUpsD004 = 1u << 5;    ///< openUPS d004 raw-unit scales
constexpr std::uint16_t kOpenUpsD005 = 1u << 6;    ///< openUPS d005 0.1 scales
constexpr std::uint16_t kSkipReport54 = 1u << 7;   ///< Tripp Lite 09ae:1330 report 0x54 bug
constexpr std::uint16_t kApcMaxReport = 1u << 8;   ///< APC Back-UPS ES 525 / CS overflow
} // namespace quirk

/// A row of a subdriver's USB ID table (NUT's usb_device_id_t), with what
/// its init handler sets as quirk bits. `needs` (when not empty) is a text
/// the manufacturer or product string must contain for the subdriver to
/// claim it (NUT's string checks on shared vendor IDs: "AEG", "KSTAR", "BMS").
struct UsbIdRow {
  std::uint16_t vendorId;
  std::uint16_t productId;
  Dialect dialect;
  std::uint16_t quirks = 0;
  std::string_view needs{};
};

/// Every row, in NUT's claim order.
std::span<const UsbIdRow> usbIdTable() noexcept;

/// The dialect for a USB vendor ID alone: the first subdriver in claim
/// order whose table has the vendor (a user who names the device by
/// vendor_id/product_id is NUT's "productid given"); Generic when none.
/// HP (0x03f0) and ST Micro (0x0483) are Generic: they make far more than
/// UPSes, so only their exact rows count.
Dialect dialectForVendor(std::uint16_t vendorId) noexcept;

/// As dialectForVendor(), but an exact VID:PID row wins (HP 1fe5..1fe8 mge,
/// HP 1f0a tripplite, 0483:a430 cps, 0483:a113 ever, 05dd:a011 tripplite).
/// Rows that need a string are skipped: see dialectFor().
Dialect dialectForDevice(std::uint16_t vendorId, std::uint16_t productId) noexcept;

/// The dialect for a device with its strings: as dialectForDevice(), but
/// rows with `needs` count when the manufacturer or product contains it
/// (06da:ffff: "AEG" → mge, "BMS"/"Smart-Battery" → idowell, else liebert).
Dialect dialectFor(const DeviceInfo& info) noexcept;

/// The quirk bits of the exact row for `info` (0 when none).
std::uint16_t quirksFor(const DeviceInfo& info) noexcept;

} // namespace hidupsd::hid
