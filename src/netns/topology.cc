// Builds and removes a cell's client — sim — server namespaces (topology.h).
// Layout: address_plan.h. Offloads are switched off on every veth end because
// UDP GSO would otherwise hand the simulator 7-8 KB "super-packets" that break
// per-packet loss and captures (see shared/reference/native-stacks.md).
#include "netns/topology.h"

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "netns/address_plan.h"
#include "netns/namespace_ops.h"
#include "util/subprocess.h"

namespace qir::netns {
namespace {

std::string V4(const char* addr) { return std::string(addr) + "/" + std::to_string(kPrefixV4); }
std::string V6(const char* addr) { return std::string(addr) + "/" + std::to_string(kPrefixV6); }

/// Offloads that would merge or split UDP datagrams, plus checksum offload so
/// that packets crossing the simulator carry valid checksums.
Status DisableOffloads(const std::string& ns, const std::string& ifname) {
  return RunIn(ns, {"ethtool", "-K", ifname, "gso", "off", "tso", "off", "gro", "off",
                    "tx-udp-segmentation", "off", "tx", "off"});
}

/// One endpoint side: address, routes through the simulator, offloads off.
Status WireEndpoint(const std::string& ns, const char* v4, const char* v6, const char* gw4,
                    const char* gw6, const char* subnet4, const char* subnet6) {
  const std::vector<std::vector<std::string>> steps = {
      {"link", "set", "lo", "up"},
      {"addr", "add", V4(v4), "dev", kEndpointIf},
      {"addr", "add", V6(v6), "dev", kEndpointIf, "nodad"},
      {"link", "set", kEndpointIf, "up"},
      // Everything, the own subnet included, goes via the simulator (as the
      // reference's endpoint setup does), so NAT-rebound peers stay reachable.
      {"route", "add", kAllV4, "via", gw4},
      {"route", "del", subnet4},
      {"route", "add", kAllV6, "via", gw6},
      {"route", "del", subnet6},
  };
  if (Status s = IpBatch(ns, steps); !s.ok()) return s;
  return DisableOffloads(ns, kEndpointIf);
}

Status WireSim(const std::string& ns) {
  const std::vector<std::vector<std::string>> steps = {
      {"link", "set", "lo", "up"},
      {"addr", "add", V4(kSimLeftV4), "dev", kSimLeftIf},
      {"addr", "add", V6(kSimLeftV6), "dev", kSimLeftIf, "nodad"},
      {"addr", "add", V4(kSimRightV4), "dev", kSimRightIf},
      {"addr", "add", V6(kSimRightV6), "dev", kSimRightIf, "nodad"},
      {"link", "set", kSimLeftIf, "up"},
      {"link", "set", kSimRightIf, "up"},
  };
  if (Status s = IpBatch(ns, steps); !s.ok()) return s;
  if (Status s = DisableOffloads(ns, kSimLeftIf); !s.ok()) return s;
  return DisableOffloads(ns, kSimRightIf);
}

/// Runs the steps at once, each on its own thread (each is a few `ip`/`ethtool` processes
/// that mostly wait on the kernel), and returns the first failure.
Status AllOf(const std::vector<std::function<Status()>>& steps) {
  std::vector<std::future<Status>> running;
  for (const auto& step : steps) running.push_back(std::async(std::launch::async, step));
  Status first;
  for (auto& r : running) {
    Status s = r.get();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

/// Turns the simulator's interface `side` into a bridge with one port per host in `hosts`
/// (veths `<side>-0`, `<side>-1`, ... whose far ends are `eth0` there). Frames the hosts send
/// to the simulator's address reach the bridge device, where the simulator reads them; what
/// it sends on the bridge leaves through the port the destination MAC was learned on.
Status WireBridge(const std::string& sim, const char* side, const std::vector<std::string>& hosts) {
  if (Status s = Ip(sim, {"link", "add", side, "type", "bridge", "stp_state", "0", "forward_delay", "0"}); !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    const std::string port = std::string(side) + "-" + std::to_string(i);
    if (Status s = Ip(sim, {"link", "add", port, "type", "veth", "peer", "name", kEndpointIf, "netns", hosts[i]});
        !s.ok()) {
      return s;
    }
    if (Status s = IpBatch(sim, {{"link", "set", port, "master", side}, {"link", "set", port, "up"}}); !s.ok()) {
      return s;
    }
    if (Status s = DisableOffloads(sim, port); !s.ok()) return s;
  }
  return {};
}

Status WireCrossHosts(const CellNamespaces& n) {
  if (Status s = WireEndpoint(n.cross_client, kCrossClientV4, kCrossClientV6, kSimLeftV4, kSimLeftV6,
                              "198.18.0.0/24", "fd00:cafe:cafe:0::/64");
      !s.ok()) {
    return s;
  }
  return WireEndpoint(n.cross_server, kCrossServerV4, kCrossServerV6, kSimRightV4, kSimRightV6,
                      "198.18.100.0/24", "fd00:cafe:cafe:100::/64");
}

Status Wire(const CellNamespaces& n) {
  const bool cross = !n.cross_client.empty();
  std::vector<std::function<Status()>> add;
  for (const std::string* ns : {&n.client, &n.sim, &n.server, &n.cross_client, &n.cross_server}) {
    if (!ns->empty()) add.push_back([ns] { return AddNamespace(*ns); });
  }
  if (Status s = AllOf(add); !s.ok()) {
    return s;
  }
  if (cross) {
    if (Status s = WireBridge(n.sim, kSimLeftIf, {n.client, n.cross_client}); !s.ok()) return s;
    if (Status s = WireBridge(n.sim, kSimRightIf, {n.server, n.cross_server}); !s.ok()) return s;
  } else {
    if (Status s = Ip(n.sim, {"link", "add", kSimLeftIf, "type", "veth", "peer", "name", kEndpointIf,
                              "netns", n.client});
        !s.ok()) {
      return s;
    }
    if (Status s = Ip(n.sim, {"link", "add", kSimRightIf, "type", "veth", "peer", "name",
                              kEndpointIf, "netns", n.server});
        !s.ok()) {
      return s;
    }
  }
  std::vector<std::function<Status()>> wire = {
      [&] { return WireSim(n.sim); },
      [&] {
        return WireEndpoint(n.client, kClientV4, kClientV6, kSimLeftV4, kSimLeftV6, "198.18.0.0/24",
                            "fd00:cafe:cafe:0::/64");
      },
      [&] {
        return WireEndpoint(n.server, kServerV4, kServerV6, kSimRightV4, kSimRightV6, "198.18.100.0/24",
                            "fd00:cafe:cafe:100::/64");
      }};
  if (cross) wire.push_back([&] { return WireCrossHosts(n); });
  return AllOf(wire);
}

}  // namespace

Topology::~Topology() { (void)Destroy(); }

Topology::Topology(Topology&& other) noexcept
    : names_(std::move(other.names_)), active_(std::exchange(other.active_, false)) {}

Topology& Topology::operator=(Topology&& other) noexcept {
  if (this != &other) {
    (void)Destroy();
    names_ = std::move(other.names_);
    active_ = std::exchange(other.active_, false);
  }
  return *this;
}

Result<Topology> Topology::Create(const std::string& name_prefix, bool cross_traffic) {
  if (name_prefix.rfind(kNamespacePrefix, 0) != 0) {
    return Fail(Error::kInternal, "namespace names must start with qir-", name_prefix);
  }
  Topology topology;
  topology.names_ = {name_prefix + "-c", name_prefix + "-s", name_prefix + "-v"};
  if (cross_traffic) {
    topology.names_.cross_client = name_prefix + "-xc";
    topology.names_.cross_server = name_prefix + "-xs";
  }
  topology.active_ = true;
  if (Status s = Wire(topology.names_); !s.ok()) return s.error();  // destructor cleans up
  return topology;
}

Status Topology::Destroy() {
  if (!active_) return {};
  active_ = false;
  std::vector<std::function<Status()>> remove;
  for (const std::string* ns : {&names_.client, &names_.sim, &names_.server, &names_.cross_client, &names_.cross_server}) {
    if (!ns->empty()) remove.push_back([ns] { return DeleteNamespace(*ns); });
  }
  return AllOf(remove);
}

namespace {
std::mutex g_teardown_mu;
std::condition_variable g_teardown_done;
int g_teardowns = 0;  ///< running background teardowns
}  // namespace

void DestroyInBackground(Topology topology) {
  {
    std::lock_guard<std::mutex> lock(g_teardown_mu);
    ++g_teardowns;
  }
  std::thread([t = std::move(topology)]() mutable {
    if (Status s = t.Destroy(); !s.ok()) std::fprintf(stderr, "qir: teardown: %s\n", s.error().Text().c_str());
    std::lock_guard<std::mutex> lock(g_teardown_mu);
    --g_teardowns;
    g_teardown_done.notify_all();
  }).detach();
}

void AwaitBackgroundTeardowns() {
  std::unique_lock<std::mutex> lock(g_teardown_mu);
  g_teardown_done.wait(lock, [] { return g_teardowns == 0; });
}

Status WriteHostsFile(const std::string& path, const std::string& sim_v4) {
  std::ofstream out(path);
  out << "127.0.0.1 localhost\n"
      << "::1 localhost\n"
      << kServerV4 << " server server4 server46\n"
      << kServerV6 << " server server6 server46\n"
      << kClientV4 << " client client4 client46\n"
      << kClientV6 << " client client6 client46\n"
      << sim_v4 << " sim\n";
  if (!out) return Fail(Error::kIo, "cannot write hosts file", path);
  return {};
}

}  // namespace qir::netns
