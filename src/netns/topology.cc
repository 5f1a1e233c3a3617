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

Status Wire(const CellNamespaces& n) {
  if (Status s = AllOf({[&] { return AddNamespace(n.client); }, [&] { return AddNamespace(n.sim); },
                        [&] { return AddNamespace(n.server); }});
      !s.ok()) {
    return s;
  }
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
  return AllOf({[&] { return WireSim(n.sim); },
                [&] {
                  return WireEndpoint(n.client, kClientV4, kClientV6, kSimLeftV4, kSimLeftV6, "198.18.0.0/24",
                                      "fd00:cafe:cafe:0::/64");
                },
                [&] {
                  return WireEndpoint(n.server, kServerV4, kServerV6, kSimRightV4, kSimRightV6,
                                      "198.18.100.0/24", "fd00:cafe:cafe:100::/64");
                }});
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

Result<Topology> Topology::Create(const std::string& name_prefix) {
  if (name_prefix.rfind(kNamespacePrefix, 0) != 0) {
    return Fail(Error::kInternal, "namespace names must start with qir-", name_prefix);
  }
  Topology topology;
  topology.names_ = {name_prefix + "-c", name_prefix + "-s", name_prefix + "-v"};
  topology.active_ = true;
  if (Status s = Wire(topology.names_); !s.ok()) return s.error();  // destructor cleans up
  return topology;
}

Status Topology::Destroy() {
  if (!active_) return {};
  active_ = false;
  return AllOf({[&] { return DeleteNamespace(names_.client); }, [&] { return DeleteNamespace(names_.sim); },
                [&] { return DeleteNamespace(names_.server); }});
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
