// `qir run`: the interop matrix. Flags follow the reference runner (run.py):
// -s servers, -c clients, -t tests, -l log dir, -j JSON, -m Markdown, -i must
// include, -f save files, -r replace images; qir adds -P (cells in parallel),
// --seed and --implementations. Exit: 0 no cell failed, 1 some did (with
// --expect FILE: some expected cell did not succeed), 2 usage or configuration
// error, 130 interrupted. Writes index.html (qir report's page) beside result.json.
// --shard K/N runs one part of the plan (plan/plan.h; `qir merge` joins the parts);
// --resume LOGDIR continues an interrupted run from LOGDIR/plan.json and its result.json.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/expect_gate.h"
#include "cli/run_status.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/result_file.h"
#include "report/markdown.h"
#include "report/reference_json.h"
#include "report/measurement_table.h"
#include "report/terminal_matrix.h"
#include "runner/auto_unsupported.h"
#include "runner/image_endpoints.h"
#include "runner/podman_launch.h"
#include "runner/admission.h"
#include "runner/matrix.h"
#include "runner/resume.h"
#include "runner/stale_state.h"
#include "plan/plan_file.h"
#include "sim/scenario.h"
#include "testcases/registry.h"
#include "util/subprocess.h"
#include "util/temp_file.h"

namespace qir::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

/// Parsed flags of `qir run`, defaults in the comments.
struct RunFlags {
  std::string servers, clients, tests;  ///< comma lists; empty = all
  std::string log_dir;                  ///< default logs_<UTC time>
  std::string json_path;                ///< also write result.json here
  bool markdown = false;                ///< print the matrix as Markdown too
  std::string must_include;             ///< only pairs with this implementation
  bool save_files = false;              ///< keep www/downloads of cells that did not succeed
  int jobs = 0;                         ///< 0 = number of CPUs
  uint64_t seed = 0;                    ///< 0 = random
  bool no_build = false;                ///< skip the implementations' build scripts
  std::vector<std::string> impl_files;  ///< user implementations files
  std::string replace;                  ///< -r name=image[,name=image]
  std::string scenario;                 ///< overrides the tests' simulator scenarios
  std::string no_auto_unsupported;      ///< implementations exempt from auto-unsupported marking
  bool skip_compliance = false;         ///< do not probe endpoints with an unknown TESTCASE first
  int retries = 0;                      ///< reruns of a failed cell (flaky when one then succeeds)
  std::string replay_dir;               ///< --replay: handled before parsing; listed for --help
  std::string junit_path;               ///< also write JUnit XML here
  std::string expect_path;              ///< expected-pass file: it alone decides the exit status
  std::string engine = "none";          ///< what runs image endpoints: none (qir) or podman
  std::string shard;                    ///< --shard K/N; empty = the whole run
  std::string resume;                   ///< --resume LOGDIR: continue that run; empty = a new run
};

#ifndef QIR_VERSION
#define QIR_VERSION "unknown"
#endif

/// Flags that choose the plan: --resume reads them from plan.json instead.
constexpr const char* kPlanFlags[] = {"--server", "--client", "--test", "--log-dir", "--must-include",
                                      "--save-files", "--seed", "--implementations", "--replace",
                                      "--no-auto-unsupported", "--skip-compliance", "--scenario", "--shard"};

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

/// The flags of the run recorded in `plan` (what --resume continues).
void FlagsFromPlan(const plan::PlanFile& plan, RunFlags& f) {
  f.servers = JoinList(plan.spec.servers);
  f.clients = JoinList(plan.spec.clients);
  std::vector<std::string> tests = plan.spec.tests;
  tests.insert(tests.end(), plan.spec.measurements.begin(), plan.spec.measurements.end());
  f.tests = JoinList(tests);
  f.must_include = plan.spec.must_include;
  f.seed = plan.seed;
  f.scenario = plan.scenario;
  f.skip_compliance = !plan.check_compliance;
  f.save_files = plan.save_files;
  f.no_auto_unsupported = JoinList(plan.no_auto_unsupported);
  f.impl_files = plan.implementation_files;
  f.replace = plan.replace;
  f.shard = std::to_string(plan.shard.index) + "/" + std::to_string(plan.shard.count);
}

/// One line per selected implementation for the fingerprint: what it is, not where it lives
/// on this machine (folders differ between CI runners).
std::vector<std::string> DescribeImplementations(const std::vector<runner::Implementation>& servers,
                                                 const std::vector<runner::Implementation>& clients) {
  std::vector<std::string> out;
  for (const auto* side : {&servers, &clients}) {
    for (const runner::Implementation& i : *side) {
      const std::string what = i.IsImage() ? "image " + i.image
                                           : "dir " + fs::path(i.dir).filename().string() + "/" + i.run;
      const char* role = i.role == runner::Role::kBoth ? "both" : i.role == runner::Role::kServer ? "server" : "client";
      const std::string line = i.name + " " + role + " " + i.url + " " + what;
      if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(line);
    }
  }
  return out;
}

std::string DefaultLogDir() {
  std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof(buf), "logs_%Y-%m-%dT%H-%M-%S", std::gmtime(&now));
  return buf;
}

/// Implementations named in `list` (all with the role when empty), or an error naming the unknown one.
Result<std::vector<runner::Implementation>> Select(const std::vector<runner::Implementation>& all,
                                                   const std::string& list, bool server) {
  std::vector<runner::Implementation> out;
  if (list.empty()) {
    for (const runner::Implementation& i : all) {
      if (server ? i.IsServer() : i.IsClient()) out.push_back(i);
    }
    return out;
  }
  for (const std::string& name : SplitList(list)) {
    const runner::Implementation* impl = runner::FindImplementation(all, name);
    if (impl == nullptr) return Fail(Error::kNotFound, "unknown implementation", name);
    if (!(server ? impl->IsServer() : impl->IsClient())) {
      return Fail(Error::kInvalidArgument, std::string("implementation cannot act as ") + (server ? "server" : "client"),
                  name);
    }
    out.push_back(*impl);
  }
  return out;
}

/// What -t selects: test cases and measurements.
struct Selection {
  std::vector<const testcases::TestCase*> tests;
  std::vector<const testcases::Measurement*> measurements;
};

/// -t: names of tests and measurements, or the reference's onlyTests / onlyMeasurements.
/// Empty = every test case; measurements only when named (they take minutes per pair).
Result<Selection> SelectTests(const std::string& list) {
  if (list.empty()) return Selection{.tests = testcases::AllTestCases()};
  Selection out;
  for (const std::string& name : SplitList(list)) {
    if (name == "onlyTests") {
      out.tests.insert(out.tests.end(), testcases::AllTestCases().begin(), testcases::AllTestCases().end());
    } else if (name == "onlyMeasurements") {
      out.measurements.push_back(&testcases::kGoodput);
      out.measurements.push_back(&testcases::kCrossTraffic);
    } else if (const testcases::TestCase* t = testcases::FindTestCase(name)) {
      out.tests.push_back(t);
    } else if (const testcases::Measurement* m = testcases::FindMeasurement(name)) {
      out.measurements.push_back(m);
    } else {
      std::string known;
      for (const testcases::TestCase* k : testcases::AllTestCases()) known += (known.empty() ? "" : ", ") + std::string(k->name);
      for (const testcases::Measurement* k : testcases::AllMeasurements()) known += ", " + std::string(k->test.name);
      return Fail(Error::kNotFound, "unknown test '" + name + "' (known: " + known + ", onlyTests, onlyMeasurements)");
    }
  }
  return out;
}

Status BuildImplementations(const std::vector<runner::Implementation>& impls) {
  std::vector<std::string> built;
  for (const runner::Implementation& i : impls) {
    if (i.build.empty() || std::find(built.begin(), built.end(), i.name) != built.end()) continue;
    built.push_back(i.name);
    Result<util::CommandResult> r = util::RunCommand({i.build}, std::chrono::minutes(30));
    if (!r.ok()) return Fail(Error::kIo, "building " + i.name + ": " + r.error().Text());
    if (!r->exit.Succeeded()) {
      return Fail(Error::kIo, "building " + i.name + " failed (" + r->exit.Describe() + "): " + r->output);
    }
  }
  return {};
}

/// Writes result.json atomically (util::WriteFileAtomically), so a reader never sees half a file.
void WriteJson(const std::string& path, const results::RunResults& run) {
  if (Status s = util::WriteFileAtomically(path, report::ToReferenceJson(run).dump(2) + "\n"); !s.ok()) {
    std::fprintf(stderr, "qir: %s\n", s.error().Text().c_str());
  }
}

const char* Symbol(results::Outcome o) {
  switch (o) {
    case results::Outcome::kSucceeded:
      return "✓";
    case results::Outcome::kUnsupported:
      return "?";
    default:
      return "✕";
  }
}

void AddFlags(CLI::App& app, RunFlags& f) {
  app.add_option("-s,--server", f.servers, "servers, comma-separated (default: all)");
  app.add_option("-c,--client", f.clients, "clients, comma-separated (default: all)");
  app.add_option("-t,--test", f.tests, "test cases, comma-separated (default: all; see qir list)");
  app.add_option("-l,--log-dir", f.log_dir, "log folder (default: logs_<time>; must not exist)");
  app.add_option("-j,--json", f.json_path, "write the reference's result.json here too");
  app.add_flag("-m,--markdown", f.markdown, "print the matrix as Markdown too");
  app.add_option("-i,--must-include", f.must_include, "only pairs with this implementation");
  app.add_flag("-f,--save-files", f.save_files, "keep served and downloaded files of cells that did not succeed");
  app.add_option("-P,--parallel", f.jobs, "cells run in parallel (default 0: automatic, one per CPU and more while CPUs are idle)")->check(CLI::Range(0, 256));
  app.add_option("--seed", f.seed, "simulator and file seed (default: random, printed)");
  app.add_flag("--no-build", f.no_build, "do not run the implementations' build scripts first");
  app.add_option("--implementations", f.impl_files,
                 "extra implementations file (repeatable): qir's own format or the reference's implementations_quic.json");
  app.add_option("-r,--replace", f.replace, "replace implementations' images: name=image[,name=image] (image: "
                 "docker-archive:PATH, oci-archive:PATH, oci:DIR[:TAG] or a name)");
  app.add_option("-n,--no-auto-unsupported", f.no_auto_unsupported,
                 "implementations exempt from auto-unsupported marking, comma-separated");
  app.add_option("--retries", f.retries, "rerun a failed cell up to N times with fresh namespaces and a new seed; "
                 "one that then succeeds is marked flaky (~)")->check(CLI::Range(0, 20));
  app.add_flag("--skip-compliance", f.skip_compliance, "do not check that endpoints exit 127 for an unknown TESTCASE");
  app.add_option("--replay", f.replay_dir, "rerun exactly the cell whose log folder this is (its replay.json); "
                 "other flags (e.g. -l) apply too");
  app.add_option("--scenario", f.scenario, "simulator scenario for every test, overriding theirs (reference syntax)");
  app.add_option("--junit", f.junit_path, "write JUnit XML here too (one testcase per cell)");
  app.add_option("--engine", f.engine, "what runs image endpoints: none (qir's own sandbox) or podman (rootful, "
                 "in the cell's namespace)")->check(CLI::IsMember({"none", "podman"}));
  app.add_option("--expect", f.expect_path,
                 "expected-pass file: exit 1 only when a cell it lists did not succeed (qir expect --from)");
  app.add_option("--shard", f.shard, "run only shard K of N of the planned cells (K/N, 1-based); join with qir merge");
  app.add_option("--resume", f.resume,
                 "continue the interrupted run in this log folder: same plan and seed, only cells without a result");
}

/// The run-level flags a cell's replay command repeats: what decides its endpoints and link.
std::vector<std::string> ReplayBase(const RunFlags& f) {
  std::vector<std::string> args;
  for (const std::string& file : f.impl_files) args.insert(args.end(), {"--implementations", fs::absolute(file).string()});
  if (!f.replace.empty()) args.insert(args.end(), {"-r", f.replace});
  if (!f.scenario.empty()) args.insert(args.end(), {"--scenario", f.scenario});
  if (f.engine != "none") args.insert(args.end(), {"--engine", f.engine});
  return args;
}

/// `qir run --replay CELL_LOG_DIR [more flags]`: the cell's recorded arguments
/// (replay.json), followed by the other flags given, e.g. -l.
int Replay(int argc, char** argv, int at) {
  if (at + 1 >= argc) return UsageError("run", "--replay needs a cell's log folder");
  const std::string file = std::string(argv[at + 1]) + "/replay.json";
  std::ifstream in(file);
  if (!in) return UsageError("run", "--replay: no replay.json in " + std::string(argv[at + 1]) + " (not a cell's log folder?)");
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("args") || !doc["args"].is_array()) {
    return UsageError("run", "--replay: " + file + " is not a replay file");
  }
  std::vector<std::string> args = {argv[0]};
  for (const nlohmann::json& a : doc["args"]) {
    if (!a.is_string()) return UsageError("run", "--replay: " + file + " is not a replay file");
    args.push_back(a.get<std::string>());
  }
  for (int i = 1; i < argc; ++i) {
    if (i != at && i != at + 1) args.push_back(argv[i]);
  }
  std::fprintf(stderr, "qir: replaying %s\n", util::JoinArgv(args).c_str());
  std::vector<char*> c_args;
  for (std::string& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  return RunCommand(static_cast<int>(args.size()), c_args.data());
}

}  // namespace

/// The run's plan once its flags are resolved: cells, this shard's cells, the record for result.json.
struct ResolvedPlan {
  plan::PlanFile file;
  std::vector<plan::CellKey> shard_cells;
  results::PlanRecord record;
};

ResolvedPlan ResolvePlan(const RunFlags& f, const runner::MatrixOptions& o, plan::Shard shard) {
  ResolvedPlan r;
  r.file.spec = runner::SpecOf(o);
  r.file.qir_version = QIR_VERSION;
  r.file.seed = f.seed;
  r.file.shard = shard;
  r.file.scenario = f.scenario;
  r.file.check_compliance = !f.skip_compliance;
  r.file.save_files = f.save_files;
  r.file.no_auto_unsupported = SplitList(f.no_auto_unsupported);
  for (const std::string& file : f.impl_files) r.file.implementation_files.push_back(fs::absolute(file).string());
  r.file.replace = f.replace;
  r.file.fingerprint = plan::Fingerprint({.seed = f.seed, .spec = r.file.spec, .scenario = f.scenario,
                                          .check_compliance = !f.skip_compliance,
                                          .no_auto_unsupported = r.file.no_auto_unsupported,
                                          .implementations = DescribeImplementations(o.servers, o.clients),
                                          .qir_version = QIR_VERSION});
  const std::vector<plan::CellKey> planned = plan::PlannedCells(r.file.spec);
  r.shard_cells = plan::ShardCells(planned, shard);
  r.record = {.fingerprint = r.file.fingerprint, .qir_version = QIR_VERSION, .must_include = f.must_include,
              .no_auto_unsupported = r.file.no_auto_unsupported, .planned_cells = planned.size(), .shard = shard,
              .shard_cells = r.shard_cells};
  return r;
}

/// --resume: the earlier attempt's finished cells and the cells left. Removes the folders of the
/// cells left (a cell that was running when the run died starts again from scratch).
Result<runner::ResumePoint> LoadResumePoint(const std::string& log_dir, const std::vector<plan::CellKey>& cells) {
  results::RunResults earlier;
  const std::string path = log_dir + "/result.json";
  if (fs::exists(path)) {
    Result<results::RunResults> loaded = report::LoadResultFile(path);
    if (!loaded.ok()) return loaded.error();
    earlier = std::move(*loaded);
  }
  runner::ResumePoint point = runner::PrepareResume(cells, std::move(earlier));
  for (const plan::CellKey& c : point.remaining) {
    std::error_code ec;
    fs::remove_all(fs::path(log_dir) / (c.server + "_" + c.client) / c.test, ec);
    if (ec) return Fail(Error::kIo, "cannot remove the partial cell folder: " + ec.message(), c.server + "_" + c.client + "/" + c.test);
  }
  return point;
}

/// Checks the flags given with --resume and replaces the plan flags by LOGDIR/plan.json's.
Result<plan::PlanFile> ApplyResume(const CLI::App& app, RunFlags& f) {
  for (const char* flag : kPlanFlags) {
    if (app.count(flag) > 0) {
      return Fail(Error::kInvalidArgument, std::string("--resume takes the plan from LOGDIR/plan.json; drop ") + flag);
    }
  }
  Result<plan::PlanFile> plan = plan::LoadPlanFile(f.resume);
  if (!plan.ok()) return plan.error();
  FlagsFromPlan(*plan, f);
  f.log_dir = f.resume;
  return plan;
}

int RunCommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--replay") return Replay(argc, argv, i);
  }
  CLI::App app{"Run the QUIC interop matrix: servers x clients x test cases", "qir run"};
  RunFlags f;
  AddFlags(app, f);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::optional<plan::PlanFile> resumed;
  if (!f.resume.empty()) {
    Result<plan::PlanFile> p = ApplyResume(app, f);
    if (!p.ok()) return UsageError("run", p.error().Text());
    resumed = std::move(*p);
  }
  Result<plan::Shard> shard = f.shard.empty() ? Result<plan::Shard>(plan::Shard{}) : plan::ParseShard(f.shard);
  if (!shard.ok()) return UsageError("run", shard.error().Text());
  if (shard->count > 1 && !f.expect_path.empty()) {
    return UsageError("run", "--expect checks a whole run; with --shard, check the merged one: qir expect --check "
                             "FILE merged/result.json");
  }
  Result<Selection> selection = SelectTests(f.tests);
  if (!selection.ok()) return UsageError("run", selection.error().Text());
  const std::vector<const testcases::TestCase*>* tests = &selection->tests;
  Result<std::vector<runner::Implementation>> all = LoadAllImplementations(f.impl_files);
  if (!all.ok()) return UsageError("run", all.error().Text());
  if (Status s = runner::ApplyReplacements(&*all, f.replace); !s.ok()) return UsageError("run", s.error().Text());
  Result<std::vector<runner::Implementation>> servers = Select(*all, f.servers, true);
  Result<std::vector<runner::Implementation>> clients = Select(*all, f.clients, false);
  if (!servers.ok()) return UsageError("run", servers.error().Text());
  if (!clients.ok()) return UsageError("run", clients.error().Text());
  if (!f.must_include.empty()) {
    if (runner::FindImplementation(*all, f.must_include) == nullptr) {
      return UsageError("run", "unknown implementation (" + f.must_include + ")");
    }
    auto has = [&](const std::vector<runner::Implementation>& v) { return runner::FindImplementation(v, f.must_include) != nullptr; };
    if (!has(*servers)) {
      std::erase_if(*clients, [&](const runner::Implementation& c) { return c.name != f.must_include; });
    } else if (!has(*clients)) {
      std::erase_if(*servers, [&](const runner::Implementation& s) { return s.name != f.must_include; });
    }
  }
  if (!f.scenario.empty()) {
    if (Result<sim::Scenario> s = sim::ParseScenario(f.scenario); !s.ok()) {
      return UsageError("run", "bad --scenario: " + s.error().Text());
    }
  }
  Result<std::vector<report::ExpectRule>> expected = std::vector<report::ExpectRule>{};
  if (!f.expect_path.empty()) expected = report::LoadExpectations(f.expect_path);
  if (!expected.ok()) return UsageError("run", expected.error().Text());
  if (geteuid() != 0) return UsageError("run", "needs root (it creates network namespaces); run it with sudo");
  if (f.log_dir.empty()) f.log_dir = DefaultLogDir();
  if (!resumed && fs::exists(f.log_dir)) return UsageError("run", "log folder already exists: " + f.log_dir);
  if (f.seed == 0) f.seed = std::random_device{}() | (static_cast<uint64_t>(std::random_device{}()) << 32);
  runner::MatrixOptions options{.servers = *servers, .clients = *clients, .tests = *tests,
                                .measurements = selection->measurements,
                                .log_dir = fs::absolute(f.log_dir).string(), .qir_binary = SelfPath(),
                                .jobs = f.jobs, .seed = f.seed, .keep_files_on_failure = f.save_files,
                                .scenario = f.scenario, .check_compliance = !f.skip_compliance,
                                .replay_args = ReplayBase(f),
                                .retries = f.retries, .must_include = f.must_include};
  ResolvedPlan plan = ResolvePlan(f, options, *shard);
  if (resumed && resumed->fingerprint != plan.file.fingerprint) {
    return UsageError("run", "cannot resume " + f.log_dir + ": its plan (fingerprint " + resumed->fingerprint +
                             ") is not what the implementations files and this qir give now (" +
                             plan.file.fingerprint + ")");
  }
  std::optional<runner::ResumePoint> resume_point;
  if (resumed) {
    Result<runner::ResumePoint> point = LoadResumePoint(options.log_dir, plan.shard_cells);
    if (!point.ok()) return UsageError("run", "cannot resume " + f.log_dir + ": " + point.error().Text());
    resume_point = std::move(*point);
  }
  if (!f.no_build) {
    std::vector<runner::Implementation> used = *servers;
    used.insert(used.end(), clients->begin(), clients->end());
    if (Status s = BuildImplementations(used); !s.ok()) return UsageError("run", s.error().Text());
  }
  for (auto* side : {&options.servers, &options.clients}) runner::ReadBuiltVersions(side);
  if (f.engine == "podman") {  // podman takes the image references itself; nothing to unpack
    if (!runner::PodmanAvailable()) return UsageError("run", "--engine podman: no podman on PATH");
    for (auto* side : {&options.servers, &options.clients}) {
      for (runner::Implementation& impl : *side) impl.engine = runner::Engine::kPodman;
    }
  } else {
    image::ImageCache cache(image::DefaultCacheDir());
    for (auto* side : {&options.servers, &options.clients}) {
      if (Status s = runner::PrepareImages(side, cache); !s.ok()) return UsageError("run", s.error().Text());
    }
  }
  std::error_code ec;
  fs::create_directories(f.log_dir, ec);
  if (ec) return UsageError("run", "cannot create log folder " + f.log_dir + ": " + ec.message());
  if (!resumed) {
    if (Status s = plan::WritePlanFile(options.log_dir, plan.file); !s.ok()) return UsageError("run", s.error().Text());
  }

  if (Status s = runner::HoldRunLock(); !s.ok()) return UsageError("run", s.error().Text());
  runner::StaleCleanup stale = runner::CleanStaleState("/tmp");
  if (stale.namespaces + stale.processes + stale.folders > 0) {
    std::fprintf(stderr, "qir: cleaned up after an earlier run: %d namespace(s), %d process(es), %d folder(s)\n",
                 stale.namespaces, stale.processes, stale.folders);
  }
  options.plan = plan.record;
  options.only = resume_point ? resume_point->remaining : plan.shard_cells;
  if (resume_point) options.earlier = &resume_point->earlier;
  const size_t total = plan.shard_cells.size();
  const std::string shard_text = shard->count > 1 ? fmt::format(" (shard {}/{} of {})", shard->index, shard->count,
                                                                plan.record.planned_cells)
                                                  : "";
  const runner::AdmissionPolicy admission = runner::AdmissionPolicy::ForJobs(f.jobs);
  const std::string parallel =
      admission.automatic()
          ? fmt::format("{} in parallel and up to {} while CPUs are idle", admission.floor, admission.ceiling)
          : fmt::format("{} in parallel", admission.floor);
  std::fprintf(stderr, "qir: %zu cell(s)%s, %s, seed %llu, logs in %s\n", total, shard_text.c_str(),
               parallel.c_str(), static_cast<unsigned long long>(f.seed), f.log_dir.c_str());
  if (!selection->measurements.empty()) {
    std::fprintf(stderr, "qir: measurement(s) %s after each pair's tests, each alone while it runs\n",
                 f.tests.c_str());
  }
  if (resume_point) {
    std::fprintf(stderr, "qir: resuming: %zu cell(s) already finished, %zu to run\n",
                 resume_point->earlier.cells.size(), resume_point->remaining.size());
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string result_path = options.log_dir + "/result.json";
  results::RunResults run;
  {
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    RunStatus status(runner::Progress(*options.only, total - options.only->size(), admission.floor, now),
                     isatty(STDERR_FILENO) != 0);
    auto on_done = [&](const results::CellResult& c, const results::RunResults& so_far) {
      status.Finished(c, fmt::format("[{}/{}] {} {} × {}  {}  {:.1f} s{}{}\n", so_far.cells.size(), total,
                                     Symbol(c.outcome), c.server, c.client, c.test, c.duration_s,
                                     c.reason.empty() ? "" : "  ", c.reason));
      WriteJson(result_path, so_far);
      if (!f.json_path.empty()) WriteJson(f.json_path, so_far);
    };
    auto on_measurement = [&](const results::MeasurementResult& m, const results::RunResults& so_far) {
      status.Finished({.server = m.server, .client = m.client, .test = m.test, .outcome = m.outcome},
                      fmt::format("[measurement] {} {} × {}  {}  {}{}\n", Symbol(m.outcome), m.server, m.client,
                                  m.test, m.details, m.reason));
      WriteJson(result_path, so_far);
      if (!f.json_path.empty()) WriteJson(f.json_path, so_far);
    };
    run = runner::RunMatrix(options, g_interrupted, on_done, [&](const plan::CellKey& c) { status.Started(c); },
                            on_measurement);
  }
  // The rule needs every cell: a shard leaves it to qir merge, an interrupted run to its resume.
  const bool complete = !g_interrupted;
  if (complete && shard->count > 1) {
    std::fprintf(stderr, "qir: shard %d/%d: the auto-unsupported rule is applied by qir merge\n", shard->index,
                 shard->count);
  } else if (complete) {
    const auto exempt_list = SplitList(f.no_auto_unsupported);
    if (int changed = runner::ApplyAutoUnsupported(&run, {exempt_list.begin(), exempt_list.end()}); changed > 0) {
      std::fprintf(stderr, "qir: %d cell(s) marked unsupported because their endpoint succeeded against no peer "
                   "(reasons kept; -n NAME to exempt)\n", changed);
    }
  }
  WriteJson(result_path, run);
  if (!f.json_path.empty()) WriteJson(f.json_path, run);
  // The HTML page beside result.json, and JUnit when asked; a failure here costs no results.
  if (Result<std::string> page = report::WriteHtmlReport(run, options.log_dir, options.log_dir); !page.ok()) {
    std::fprintf(stderr, "qir: %s\n", page.error().Text().c_str());
  }
  if (!f.junit_path.empty()) {
    if (Status s = util::WriteFileAtomically(f.junit_path, report::JunitXml(run)); !s.ok()) {
      std::fprintf(stderr, "qir: %s\n", s.error().Text().c_str());
    }
  }
  const bool matrix = !run.tests.empty() || run.measurement_tests.empty();  // measurements alone: no empty matrix
  if (matrix) {
    std::printf("%s", report::TerminalMatrix(run, isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr).c_str());
  }
  std::printf("%s", report::TerminalMeasurements(run).c_str());
  if (f.markdown) {
    std::printf("\n%s%s", matrix ? report::MarkdownMatrix(run).c_str() : "", report::MarkdownMeasurements(run).c_str());
  }
  if (g_interrupted) {
    std::fprintf(stderr, "qir: interrupted; %zu of %zu cell(s) finished, results in %s (qir run --resume %s "
                 "runs the rest)\n", run.cells.size(), total, result_path.c_str(), f.log_dir.c_str());
    return 130;
  }
  std::fprintf(stderr, "qir: %zu cell(s) in %s, up to %d at once\n", run.cells.size(),
               runner::FormatDuration(run.end_time - run.start_time).c_str(), run.peak_cells);
  int failed = run.FailedCount();
  if (failed > 0) std::fprintf(stderr, "qir: %d cell(s) failed\n", failed);
  if (!f.expect_path.empty()) return ReportExpectations(*expected, run, f.expect_path);
  return failed > 0 ? 1 : 0;
}

}  // namespace qir::cli
