// Compliance probe (compliance.h), as the reference's interop.py does it: the
// endpoint sees a random TESTCASE and must answer 127. It runs in its own
// namespace with only loopback, so a misbehaving endpoint reaches nothing.
#include "runner/compliance.h"

#include <filesystem>
#include <random>

#include "netns/namespace_ops.h"
#include "netns/topology.h"
#include "runner/cert_chain.h"
#include "runner/endpoint_launch.h"
#include "runner/sim_ready_port.h"
#include "util/subprocess.h"
#include "util/temp_file.h"

namespace qir::runner {
namespace {

namespace fs = std::filesystem;
constexpr std::chrono::seconds kComplianceTimeout{10};

std::string RandomTestcase() {
  std::random_device rd;
  std::string name = "qir-nosuchtest-";
  for (int i = 0; i < 8; ++i) name += static_cast<char>('a' + rd() % 26);
  return name;
}

}  // namespace

Compliance CheckCompliance(const Implementation& impl, const std::string& role, const std::string& work_dir,
                           const std::string& netns_prefix, const std::string& qir_binary,
                           const std::string& log_path) {
  const std::string ns = netns_prefix + "-k";
  std::error_code ec;
  for (const char* dir : {"www", "downloads", "certs", "logs", "tmp", "layer"}) fs::create_directories(work_dir + "/" + dir, ec);
  if (Status s = netns::AddNamespace(ns); !s.ok()) return {false, "compliance namespace: " + s.error().Text()};
  (void)netns::Ip(ns, {"link", "set", "lo", "up"});
  (void)netns::WriteHostsFile(work_dir + "/hosts", "127.0.0.1");
  // A server may load its certificate before it looks at TESTCASE (quic-go does).
  if (Status s = WriteCertChain(work_dir + "/certs", 1); !s.ok()) return {false, "certificates: " + s.error().Text()};
  const std::string testcase = RandomTestcase();
  const std::string w = work_dir;
  // An image client waits for sim:57832 before it looks at TESTCASE; here `sim` is loopback.
  Result<util::ScopedFd> sim_port = ListenInNamespace(ns);
  if (!sim_port.ok()) {
    (void)netns::DeleteNamespace(ns);
    return {false, "compliance namespace: " + sim_port.error().Text()};
  }
  Result<util::Child> child = util::Spawn(EndpointSpawn(
      qir_binary, impl, ns,
      {.root = w + "/root", .tmp = w + "/tmp", .layer = w + "/layer", .hosts = w + "/hosts", .www = w + "/www",
       .downloads = w + "/downloads", .certs = w + "/certs", .logs = w + "/logs"},
      {.role = role, .testcase = testcase, .context = testcase, .requests = "https://server4:443/compliance"},
      log_path));
  Compliance result;
  if (!child.ok()) {
    result = {false, child.error().Text()};
  } else if (Result<util::ExitInfo> exit = child->Wait(kComplianceTimeout); !exit.ok()) {
    child->Stop();
    result = {false, "still running after 10 s with TESTCASE=" + testcase + " (expected exit 127)"};
  } else if (exit->code != kUnsupportedExit) {
    result = {false, exit->Describe() + " for TESTCASE=" + testcase + " (expected exit 127)"};
  } else {
    result = {true, ""};
  }
  (void)netns::DeleteNamespace(ns);
  (void)util::RemoveTree(work_dir);
  return result;
}

Compliance ComplianceCache::Get(const Implementation& impl, const std::string& role, const std::string& work_dir,
                                const std::string& netns_prefix, const std::string& qir_binary,
                                const std::string& log_dir) {
  const std::string key = impl.name + " (" + role + ")";
  std::mutex* busy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = done_.find(key); it != done_.end()) return it->second;
    auto& slot = busy_[key];
    if (!slot) slot = std::make_unique<std::mutex>();
    busy = slot.get();
  }
  std::lock_guard<std::mutex> probe_lock(*busy);  // a second thread waits for the first probe
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = done_.find(key); it != done_.end()) return it->second;
  }
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  Compliance c = CheckCompliance(impl, role, work_dir, netns_prefix, qir_binary,
                                 log_dir + "/" + impl.name + "_" + role + ".log");
  std::lock_guard<std::mutex> lock(mu_);
  done_[key] = c;
  return c;
}

std::map<std::string, std::string> ComplianceCache::NonCompliant() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [key, c] : done_) {
    if (!c.compliant) out[key] = c.reason;
  }
  return out;
}

}  // namespace qir::runner
