// One cell end to end (cell.h). The order follows the reference runner
// (interop.py): simulator up, server up and answering, client runs to its end
// or the deadline, everything stopped, logs kept, then the test's check on the
// two pcaps and the downloaded files. Exit code 127 from an endpoint means
// "unsupported", as in the reference's endpoint contract.
#include "runner/cell.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "netns/address_plan.h"
#include "netns/topology.h"
#include "runner/cell_log.h"
#include "runner/cert_chain.h"
#include "runner/crash_detection.h"
#include "runner/endpoint_launch.h"
#include "runner/server_probe.h"
#include "runner/sim_ready_port.h"
#include "runner/test_files.h"
#include "trace/keylog.h"
#include "trace/pcap_writer.h"
#include "trace/trace.h"
#include "util/process_cpu.h"
#include "util/subprocess.h"
#include "util/temp_file.h"

namespace qir::runner {
namespace {

namespace fs = std::filesystem;
using results::CellResult;
using results::Outcome;
using std::chrono::milliseconds;

constexpr milliseconds kSimReadyTimeout{10000};
constexpr milliseconds kServerReadyTimeout{10000};
constexpr milliseconds kStopGrace{2000};
/// The simulator's drain (it delivers what is still on the link, at most 1 s) plus its stop.
constexpr milliseconds kSimStopTimeout{3000};
/// The cross-traffic receiver's TCP port (iperf3's default) and how long it may take to listen.
constexpr int kIperfPort = 5201;
constexpr milliseconds kIperfReadyTimeout{5000};

/// The folders of one cell.
struct CellDirs {
  std::string www, downloads, certs, server_downloads, client_www, hosts;
  std::string server_logs, client_logs, sim_logs;
};

CellDirs MakeDirs(const CellSpec& spec) {
  const std::string& w = spec.work_dir;
  const std::string& l = spec.log_dir;
  return {.www = w + "/www", .downloads = w + "/downloads", .certs = w + "/certs",
          .server_downloads = w + "/server-downloads", .client_www = w + "/client-www",
          .hosts = w + "/hosts", .server_logs = l + "/server", .client_logs = l + "/client",
          .sim_logs = l + "/sim"};
}

Status CreateDirs(const CellSpec& spec, const CellDirs& d) {
  std::error_code ec;
  for (const std::string& dir : {d.www, d.downloads, d.certs, d.server_downloads, d.client_www,
                                 d.server_logs + "/qlog", d.client_logs + "/qlog", d.sim_logs,
                                 spec.work_dir + "/tmp-server", spec.work_dir + "/tmp-client",
                                 spec.work_dir + "/layer-server", spec.work_dir + "/layer-client"}) {
    fs::create_directories(dir, ec);
    if (ec) return Fail(Error::kIo, "mkdir " + dir + ": " + ec.message(), dir);
  }
  return {};
}

/// The verdict so far; the cell stops at the first one that is not "go on".
struct Ending {
  Outcome outcome;
  std::string reason;
};

class CellRun {
 public:
  CellRun(const CellSpec& spec, const std::atomic<bool>& interrupted)
      : spec_(spec), dirs_(MakeDirs(spec)), interrupted_(interrupted), log_(spec.log_dir + "/output.txt") {}

  CellResult Run();

 private:
  std::optional<Ending> Prepare();
  /// The simulator starts while the server does (neither needs the other to come up); the
  /// client starts only once both are ready.
  std::optional<Ending> SpawnSimulator();
  std::optional<Ending> AwaitSimulator();
  std::optional<Ending> StartCrossTraffic();
  std::optional<Ending> StartServer();
  std::optional<Ending> RunClient();
  void StopAll();
  /// Samples both endpoints' process trees (util/process_cpu.h) into the CPU totals.
  void SampleCpu();
  Ending Judge();
  /// A crash of either endpoint overrides every verdict but "unsupported".
  std::optional<Ending> CrashOf() const;
  util::SpawnOptions Endpoint(const Implementation& impl, const std::string& role, const std::string& ns,
                              const std::string& www, const std::string& downloads, const std::string& logs) const;
  std::string TailOf(const std::string& path) const;
  /// The last line of output.txt, and replay.json for `qir run --replay <this folder>`.
  void WriteReplay();
  std::optional<trace::KeyLog> ChooseKeyLog();
  void EmbedKeyLog();
  std::string Scenario() const { return spec_.scenario.empty() ? spec_.test->scenario : spec_.scenario; }

  const CellSpec& spec_;
  CellDirs dirs_;
  const std::atomic<bool>& interrupted_;
  CellLog log_;
  std::vector<std::string> files_;
  netns::Topology topology_;
  util::Child sim_, server_, client_;
  std::string sim_done_;  ///< the simulator's --done-file
  util::Child cross_receiver_, cross_sender_;  ///< iperf3 -s beside the client, iperf3 -c beside the server
  double server_cpu_s_ = 0, client_cpu_s_ = 0;  ///< largest CPU totals seen (samples, rusage)
  bool sim_ready_ = false;  ///< AwaitSimulator saw its ready file
  util::ScopedFd sim_ready_port_;
  bool client_stopped_ = false, server_stopped_ = false;  ///< qir signalled them to stop  ///< sim:57832, open from "server ready" to the cell's end
  std::string keylog_path_;  ///< the key log the checks used; empty when none
};

std::optional<Ending> CellRun::Prepare() {
  const testcases::TestCase& t = *spec_.test;
  log_.Line(fmt::format("server {} × client {} — test {} ({})", spec_.server->name, spec_.client->name, t.name, t.abbr));
  log_.Line(fmt::format("TESTCASE server={} client={}; scenario \"{}\"; timeout {} s; seed {}", t.server_testcase,
                        t.client_testcase, Scenario(), t.timeout.count(), spec_.seed));
  if (Status s = CreateDirs(spec_, dirs_); !s.ok()) return Ending{Outcome::kError, s.error().Text()};
  std::mt19937_64 rng(spec_.seed);
  Result<std::vector<std::string>> files = GenerateFiles(dirs_.www, t.files, rng);
  if (!files.ok()) return Ending{Outcome::kError, files.error().Text()};
  files_ = *files;
  if (Status s = WriteCertChain(dirs_.certs, t.cert_chain_length); !s.ok()) {
    return Ending{Outcome::kError, "certificates: " + s.error().Text()};
  }
  if (Status s = netns::WriteHostsFile(dirs_.hosts); !s.ok()) return Ending{Outcome::kError, s.error().Text()};
  Result<netns::Topology> topology = netns::Topology::Create(spec_.netns_prefix, spec_.cross_traffic);
  if (!topology.ok()) return Ending{Outcome::kError, "namespaces: " + topology.error().Text()};
  topology_ = std::move(*topology);
  log_.Line(fmt::format("namespaces {} / {} / {} ready, {} file(s) generated", topology_.names().client,
                        topology_.names().sim, topology_.names().server, files_.size()));
  return std::nullopt;
}

std::optional<Ending> CellRun::SpawnSimulator() {
  const std::string ready = spec_.work_dir + "/sim-ready";
  sim_done_ = spec_.work_dir + "/sim-done";
  std::vector<std::string> argv = {spec_.qir_binary, "_exec", "--netns", topology_.names().sim, "--",
                                   spec_.qir_binary, "sim", "--scenario", Scenario(),
                                   "--left", netns::kSimLeftIf, "--right", netns::kSimRightIf,
                                   "--pcap-left", dirs_.sim_logs + "/trace_node_left.pcap",
                                   "--pcap-right", dirs_.sim_logs + "/trace_node_right.pcap",
                                   "--seed", std::to_string(spec_.seed), "--ready-file", ready,
                                   "--done-file", sim_done_};
  Result<util::Child> sim = util::Spawn({.argv = argv, .stdout_path = dirs_.sim_logs + "/sim.log"});
  if (!sim.ok()) return Ending{Outcome::kError, "simulator: " + sim.error().Text()};
  sim_ = std::move(*sim);
  return std::nullopt;
}

std::optional<Ending> CellRun::AwaitSimulator() {
  if (sim_ready_) return std::nullopt;
  const std::string ready = spec_.work_dir + "/sim-ready";
  const auto deadline = std::chrono::steady_clock::now() + kSimReadyTimeout;
  while (!fs::exists(ready)) {
    if (sim_.Poll().ok()) {
      return Ending{Outcome::kError, "simulator exited at start: " + TailOf(dirs_.sim_logs + "/sim.log")};
    }
    if (std::chrono::steady_clock::now() > deadline) return Ending{Outcome::kError, "simulator not ready in 10 s"};
    std::this_thread::sleep_for(milliseconds(5));
  }
  log_.Line("simulator ready (pid " + std::to_string(sim_.pid()) + ")");
  sim_ready_ = true;
  return std::nullopt;
}

/// True once the process `pid` (in its namespace) listens on TCP `port` (/proc/<pid>/net/tcp{,6}).
bool ListensOn(pid_t pid, int port) {
  const std::string want = fmt::format(":{:04X} ", port);
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
    for (std::string line; std::getline(in, line);) {
      // "  sl  local_address rem_address   st ..."; state 0A = LISTEN
      const size_t local = line.find(want);
      if (local != std::string::npos && line.find(" 0A ", local) != std::string::npos) return true;
    }
  }
  return false;
}

std::optional<Ending> CellRun::StartCrossTraffic() {
  if (!spec_.cross_traffic) return std::nullopt;
  const std::string dir = spec_.log_dir + "/cross";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string port = std::to_string(kIperfPort);
  Result<util::Child> receiver = util::Spawn(
      {.argv = {spec_.qir_binary, "_exec", "--netns", topology_.names().cross_client, "--", "iperf3", "-s", "-1",
                "-B", netns::kCrossClientV4, "-p", port, "-i", "5", "--forceflush"},
       .stdout_path = dir + "/iperf3-receiver.log"});
  if (!receiver.ok()) return Ending{Outcome::kError, "cross traffic: iperf3 -s: " + receiver.error().Text()};
  cross_receiver_ = std::move(*receiver);
  const auto deadline = std::chrono::steady_clock::now() + kIperfReadyTimeout;
  while (!ListensOn(cross_receiver_.pid(), kIperfPort)) {
    if (cross_receiver_.Poll().ok() || std::chrono::steady_clock::now() > deadline) {
      return Ending{Outcome::kError, "cross traffic: iperf3 -s did not listen: " + TailOf(dir + "/iperf3-receiver.log")};
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  // Longer than the test may take; stopped when the client ends.
  const std::string seconds = std::to_string(spec_.test->timeout.count() + 60);
  Result<util::Child> sender = util::Spawn(
      {.argv = {spec_.qir_binary, "_exec", "--netns", topology_.names().cross_server, "--", "iperf3", "-c",
                netns::kCrossClientV4, "-B", netns::kCrossServerV4, "-p", port, "-C", "cubic", "-t", seconds,
                "-i", "5", "--forceflush"},
       .stdout_path = dir + "/iperf3-sender.log"});
  if (!sender.ok()) return Ending{Outcome::kError, "cross traffic: iperf3 -c: " + sender.error().Text()};
  cross_sender_ = std::move(*sender);
  log_.Line(fmt::format("cross traffic: TCP cubic {} → {} (iperf3, pids {} / {})", netns::kCrossServerV4,
                        netns::kCrossClientV4, cross_sender_.pid(), cross_receiver_.pid()));
  return std::nullopt;
}

util::SpawnOptions CellRun::Endpoint(const Implementation& impl, const std::string& role, const std::string& ns,
                                     const std::string& www, const std::string& downloads,
                                     const std::string& logs) const {
  const testcases::TestCase& t = *spec_.test;
  std::string requests;
  for (const std::string& f : files_) requests += (requests.empty() ? "" : " ") + (t.url_prefix + f);
  const std::string& w = spec_.work_dir;
  return EndpointSpawn(spec_.qir_binary, impl, ns,
                       {.root = w + "/root-" + role, .tmp = w + "/tmp-" + role, .layer = w + "/layer-" + role,
                        .hosts = dirs_.hosts, .www = www, .downloads = downloads, .certs = dirs_.certs, .logs = logs},
                       {.role = role, .testcase = role == "server" ? t.server_testcase : t.client_testcase,
                        .context = t.name, .requests = requests},
                       logs + "/output.log");
}

std::optional<Ending> CellRun::StartServer() {
  const Implementation& impl = *spec_.server;
  Result<util::Child> server = util::Spawn(
      Endpoint(impl, "server", topology_.names().server, dirs_.www, dirs_.server_downloads, dirs_.server_logs));
  if (!server.ok()) return Ending{Outcome::kError, "server: " + server.error().Text()};
  server_ = std::move(*server);
  Result<Readiness> ready = WaitForServer(
      topology_.names().sim, netns::kServerV4, server_.pid(), kServerReadyTimeout,
      [this] { return !server_.Poll().ok(); });
  if (!ready.ok()) {
    if (!server_.running() && server_.exit_info().code == kUnsupportedExit) {
      log_.Line("server exited with 127");
      return Ending{Outcome::kUnsupported, fmt::format("server does not support TESTCASE={}", spec_.test->server_testcase)};
    }
    if (!server_.running()) {
      return Ending{Outcome::kFailed, fmt::format("server exited before it was ready ({}): {}",
                                                  server_.exit_info().Describe(),
                                                  TailOf(dirs_.server_logs + "/output.log"))};
    }
    return Ending{Outcome::kFailed, "server did not answer on UDP 443 within 10 s"};
  }
  log_.Line(*ready == Readiness::kVersionNegotiation ? "server ready (answered Version Negotiation)"
                                                     : "server ready (UDP 443 bound; it did not answer the VN probe)");
  // Now, as in the reference: the simulation runs and the server answers.
  Result<util::ScopedFd> port = ListenInNamespace(topology_.names().sim);
  if (!port.ok()) return Ending{Outcome::kError, "sim:" + std::to_string(kSimReadyPort) + ": " + port.error().Text()};
  sim_ready_port_ = std::move(*port);
  return std::nullopt;
}

std::optional<Ending> CellRun::RunClient() {
  const Implementation& impl = *spec_.client;
  Result<util::Child> client = util::Spawn(
      Endpoint(impl, "client", topology_.names().client, dirs_.client_www, dirs_.downloads, dirs_.client_logs));
  if (!client.ok()) return Ending{Outcome::kError, "client: " + client.error().Text()};
  client_ = std::move(*client);
  log_.Line("client started");
  const auto deadline = std::chrono::steady_clock::now() + spec_.test->timeout;
  while (true) {
    if (client_.Wait(milliseconds(100)).ok()) break;
    if (interrupted_) return Ending{Outcome::kError, "interrupted"};
    if (std::chrono::steady_clock::now() > deadline) {
      return Ending{Outcome::kTimeout, fmt::format("client did not finish within {} s", spec_.test->timeout.count())};
    }
  }
  const util::ExitInfo& exit = client_.exit_info();
  log_.Line("client ended: " + exit.Describe());
  if (exit.code == kUnsupportedExit) {
    return Ending{Outcome::kUnsupported, fmt::format("client does not support TESTCASE={}", spec_.test->client_testcase)};
  }
  if (server_.Poll().ok() && server_.exit_info().code == kUnsupportedExit) {
    return Ending{Outcome::kUnsupported, fmt::format("server does not support TESTCASE={}", spec_.test->server_testcase)};
  }
  if (!exit.Succeeded()) {
    return Ending{Outcome::kFailed, fmt::format("client failed ({}): {}", exit.Describe(),
                                                TailOf(dirs_.client_logs + "/output.log"))};
  }
  return std::nullopt;
}

void CellRun::SampleCpu() {
  if (client_.running()) client_cpu_s_ = std::max(client_cpu_s_, util::ProcessTreeCpuSeconds(client_.pid()));
  if (server_.running()) server_cpu_s_ = std::max(server_cpu_s_, util::ProcessTreeCpuSeconds(server_.pid()));
}

void CellRun::StopAll() {
  SampleCpu();
  if (client_.running()) {
    client_stopped_ = true;
    log_.Line("client stopped: " + client_.Stop(kStopGrace).Describe());
  }
  if (server_.running()) {
    server_stopped_ = true;
    log_.Line("server stopped: " + server_.Stop(kStopGrace).Describe());
  } else if (server_.pid() > 0) {
    log_.Line("server had ended by itself: " + server_.exit_info().Describe());
  }
  if (client_.pid() > 0) client_cpu_s_ = std::max(client_cpu_s_, client_.exit_info().cpu_s);
  if (server_.pid() > 0) server_cpu_s_ = std::max(server_cpu_s_, server_.exit_info().cpu_s);
  if (cross_sender_.running()) log_.Line("cross traffic sender stopped: " + cross_sender_.Stop(kStopGrace).Describe());
  if (cross_receiver_.running()) {
    log_.Line("cross traffic receiver stopped: " + cross_receiver_.Stop(kStopGrace).Describe());
  }
  sim_ready_port_.Reset();
  if (sim_.running()) {
    // The simulator drains its link by itself once told to stop, then says "done" when both
    // pcaps are complete; closing its packet sockets afterwards takes the kernel tens of ms,
    // which nobody needs to wait for.
    sim_.Signal(SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kSimStopTimeout;
    while (!fs::exists(sim_done_) && !sim_.Poll().ok() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    if (sim_.running() && fs::exists(sim_done_)) {
      log_.Line("simulator done (pcaps complete)");
      util::ReapInBackground(std::move(sim_));
    } else {
      log_.Line("simulator stopped: " + sim_.Stop(kStopGrace).Describe());
    }
  }
}

/// The key log the checks use, chosen as the reference does; nullopt when none is usable.
std::optional<trace::KeyLog> CellRun::ChooseKeyLog() {
  const std::string chosen =
      trace::SelectKeyLogFile(dirs_.client_logs + "/keys.log", dirs_.server_logs + "/keys.log");
  if (chosen.empty()) {
    log_.Line("key log: none usable (no SERVER_HANDSHAKE_TRAFFIC_SECRET from either endpoint)");
    return std::nullopt;
  }
  Result<trace::KeyLog> keys = trace::LoadKeyLog(chosen);
  if (!keys.ok()) {
    log_.Line("key log " + chosen + " unreadable: " + keys.error().Text());
    return std::nullopt;
  }
  log_.Line("key log: " + chosen);
  keylog_path_ = chosen;
  return std::move(*keys);
}

/// Rewrites both pcaps as pcapng carrying the key log, so Wireshark opens them decrypted.
void CellRun::EmbedKeyLog() {
  if (keylog_path_.empty()) return;
  for (const char* side : {"left", "right"}) {
    const std::string pcap = dirs_.sim_logs + "/trace_node_" + side + ".pcap";
    if (Status s = trace::WritePcapngWithSecrets(pcap, keylog_path_, pcap + ".tmp"); !s.ok()) {
      log_.Line(std::string("could not embed the key log into the ") + side + " pcap: " + s.error().Text());
      std::error_code ec;
      fs::remove(pcap + ".tmp", ec);
      continue;
    }
    std::error_code ec;
    fs::rename(pcap + ".tmp", pcap, ec);
  }
}

Ending CellRun::Judge() {
  std::optional<trace::KeyLog> keys = ChooseKeyLog();
  const trace::KeyLog* keylog = keys ? &*keys : nullptr;
  // The cell's links carry only its endpoints' traffic, so every datagram to or from the
  // server is QUIC, on a preferred address's port too.
  trace::Endpoints endpoints = trace::QirEndpoints();
  endpoints.any_port_to_servers = true;
  Result<trace::Trace> left = trace::LoadTrace(dirs_.sim_logs + "/trace_node_left.pcap", endpoints, keylog);
  Result<trace::Trace> right = trace::LoadTrace(dirs_.sim_logs + "/trace_node_right.pcap", endpoints, keylog);
  if (!left.ok()) return {Outcome::kError, "client-side trace: " + left.error().Text()};
  if (!right.ok()) return {Outcome::kError, "server-side trace: " + right.error().Text()};
  log_.Line(fmt::format("traces: client side {} QUIC packets ({} decrypted), server side {} ({} decrypted)",
                        left->packets.size(), left->decrypted, right->packets.size(), right->decrypted));
  for (const trace::Trace* t : {&*left, &*right}) {
    for (const std::string& w : t->warnings) log_.Line("trace warning: " + w);
  }
  testcases::CheckInput input{.client_side = &*left, .server_side = &*right, .www_dir = dirs_.www,
                              .downloads_dir = dirs_.downloads, .files = files_, .have_keys = keylog != nullptr};
  testcases::Verdict verdict = spec_.test->check(input);
  switch (verdict.kind) {
    case testcases::Verdict::Kind::kPassed:
      return {Outcome::kSucceeded, ""};
    case testcases::Verdict::Kind::kUnsupported:
      return {Outcome::kUnsupported, verdict.reason};
    case testcases::Verdict::Kind::kFailed:
      break;
  }
  return {Outcome::kFailed, verdict.reason};
}

std::optional<Ending> CellRun::CrashOf() const {
  const std::pair<const util::Child*, std::pair<const char*, bool>> endpoints[] = {
      {&client_, {"client", client_stopped_}}, {&server_, {"server", server_stopped_}}};
  for (const auto& [child, who] : endpoints) {
    if (child->pid() <= 0 || child->running()) continue;
    const std::string logs = std::string(who.first) == "client" ? dirs_.client_logs : dirs_.server_logs;
    if (std::optional<std::string> reason =
            CrashReason(who.first, {.exit = child->exit_info(), .stopped_by_qir = who.second}, logs + "/output.log")) {
      return Ending{Outcome::kCrashed, *reason};
    }
  }
  return std::nullopt;
}

void CellRun::WriteReplay() {
  if (spec_.replay_args.empty()) return;
  std::vector<std::string> command = {"qir", "run"};
  command.insert(command.end(), spec_.replay_args.begin(), spec_.replay_args.end());
  log_.Line("replay: " + util::JoinArgv(command) + "   (or: qir run --replay " + spec_.log_dir + ")");
  (void)util::WriteFileAtomically(spec_.log_dir + "/replay.json",
                                  nlohmann::json{{"args", spec_.replay_args}}.dump(2) + "\n");
}

std::string CellRun::TailOf(const std::string& path) const {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  if (last.size() > 200) last = last.substr(0, 200) + "…";
  return last.empty() ? "(no output)" : last;
}

CellResult CellRun::Run() {
  const auto start = std::chrono::steady_clock::now();
  std::optional<Ending> ending = Prepare();
  if (!ending) ending = SpawnSimulator();
  // Cross traffic runs through the simulator from before the server starts.
  if (!ending && spec_.cross_traffic) ending = AwaitSimulator();
  if (!ending) ending = StartCrossTraffic();
  if (!ending) ending = StartServer();
  if (!ending) ending = AwaitSimulator();
  if (!ending) ending = RunClient();
  StopAll();
  if (!ending) ending = Judge();
  if (ending->outcome != Outcome::kUnsupported) {
    if (std::optional<Ending> crash = CrashOf()) {
      log_.Line(fmt::format("crash detected: {} (verdict before: {}{}{})", crash->reason,
                            results::OutcomeName(ending->outcome), ending->reason.empty() ? "" : ": ", ending->reason));
      ending = crash;
    }
  }
  if (keylog_path_.empty() && sim_.pid() > 0) (void)ChooseKeyLog();  // the cell ended before Judge
  EmbedKeyLog();
  netns::DestroyInBackground(std::move(topology_));
  CellResult result{.server = spec_.server->name, .client = spec_.client->name, .test = spec_.test->name,
                    .outcome = ending->outcome, .reason = ending->reason,
                    .duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                    .log_dir = spec_.relative_log, .server_cpu_s = server_cpu_s_, .client_cpu_s = client_cpu_s_};
  log_.Line(fmt::format("verdict: {}{}{}", results::OutcomeName(result.outcome), result.reason.empty() ? "" : ": ",
                        result.reason));
  WriteReplay();
  if (spec_.keep_files_on_failure && result.outcome != Outcome::kSucceeded) {
    std::error_code ec;
    fs::copy(dirs_.www, spec_.log_dir + "/server_www", fs::copy_options::recursive, ec);
    fs::copy(dirs_.downloads, spec_.log_dir + "/client_downloads", fs::copy_options::recursive, ec);
  }
  (void)util::RemoveTree(spec_.work_dir);
  return result;
}

}  // namespace

CellResult RunCell(const CellSpec& spec, const std::atomic<bool>& interrupted) {
  std::error_code ec;
  fs::create_directories(spec.log_dir, ec);
  return CellRun(spec, interrupted).Run();
}

}  // namespace qir::runner
