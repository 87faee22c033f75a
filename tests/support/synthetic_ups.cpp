// SPDX-License-Identifier: GPL-2.0-or-later
// SyntheticUps: HID items from NUT paths, one collection chain and one Feature report per field.
#include "tests/support/synthetic_ups.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "hid/usage_tables.hpp"

namespace hidupsd::test {

namespace {

using Bytes = std::vector<std::uint8_t>;

void item(Bytes& out, std::uint8_t prefix, std::uint32_t value, unsigned size) {
  const std::uint8_t code = size == 4 ? 3 : static_cast<std::uint8_t>(size);
  out.push_back(static_cast<std::uint8_t>(prefix | code));
  for (unsigned i = 0; i < size; ++i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

/// Usage Page (2 bytes) and Usage (2 bytes) of a 32-bit usage.
void usage(Bytes& out, hid::Usage u) {
  item(out, 0x04, u >> 16, 2);
  item(out, 0x08, u & 0xffff, 2);
}

void field(Bytes& out, const std::vector<hid::Usage>& path, const SyntheticField& f,
           std::uint8_t id) {
  std::size_t open = 0;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (hid::isIndexNode(path[i])) continue;
    const bool indexed = i + 2 < path.size() && hid::isIndexNode(path[i + 1]);
    usage(out, path[i]);
    const auto type = indexed ? 0x80 | (path[i + 1] & 0x7f) : (i == 0 ? 0x01 : 0x00);
    item(out, 0xa0, type, 1); // Collection
    ++open;
  }
  item(out, 0x84, id, 1);                                            // Report ID
  item(out, 0x54, static_cast<std::uint32_t>(f.exponent) & 0x0f, 1); // Unit Exponent
  usage(out, path.back());
  item(out, 0x14, static_cast<std::uint32_t>(f.logicalMin), 4); // Logical Minimum
  item(out, 0x24, static_cast<std::uint32_t>(f.logicalMax), 4); // Logical Maximum
  item(out, 0x74, f.bits, 1);                                   // Report Size
  item(out, 0x94, 1, 1);                                        // Report Count
  item(out, 0xb0, 0x02, 1);                                     // Feature (Data, Var, Abs)
  for (; open > 0; --open)
    out.push_back(0xc0);
}

Bytes report(const SyntheticField& f, std::uint8_t id) {
  Bytes r{id};
  for (unsigned bit = 0; bit < f.bits; bit += 8)
    r.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(f.value) >> bit));
  return r;
}

std::string hex(const Bytes& bytes) {
  std::string out;
  for (const auto b : bytes)
    out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
  return out;
}

} // namespace

SyntheticUps::SyntheticUps(hid::DeviceInfo device, const std::vector<SyntheticField>& fields,
                           std::map<std::uint8_t, std::string> indexed)
    : info(std::move(device)), strings(std::move(indexed)) {
  const auto dialect = hid::dialectFor(info);
  std::uint8_t id = 1;
  for (const auto& f : fields) {
    const auto path = hid::pathFromString(f.path, dialect);
    if (!path || path->size() < 2) throw std::invalid_argument("cannot build path " + f.path);
    field(descriptor, *path, f, id);
    features.push_back(report(f, id));
    ++id;
  }
}

std::string SyntheticUps::replayText() const {
  auto out =
      fmt::format("device vendor={:04x} product={:04x} manufacturer=\"{}\" "
                  "product_name=\"{}\" serial=\"{}\"\n",
                  info.vendorId, info.productId, info.manufacturer, info.product, info.serial);
  out += "descriptor " + hex(descriptor) + "\n";
  for (const auto& [index, text] : strings)
    out += fmt::format("string {} \"{}\"\n", index, text);
  for (const auto& f : features)
    out += "feature " + hex(f) + "\n";
  return out;
}

} // namespace hidupsd::test
