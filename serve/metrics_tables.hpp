// SPDX-License-Identifier: GPL-2.0-or-later
// The NUT variables /metrics knows: metric names, units and help texts, as data.
#pragma once

#include <array>
#include <string_view>

namespace hidupsd::serve {

/// One NUT variable rendered as its own gauge. The sample is the NUT value
/// divided by `divisor`: NUT gives percentages (0..100), Prometheus wants
/// ratios (0..1) in base units (prometheus.io/docs/practices/naming, "Base
/// units": "Percent | ratio | Values are 0–1").
struct VariableMetric {
  std::string_view variable; ///< NUT name, e.g. "battery.charge"
  std::string_view metric;   ///< full metric name, unit suffix last
  double divisor;            ///< 100 for NUT percentages, else 1
  std::string_view help;
};

// Rendered in this order. Names follow NUT's (realpower, not real_power) so
// that a NUT user finds them; units are Prometheus base units, temperatures
// in Celsius as the naming guide recommends. Not here on purpose:
// battery.capacity (Ah; promtool rejects "hours", and coulombs would help
// nobody): it is one of the hidupsd_ups_variable series, in Ah.
inline constexpr std::array kVariableMetrics = {
    // battery.*
    VariableMetric{"battery.charge", "hidupsd_battery_charge_ratio", 100,
                   "Battery charge, 0..1 (NUT battery.charge in %)."},
    VariableMetric{"battery.charge.low", "hidupsd_battery_charge_low_ratio", 100,
                   "Charge below which the UPS reports low battery (LB), 0..1."},
    VariableMetric{"battery.charge.warning", "hidupsd_battery_charge_warning_ratio", 100,
                   "Charge below which the UPS warns, 0..1."},
    VariableMetric{"battery.charge.restart", "hidupsd_battery_charge_restart_ratio", 100,
                   "Charge the UPS waits for before restarting the load, 0..1."},
    VariableMetric{"battery.runtime", "hidupsd_battery_runtime_seconds", 1,
                   "Estimated runtime on battery at the present load."},
    VariableMetric{"battery.runtime.low", "hidupsd_battery_runtime_low_seconds", 1,
                   "Runtime below which the UPS reports low battery (LB)."},
    VariableMetric{"battery.runtime.elapsed", "hidupsd_battery_runtime_elapsed_seconds", 1,
                   "Time spent on battery so far."},
    VariableMetric{"battery.voltage", "hidupsd_battery_voltage_volts", 1, "Battery voltage."},
    VariableMetric{"battery.voltage.nominal", "hidupsd_battery_voltage_nominal_volts", 1,
                   "Nominal battery voltage."},
    VariableMetric{"battery.temperature", "hidupsd_battery_temperature_celsius", 1,
                   "Battery temperature."},
    // input.*
    VariableMetric{"input.voltage", "hidupsd_input_voltage_volts", 1, "Input (mains) voltage."},
    VariableMetric{"input.voltage.nominal", "hidupsd_input_voltage_nominal_volts", 1,
                   "Nominal input voltage."},
    VariableMetric{"input.current", "hidupsd_input_current_amperes", 1, "Input current."},
    VariableMetric{"input.current.nominal", "hidupsd_input_current_nominal_amperes", 1,
                   "Nominal input current."},
    VariableMetric{"input.frequency", "hidupsd_input_frequency_hertz", 1, "Input frequency."},
    VariableMetric{"input.frequency.nominal", "hidupsd_input_frequency_nominal_hertz", 1,
                   "Nominal input frequency."},
    VariableMetric{"input.transfer.low", "hidupsd_input_transfer_low_volts", 1,
                   "Input voltage below which the UPS goes on battery."},
    VariableMetric{"input.transfer.high", "hidupsd_input_transfer_high_volts", 1,
                   "Input voltage above which the UPS goes on battery."},
    VariableMetric{"input.transfer.boost.low", "hidupsd_input_transfer_boost_low_volts", 1,
                   "Input voltage below which the UPS boosts."},
    VariableMetric{"input.transfer.boost.high", "hidupsd_input_transfer_boost_high_volts", 1,
                   "Input voltage above which the UPS stops boosting."},
    VariableMetric{"input.transfer.trim.low", "hidupsd_input_transfer_trim_low_volts", 1,
                   "Input voltage below which the UPS stops trimming."},
    VariableMetric{"input.transfer.trim.high", "hidupsd_input_transfer_trim_high_volts", 1,
                   "Input voltage above which the UPS trims."},
    VariableMetric{"input.bypass.voltage", "hidupsd_input_bypass_voltage_volts", 1,
                   "Bypass input voltage."},
    VariableMetric{"input.bypass.current", "hidupsd_input_bypass_current_amperes", 1,
                   "Bypass input current."},
    VariableMetric{"input.bypass.frequency", "hidupsd_input_bypass_frequency_hertz", 1,
                   "Bypass input frequency."},
    // output.*
    VariableMetric{"output.voltage", "hidupsd_output_voltage_volts", 1, "Output voltage."},
    VariableMetric{"output.voltage.nominal", "hidupsd_output_voltage_nominal_volts", 1,
                   "Nominal output voltage."},
    VariableMetric{"output.current", "hidupsd_output_current_amperes", 1, "Output current."},
    VariableMetric{"output.current.nominal", "hidupsd_output_current_nominal_amperes", 1,
                   "Nominal output current."},
    VariableMetric{"output.frequency", "hidupsd_output_frequency_hertz", 1, "Output frequency."},
    VariableMetric{"output.frequency.nominal", "hidupsd_output_frequency_nominal_hertz", 1,
                   "Nominal output frequency."},
    VariableMetric{"output.powerfactor", "hidupsd_output_powerfactor_ratio", 1,
                   "Output power factor, 0..1."},
    // ups.*
    VariableMetric{"ups.load", "hidupsd_ups_load_ratio", 100,
                   "Load relative to the UPS's rating, 0..1 (NUT ups.load in %)."},
    VariableMetric{"ups.load.high", "hidupsd_ups_load_high_ratio", 100,
                   "Load above which the UPS reports overload, 0..1."},
    VariableMetric{"ups.power", "hidupsd_ups_power_voltamperes", 1, "Apparent output power."},
    VariableMetric{"ups.power.nominal", "hidupsd_ups_power_nominal_voltamperes", 1,
                   "Nominal apparent power."},
    VariableMetric{"ups.realpower", "hidupsd_ups_realpower_watts", 1, "Real output power."},
    VariableMetric{"ups.realpower.nominal", "hidupsd_ups_realpower_nominal_watts", 1,
                   "Nominal real power."},
    VariableMetric{"ups.efficiency", "hidupsd_ups_efficiency_ratio", 100,
                   "Efficiency, output over input power, 0..1."},
    VariableMetric{"ups.temperature", "hidupsd_ups_temperature_celsius", 1,
                   "UPS internal temperature."},
    VariableMetric{"ups.delay.shutdown", "hidupsd_ups_delay_shutdown_seconds", 1,
                   "Delay the UPS waits after a shutdown command before cutting its output."},
    VariableMetric{"ups.delay.start", "hidupsd_ups_delay_start_seconds", 1,
                   "Delay before the UPS restores its output when mains return."},
    VariableMetric{"ups.timer.shutdown", "hidupsd_ups_timer_shutdown_seconds", 1,
                   "Time left before the UPS cuts its output, -1 when none is pending."},
    VariableMetric{"ups.timer.start", "hidupsd_ups_timer_start_seconds", 1,
                   "Time left before the UPS restores its output, -1 when none is pending."},
    VariableMetric{"ups.timer.reboot", "hidupsd_ups_timer_reboot_seconds", 1,
                   "Time left before the UPS power-cycles its output, -1 when none is pending."},
    VariableMetric{"ups.test.interval", "hidupsd_ups_test_interval_seconds", 1,
                   "Interval between automatic battery tests."},
    // ambient.*
    VariableMetric{"ambient.temperature", "hidupsd_ambient_temperature_celsius", 1,
                   "Ambient temperature (sensor probe)."},
    VariableMetric{"ambient.humidity", "hidupsd_ambient_humidity_ratio", 100,
                   "Ambient relative humidity, 0..1."},
};

/// Identity strings that become labels of hidupsd_ups_info (every device.*
/// variable does too). They are never gauges, even when they look numeric
/// (ups.vendorid "0463" is hex, ups.firmware "01.10" a version).
inline constexpr std::array<std::string_view, 12> kInfoVariables = {
    "battery.date",     "battery.mfr.date", "battery.type", "ups.firmware",
    "ups.firmware.aux", "ups.mfr",          "ups.mfr.date", "ups.model",
    "ups.productid",    "ups.serial",       "ups.type",     "ups.vendorid"};

/// NUT's ups.status flags (docs/nut-names.txt), each rendered 0 or 1.
inline constexpr std::array<std::string_view, 14> kStatusFlags = {
    "OL",     "OB",  "LB",  "HB",   "RB",   "CHRG",  "DISCHRG",
    "BYPASS", "CAL", "OFF", "OVER", "TRIM", "BOOST", "FSD"};

} // namespace hidupsd::serve
