// SPDX-License-Identifier: GPL-2.0-or-later
// UpsModel: HID report state -> NUT variables and ups.status, as NUT's usbhid-ups does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/snapshot.hpp"
#include "hid/device.hpp"
#include "hid/report_descriptor.hpp"
#include "hid/report_state.hpp"
#include "hid/usage_tables.hpp"
#include "ups/nut_mapping.hpp"

namespace hidupsd {

/// USB string descriptor `index` (what iProduct, iDeviceChemistry, ...
/// fields point to); empty when the device has none. Called during
/// snapshot(), possibly for the same index on every call: cache if it is I/O.
using StringFetcher = std::function<std::string(std::uint8_t index)>;

/// Settings that NUT keeps on the server side rather than in the UPS.
struct ModelOptions {
  int offDelay = 20; ///< s, published as ups.delay.shutdown (NUT's default offdelay)
  int onDelay = 30;  ///< s, published as ups.delay.start (NUT's default ondelay)
};

/// Maps one device's HID paths to NUT variables with the tables of its
/// vendor dialect (nut_mapping.hpp). Pure: no I/O, no clock, no logging;
/// const methods may be called from any thread.
///
/// Reading rule: a path present as both a Feature and an Input field is
/// read from the Feature field (as NUT does); an Input-only path is read
/// from its Input field. NUT keeps one buffer per report ID, so the latest
/// report wins whatever its type: store reports with storeReport() below
/// to get the same behaviour (an interrupt Input report then updates the
/// Feature bytes of its ID at once).
class UpsModel {
public:
  /// Indexes the descriptor's fields by NUT path string. Keeps a pointer to
  /// `descriptor`, which must outlive the model. Does not throw except
  /// std::bad_alloc.
  UpsModel(const hid::ReportDescriptor& descriptor, const hid::DeviceInfo& info,
           ModelOptions options = {});

  hid::Dialect dialect() const noexcept { return dialect_; }
  /// The device's quirk bits (hid::quirksFor): scales some conversions need.
  std::uint16_t quirks() const noexcept { return quirks_; }
  const hid::DeviceInfo& info() const noexcept { return info_; }
  const ModelOptions& options() const noexcept { return options_; }
  /// The server-side settings clients may change (SET VAR ups.delay.*).
  void setOptions(const ModelOptions& options) noexcept { options_ = options; }
  /// The tables this model uses (chosen by dialect).
  const nut::Mapping& mapping() const noexcept { return *mapping_; }

  /// Feature report IDs that carry at least one mapped path, ascending:
  /// what the daemon polls with GET_REPORT(Feature).
  const std::vector<std::uint8_t>& polledReports() const noexcept { return polled_; }

  /// The NUT variables the current state gives: battery.*, input.*,
  /// output.*, outlet.*, ups.* (incl. ups.status, ups.alarm, ups.mfr,
  /// ups.model, ups.serial, ups.firmware, ups.vendorid/productid as 4
  /// lower-case hex digits) and device.mfr/model/serial/type. A variable
  /// whose report was never stored is absent; so is ups.status while no
  /// path tells on-line from on-battery. Exceptions, as in NUT: the
  /// server-side values (ups.delay.start/shutdown from `options`,
  /// outlet.*.desc) appear as soon as the descriptor has their path. The
  /// model never sets FSD (the daemon's, when its shutdown starts). `time`
  /// is left for the caller.
  core::Snapshot snapshot(const hid::ReportState& state, const StringFetcher& strings) const;

  /// The field at `path` (NUT naming) of report type `type`, or nullptr.
  const hid::Field* findField(std::string_view path,
                              hid::ReportType type = hid::ReportType::Feature) const;

  /// The physical value at `path` by the reading rule above; nullopt if
  /// the path does not exist or its report was never stored.
  std::optional<double> value(const hid::ReportState& state, std::string_view path) const;

  /// True if the descriptor has `path` as a Feature or Input field.
  bool hasPath(std::string_view path) const;

  /// The NUT paths of Feature report `id`'s fields, in descriptor order.
  std::vector<std::string> pathsOfReport(std::uint8_t id) const;
  /// The NUT variables (and "ups.status" for status rows) whose mapping
  /// rows read Feature report `id`, in table order, each once: what goes
  /// missing while the UPS refuses that report.
  std::vector<std::string> variablesOfReport(std::uint8_t id) const;

private:
  struct PathFields {
    const hid::Field* feature = nullptr;
    const hid::Field* input = nullptr;
  };

  void indexFields();
  void collectPolledReports();
  void addPolled(std::string_view path);

  const hid::ReportDescriptor* descriptor_;
  hid::DeviceInfo info_;
  ModelOptions options_;
  hid::Dialect dialect_;
  std::uint16_t quirks_;
  const nut::Mapping* mapping_;
  std::map<std::string, PathFields, std::less<>> paths_;
  std::vector<std::uint8_t> polled_;
};

/// Stores `report` in `state` the way NUT's single buffer per report ID
/// behaves: the report is stored under its own type, and also under the
/// other type (Input <-> Feature) when the descriptor lays out a report of
/// that type with the same ID and length. Returns ReportState::store()'s
/// warning; throws hid::ReportError as it does.
std::string storeReport(hid::ReportState& state, hid::ReportType type,
                        std::span<const std::uint8_t> report);

} // namespace hidupsd
