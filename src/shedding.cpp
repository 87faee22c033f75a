// SPDX-License-Identifier: GPL-2.0-or-later
// ShedPlanner: [[shed]] triggers over time, tier members, restart in Proxmox's startup order.
#include "src/shedding.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace hidupsd {

namespace {

bool hasTag(const proxmox::Guest& guest, const std::vector<std::string>& tags) {
  for (const auto& t : guest.tags)
    if (std::find(tags.begin(), tags.end(), t) != tags.end()) return true;
  return false;
}

bool member(const ShedTier& tier, const proxmox::Guest& guest) {
  return std::find(tier.guests.begin(), tier.guests.end(), guest.id) != tier.guests.end() ||
         hasTag(guest, tier.tags);
}

std::string triggerText(const ShedTier& tier) {
  switch (tier.trigger) {
  case ShedTier::Trigger::AfterOnBattery:
    return fmt::format("after {} s on battery", tier.threshold);
  case ShedTier::Trigger::ChargeBelow:
    return fmt::format("when battery.charge < {} %", tier.threshold);
  case ShedTier::Trigger::RuntimeBelow:
    return fmt::format("when battery.runtime < {} s", tier.threshold);
  }
  return {};
}

} // namespace

std::vector<proxmox::Guest> startupOrder(std::vector<proxmox::Guest> guests) {
  std::stable_sort(guests.begin(), guests.end(), [](const auto& a, const auto& b) {
    const auto& x = a.startup.order;
    const auto& y = b.startup.order;
    if (x.has_value() != y.has_value()) return x.has_value(); // ordered ones first
    if (x && *x != *y) return *x < *y;
    return a.id < b.id;
  });
  return guests;
}

std::vector<proxmox::Guest> tierMembers(const ShedTier& tier, const proxmox::Inventory& inventory) {
  std::vector<proxmox::Guest> out;
  for (const auto& g : inventory.guests)
    if (g.running() && member(tier, g)) out.push_back(g);
  return out;
}

ShedPlanner::ShedPlanner(std::vector<ShedTier> tiers, std::chrono::seconds onlineDelay)
    : tiers_(std::move(tiers)), onlineDelay_(onlineDelay), state_(tiers_.size()) {}

std::optional<std::string> ShedPlanner::fires(const ShedTier& tier,
                                              const PowerReading& reading) const {
  switch (tier.trigger) {
  case ShedTier::Trigger::AfterOnBattery: {
    const auto after = std::chrono::seconds(tier.threshold);
    if (onBatterySince_ && reading.now - *onBatterySince_ >= after)
      return fmt::format("{} s on battery", tier.threshold);
    return std::nullopt;
  }
  case ShedTier::Trigger::ChargeBelow:
    if (reading.charge && *reading.charge < tier.threshold)
      return fmt::format("battery.charge {:g} % < {} %", *reading.charge, tier.threshold);
    return std::nullopt;
  case ShedTier::Trigger::RuntimeBelow:
    if (reading.runtime && *reading.runtime < tier.threshold)
      return fmt::format("battery.runtime {:g} s < {} s", *reading.runtime, tier.threshold);
    return std::nullopt;
  }
  return std::nullopt;
}

bool ShedPlanner::alreadyShed(const proxmox::Guest& guest) const {
  for (const auto& s : state_)
    for (const auto& g : s.stopped)
      if (proxmox::sameGuest(g, guest)) return true;
  return false;
}

std::vector<proxmox::Guest> ShedPlanner::restartAll() {
  std::vector<proxmox::Guest> out;
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    if (tiers_[i].restartOnMains)
      out.insert(out.end(), state_[i].stopped.begin(), state_[i].stopped.end());
    state_[i] = TierState{};
  }
  return startupOrder(std::move(out));
}

ShedDecision ShedPlanner::step(const PowerReading& reading, const proxmox::Inventory* inventory,
                               bool shutdownStarted) {
  ShedDecision d;
  if (shutdownStarted) {
    d.handOver = !handedOver_;
    handedOver_ = true;
    return d;
  }
  if (reading.onBattery) {
    onMainsSince_.reset();
    if (!onBatterySince_) onBatterySince_ = reading.now;
  } else if (reading.onMains) {
    onBatterySince_.reset();
    if (!onMainsSince_) onMainsSince_ = reading.now;
    if (reading.now - *onMainsSince_ >= onlineDelay_) d.restart = restartAll();
    return d;
  }
  if (!reading.onBattery) return d; // neither: a reading without the power state
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    if (state_[i].fired) continue;
    const auto why = fires(tiers_[i], reading);
    if (!why) continue;
    state_[i].fired = true;
    ShedStop stop{i, tiers_[i].name, {}, *why, tiers_[i].timeout};
    if (inventory != nullptr)
      for (auto& g : tierMembers(tiers_[i], *inventory))
        if (!alreadyShed(g) && std::none_of(d.stop.begin(), d.stop.end(), [&](const auto& s) {
              return std::any_of(s.guests.begin(), s.guests.end(),
                                 [&](const auto& o) { return proxmox::sameGuest(o, g); });
            }))
          stop.guests.push_back(g);
    d.stop.push_back(std::move(stop));
  }
  return d;
}

void ShedPlanner::stopped(std::size_t tier, const std::vector<proxmox::Guest>& guests) {
  if (tier >= state_.size()) return;
  auto& list = state_[tier].stopped;
  list.insert(list.end(), guests.begin(), guests.end());
}

std::optional<core::Clock::time_point> ShedPlanner::nextDue() const {
  if (handedOver_) return std::nullopt;
  if (onMainsSince_) {
    for (const auto& s : state_)
      if (s.fired) return *onMainsSince_ + onlineDelay_;
    return std::nullopt;
  }
  std::optional<core::Clock::time_point> due;
  if (!onBatterySince_) return due;
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    if (state_[i].fired || tiers_[i].trigger != ShedTier::Trigger::AfterOnBattery) continue;
    const auto at = *onBatterySince_ + std::chrono::seconds(tiers_[i].threshold);
    if (!due || at < *due) due = at;
  }
  return due;
}

std::vector<ShedGuest> ShedPlanner::shed() const {
  std::vector<ShedGuest> out;
  for (std::size_t i = 0; i < tiers_.size(); ++i)
    for (const auto& g : state_[i].stopped)
      out.push_back({g, tiers_[i].name, tiers_[i].restartOnMains});
  return out;
}

std::vector<std::string> describeShedding(const std::vector<ShedTier>& tiers,
                                          const proxmox::Inventory* inventory) {
  std::vector<std::string> out;
  for (const auto& tier : tiers) {
    const auto when = triggerText(tier);
    const auto back = tier.restartOnMains ? ", started again when mains are back" : "";
    const auto members =
        inventory != nullptr ? tierMembers(tier, *inventory) : std::vector<proxmox::Guest>{};
    if (members.empty())
      out.push_back(fmt::format("tier \"{}\": no running guest to stop {}", tier.name, when));
    for (const auto& g : members)
      out.push_back(fmt::format("would stop {} (tier \"{}\") {}{}", proxmox::label(g), tier.name,
                                when, back));
  }
  return out;
}

} // namespace hidupsd
