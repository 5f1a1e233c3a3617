#!/bin/bash
# qir test image: the endpoint base image's network set-up, run by every
# endpoint's entrypoint before its binary. Written for qir's tests after what the
# quic-network-simulator endpoint image's /setup.sh does:
#   - transmit checksum offload off on eth0;
#   - own IPv4/IPv6 = first/second word of `hostname -I`;
#   - gateway = own /24 with host .2 (IPv6: own prefix with ::2);
#   - 193.167.0.0/16 via the IPv4 gateway, the connected /24 deleted;
#   - fd00:cafe:cafe::/48 via the IPv6 gateway, the connected /64 deleted;
#   - /logs/qlog created.
# Deliberately no `set -e`: a failing step is reported and the script goes on,
# and it always exits 0 (as the original does).

echo "setup.sh: configuring eth0 for the simulator"
ethtool -K eth0 tx off

# shellcheck disable=SC2207 # word splitting is the point
addresses=($(hostname -I))
ipv4="${addresses[0]:-}"
ipv6="${addresses[1]:-}"
echo "setup.sh: IPv4 '$ipv4', IPv6 '$ipv6'"

if [[ -n "$ipv4" ]]; then
  net4="${ipv4%.*}"                 # 193.167.0.100 -> 193.167.0
  route add -net 193.167.0.0 netmask 255.255.0.0 gw "$net4.2"
  route del -net "$net4.0" netmask 255.255.255.0
fi
if [[ -n "$ipv6" ]]; then
  net6="${ipv6%:*}"                 # fd00:cafe:cafe:0::100 -> fd00:cafe:cafe:0:
  route -A inet6 add fd00:cafe:cafe::/48 gw "$net6:2"
  # As in the original, without a metric: net-tools then asks for metric 1 and
  # the kernel's connected route (metric 256) stays ("SIOCDELRT: No such process").
  route -A inet6 del "$net6:/64"
fi

mkdir -p /logs/qlog
exit 0
