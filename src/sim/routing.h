// PolicyRouting: diverts traffic crossing the sim namespace through the simulator's
// TUN devices (native-stacks.md, "What the kernel lacks"): packets arriving on the
// left veth are routed into the left TUN by `ip rule iif <left> lookup <table>`, the
// right side likewise; a packet the simulator writes back into a TUN is routed out by
// destination via the main table, and the kernel handles ARP/NDP on the veths.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace qir::sim {

/// Interfaces and routing tables of the diversion. Defaults match the runner's topology.
struct RoutingConfig {
  std::string left_if = "left";      ///< veth facing the client
  std::string right_if = "right";    ///< veth facing the server
  std::string left_tun = "qsim-l";   ///< TUN receiving client→server traffic (must exist)
  std::string right_tun = "qsim-r";  ///< TUN receiving server→client traffic (must exist)
  int left_table = 100;              ///< routing table for packets arriving on left_if
  int right_table = 101;             ///< routing table for packets arriving on right_if
  int mtu = 1500;                    ///< MTU set on both TUNs, bytes
};

/// Installed rules and routes (IPv4 and IPv6) in the current network namespace.
/// Move-only: the undo list must run exactly once, at Uninstall() or destruction.
class PolicyRouting {
 public:
  PolicyRouting() = default;
  ~PolicyRouting();
  PolicyRouting(PolicyRouting&& other) noexcept;
  PolicyRouting& operator=(PolicyRouting&& other) noexcept;
  PolicyRouting(const PolicyRouting&) = delete;
  PolicyRouting& operator=(const PolicyRouting&) = delete;

  /// Enables forwarding, disables rp_filter, brings the TUNs up and adds the rules
  /// and routes. Needs CAP_NET_ADMIN and `ip` in PATH. On error, undoes what it did.
  static Result<PolicyRouting> Install(const RoutingConfig& config);

  /// Removes the rules and routes (last added first). Returns the first failure,
  /// but always tries every step. Idempotent.
  Status Uninstall();

 private:
  /// Runs `argv` and remembers `undo` for Uninstall().
  Status Apply(const std::vector<std::string>& argv, std::vector<std::string> undo);
  Status DivertSide(const std::string& veth, const std::string& tun, int table, int mtu);

  std::vector<std::vector<std::string>>
      undo_;  ///< commands reversing what was applied, in apply order
};

/// Writes `value` to /proc/sys/<key with dots as slashes> ("net.ipv4.ip_forward").
Status WriteSysctl(const std::string& key, const std::string& value);

}  // namespace qir::sim
