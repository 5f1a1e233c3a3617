// The simulator's own addresses (local_addresses.h).
#include "sim/local_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace qir::sim {

LocalAddresses LocalAddresses::OfThisNamespace() {
  LocalAddresses out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      std::array<uint8_t, 4> a;
      std::memcpy(a.data(), &reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr, 4);
      out.AddV4(a);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      std::array<uint8_t, 16> a;
      std::memcpy(a.data(), &reinterpret_cast<const sockaddr_in6*>(i->ifa_addr)->sin6_addr, 16);
      out.AddV6(a);
    }
  }
  freeifaddrs(list);
  return out;
}

bool LocalAddresses::IsDestinationOf(std::span<const uint8_t> p) const {
  if (p.size() >= 20 && p[0] >> 4 == 4) {
    return std::any_of(v4_.begin(), v4_.end(), [&](const auto& a) { return std::equal(a.begin(), a.end(), p.begin() + 16); });
  }
  if (p.size() >= 40 && p[0] >> 4 == 6) {
    return std::any_of(v6_.begin(), v6_.end(), [&](const auto& a) { return std::equal(a.begin(), a.end(), p.begin() + 24); });
  }
  return false;
}

}  // namespace qir::sim
