// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the /metrics tests: a realistic UPS state and an exposition-format checker.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "serve/metrics.hpp"

namespace hidupsd::test {

/// The Eaton 5SC 750 fixture's variables as `hidupsd --probe` gives them
/// (shared/fixtures/eaton-5sc-750.replay), comms OK, a few events, fixed
/// times: the input of the golden test.
serve::MetricsData eaton5scMetricsData();

/// One sample line of an exposition.
struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels; ///< unescaped values
  double value = 0;
};

/// A parsed exposition: samples in order, TYPE and HELP per family.
struct ParsedExposition {
  std::vector<ParsedSample> samples;
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> helps; ///< unescaped

  /// The value of the one sample with this name and these labels; throws
  /// std::out_of_range if there is none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels) const;
  /// How many samples have this name.
  std::size_t count(const std::string& name) const;
};

/// A violation of the text format, with its line ("line 7: duplicate series …").
class ExpositionError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Parses `text` as Prometheus text format 0.0.4, stricter than Prometheus
/// itself: every family has exactly one HELP and one TYPE before its first
/// sample, a family's lines are contiguous, metric and label names follow
/// the data model grammar ([a-zA-Z_:][a-zA-Z0-9_:]*, [a-zA-Z_][a-zA-Z0-9_]*,
/// no "__" prefix), label values use only the escapes \\ \" \n and are
/// valid UTF-8, no label twice in a sample, no series twice, values are
/// decimal floats or NaN/+Inf/-Inf, counters end in _total, the text ends
/// with a line feed. Only counter and gauge families (all /metrics uses).
/// Throws ExpositionError at the first violation.
ParsedExposition parseExposition(std::string_view text);

} // namespace hidupsd::test
