// SPDX-License-Identifier: GPL-2.0-or-later
// lib/ip_network: networks parsed from text (and refused with a reason), matched on sockaddrs.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <stdexcept>

#include "lib/ip_network.hpp"

namespace {

using hidupsd::lib::inAnyNetwork;
using hidupsd::lib::ipNetworkText;
using hidupsd::lib::parseIpNetwork;

/// Whether the peer `address` (an IPv4 or IPv6 literal) is in the networks given as text.
bool allows(std::initializer_list<const char*> networks, const char* address) {
  std::vector<hidupsd::lib::IpNetwork> parsed;
  for (const char* n : networks)
    parsed.push_back(parseIpNetwork(n));
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET, address, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return inAnyNetwork(parsed, reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  }
  REQUIRE(::inet_pton(AF_INET6, address, &v6.sin6_addr) == 1);
  v6.sin6_family = AF_INET6;
  return inAnyNetwork(parsed, reinterpret_cast<sockaddr*>(&v6), sizeof v6);
}

std::string refusal(const char* text) {
  try {
    parseIpNetwork(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("networks and hosts, IPv4 and IPv6, read back as written") {
  for (const char* text : {"192.168.1.0/24", "10.0.0.5", "0.0.0.0/0", "::1", "fd00::/8",
                           "2001:db8::/32", "::/0", "172.16.0.0/12"})
    CHECK(ipNetworkText(parseIpNetwork(text)) == text);
  // An IPv4-mapped IPv6 network is the IPv4 network it means.
  CHECK(ipNetworkText(parseIpNetwork("::ffff:10.0.0.0/104")) == "10.0.0.0/8");
  CHECK(ipNetworkText(parseIpNetwork("192.168.1.7/32")) == "192.168.1.7");
}

TEST_CASE("what is not a network is refused with the reason") {
  CHECK(refusal("localhost") ==
        "\"localhost\" is not an IPv4 or IPv6 address (\"192.168.1.0/24\", \"10.0.0.5\", "
        "\"::1\"; names are not resolved)");
  CHECK(refusal("192.168.1.300") ==
        "\"192.168.1.300\" is not an IPv4 or IPv6 address (\"192.168.1.0/24\", \"10.0.0.5\", "
        "\"::1\"; names are not resolved)");
  CHECK(refusal("10.0.0.0/33") == "/33: the prefix length is 0..32");
  CHECK(refusal("::1/129") == "/129: the prefix length is 0..128");
  CHECK(refusal("10.0.0.0/") == "/: the prefix length is 0..32");
  CHECK(refusal("10.0.0.0/-1") == "/-1: the prefix length is 0..32");
  CHECK(refusal("10.0.0.0/8x") == "/8x: the prefix length is 0..32");
  CHECK(refusal("192.168.1.5/24") ==
        "192.168.1.5/24 has bits set past its prefix: 192.168.1.0/24?");
  CHECK(refusal("fd00::1/8") == "fd00::1/8 has bits set past its prefix: fd00::/8?");
  CHECK(refusal("") == "\"\" is not an IPv4 or IPv6 address (\"192.168.1.0/24\", \"10.0.0.5\", "
                       "\"::1\"; names are not resolved)");
}

TEST_CASE("a peer is allowed when it is in one of the networks") {
  CHECK(allows({"192.168.1.0/24"}, "192.168.1.200"));
  CHECK_FALSE(allows({"192.168.1.0/24"}, "192.168.2.1"));
  CHECK(allows({"10.0.0.0/9"}, "10.127.255.255"));
  CHECK_FALSE(allows({"10.0.0.0/9"}, "10.128.0.0"));
  CHECK(allows({"127.0.0.1"}, "127.0.0.1"));
  CHECK_FALSE(allows({"127.0.0.1"}, "127.0.0.2"));
  CHECK(allows({"::1"}, "::1"));
  CHECK_FALSE(allows({"::1"}, "::2"));
  CHECK(allows({"fd00::/8"}, "fdab:1::7"));
  CHECK(allows({"0.0.0.0/0"}, "203.0.113.9"));
  // A v4 client of a dual-stack listener arrives as ::ffff:a.b.c.d: it is its IPv4 address.
  CHECK(allows({"127.0.0.0/8"}, "::ffff:127.0.0.1"));
  CHECK_FALSE(allows({"::/0"}, "::ffff:127.0.0.1"));
  CHECK_FALSE(allows({"0.0.0.0/0"}, "::1"));
  CHECK_FALSE(allows({}, "127.0.0.1"));
  CHECK(allows({"192.168.1.0/24", "::1"}, "::1"));
}

TEST_CASE("other families and short lengths are never allowed") {
  const std::vector networks{parseIpNetwork("0.0.0.0/0"), parseIpNetwork("::/0")};
  sockaddr_un local{};
  local.sun_family = AF_UNIX;
  CHECK_FALSE(inAnyNetwork(networks, reinterpret_cast<sockaddr*>(&local), sizeof local));
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  CHECK(inAnyNetwork(networks, reinterpret_cast<sockaddr*>(&v4), sizeof v4));
  CHECK_FALSE(inAnyNetwork(networks, reinterpret_cast<sockaddr*>(&v4), sizeof v4 - 1));
  CHECK_FALSE(inAnyNetwork(networks, nullptr, 0));
}
