// Runs the cells of a matrix on a pool of worker threads (matrix.h). Each
// worker takes the next cell index from an atomic counter; results are
// appended under a mutex and handed to the callback in completion order.
#include "runner/matrix.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "netns/topology.h"
#include "runner/admission.h"
#include "runner/cell.h"
#include "runner/exclusive_gate.h"
#include "runner/measurement.h"
#include "runner/retries.h"
#include "runner/compliance.h"
#include "runner/resume.h"
#include "runner/stale_state.h"
#include "util/temp_file.h"

namespace qir::runner {
namespace {

struct PlannedCell {
  const Implementation* server;
  const Implementation* client;
  const testcases::TestCase* test;  ///< for a measurement: its repetitions' test
  const testcases::Measurement* measurement = nullptr;
};

const Implementation* ByName(const std::vector<Implementation>& impls, const std::string& name) {
  for (const Implementation& i : impls) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

const testcases::TestCase* TestByName(const std::vector<const testcases::TestCase*>& tests, const std::string& name) {
  for (const testcases::TestCase* t : tests) {
    if (t->name == name) return t;
  }
  return nullptr;
}

const testcases::Measurement* MeasurementByName(const std::vector<const testcases::Measurement*>& ms,
                                                const std::string& name) {
  for (const testcases::Measurement* m : ms) {
    if (m->test.name == name) return m;
  }
  return nullptr;
}

/// The cells to run: options.only (when set) or every planned cell, as pointers into options.
/// A measurement is planned like a test, after its pair's tests (plan.h).
std::vector<PlannedCell> Plan(const MatrixOptions& o) {
  const std::vector<plan::CellKey> keys = o.only ? *o.only : plan::PlannedCells(SpecOf(o));
  std::vector<PlannedCell> cells;
  for (const plan::CellKey& k : keys) {
    PlannedCell c{ByName(o.servers, k.server), ByName(o.clients, k.client), TestByName(o.tests, k.test)};
    if (c.test == nullptr) {
      c.measurement = MeasurementByName(o.measurements, k.test);
      if (c.measurement != nullptr) c.test = &c.measurement->test;
    }
    if (c.server != nullptr && c.client != nullptr && c.test != nullptr) cells.push_back(c);
  }
  return cells;
}

std::vector<std::string> ReplayArgs(const MatrixOptions& o, const PlannedCell& c) {
  std::vector<std::string> args = o.replay_args;
  args.insert(args.end(), {"-s", c.server->name, "-c", c.client->name, "-t", c.test->name, "--seed",
                           std::to_string(o.seed)});
  return args;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

plan::PlanSpec SpecOf(const MatrixOptions& o) {
  plan::PlanSpec spec{.must_include = o.must_include};
  for (const Implementation& s : o.servers) spec.servers.push_back(s.name);
  for (const Implementation& c : o.clients) spec.clients.push_back(c.name);
  for (const testcases::TestCase* t : o.tests) spec.tests.push_back(t->name);
  for (const testcases::Measurement* m : o.measurements) spec.measurements.push_back(m->test.name);
  return spec;
}

uint64_t CellSeed(uint64_t run_seed, const std::string& server, const std::string& client, const std::string& test) {
  // FNV-1a over the coordinates, then mixed with the run seed (splitmix64 finalizer).
  uint64_t h = 1469598103934665603ull;
  for (const std::string* part : {&server, &client, &test}) {
    for (char c : *part) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  uint64_t z = h ^ run_seed;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

results::RunResults RunMatrix(const MatrixOptions& o, const std::atomic<bool>& interrupted, const CellDone& on_done,
                              const CellStarted& on_start, const MeasurementDone& on_measurement) {
  results::RunResults run;
  run.start_time = o.earlier != nullptr ? o.earlier->start_time : Now();
  if (o.earlier != nullptr) {
    run.cells = o.earlier->cells;
    run.measurements = o.earlier->measurements;
    run.noncompliant = o.earlier->noncompliant;
  }
  run.plan = o.plan;
  run.log_dir = o.log_dir;
  run.seed = o.seed;
  for (const Implementation& s : o.servers) run.servers.push_back(s.name);
  for (const Implementation& c : o.clients) run.clients.push_back(c.name);
  for (const auto* impls : {&o.servers, &o.clients}) {
    for (const Implementation& i : *impls) {
      run.urls[i.name] = i.url;
      if (!i.version.empty()) run.versions[i.name] = i.version;
    }
  }
  for (const testcases::TestCase* t : o.tests) run.tests.push_back({t->name, t->abbr, t->desc});
  for (const testcases::Measurement* m : o.measurements) {
    run.measurement_tests.push_back({m->test.name, m->test.abbr, m->test.desc});
  }

  std::vector<PlannedCell> cells = Plan(o);
  if (o.jobs != 1) {
    // Longest time limits first (50 handshakes through loss take minutes), so that the
    // longest cells do not start last and leave the machine to wait on one of them;
    // measurements last, where their running alone holds up no test cell.
    auto rank = [](const PlannedCell& c) { return c.measurement != nullptr ? std::chrono::seconds(-1) : c.test->timeout; };
    std::stable_sort(cells.begin(), cells.end(),
                     [&](const PlannedCell& a, const PlannedCell& b) { return rank(a) > rank(b); });
  }
  const AdmissionPolicy policy = AdmissionPolicy::ForJobs(o.jobs);
  Admission admission(policy);
  const std::string scratch = o.scratch_root + "/qir-run-" + RunId();
  std::atomic<size_t> next{0};
  std::mutex mu;
  ComplianceCache compliance;
  ExclusiveGate gate;
  auto PairCompliant = [&](const PlannedCell& c, size_t i) {
    const std::string where = scratch + "/compliance-" + std::to_string(i);
    const std::string prefix = "qir-" + RunId() + "-" + std::to_string(i);
    const std::string logs = o.log_dir + "/compliance";
    return compliance.Get(*c.server, "server", where + "-s", prefix + "s", o.qir_binary, logs).compliant &&
           compliance.Get(*c.client, "client", where + "-c", prefix + "c", o.qir_binary, logs).compliant;
  };
  auto worker = [&] {
    for (size_t i = next++; i < cells.size() && !interrupted; i = next++) {
      const PlannedCell& c = cells[i];
      ExclusiveGate::Hold hold(gate, /*exclusive=*/c.measurement != nullptr);
      if (o.check_compliance && !PairCompliant(c, i)) continue;
      // Measurements hold the gate alone; every other cell also waits its turn to start.
      if (c.measurement == nullptr && !admission.Enter(interrupted)) break;
      struct Leave {
        Admission* a;
        ~Leave() {
          if (a != nullptr) a->Leave();
        }
      } leave{c.measurement == nullptr ? &admission : nullptr};
      if (on_start) {
        std::lock_guard<std::mutex> lock(mu);
        on_start({c.server->name, c.client->name, c.test->name});
      }
      const std::string rel = c.server->name + "_" + c.client->name + "/" + c.test->name;
      CellSpec spec{.server = c.server, .client = c.client, .test = c.test,
                    .log_dir = o.log_dir + "/" + rel, .relative_log = rel,
                    .work_dir = scratch + "/" + std::to_string(i),
                    .netns_prefix = "qir-" + RunId() + "-" + std::to_string(i),
                    .qir_binary = o.qir_binary,
                    .seed = CellSeed(o.seed, c.server->name, c.client->name, c.test->name),
                    .scenario = o.scenario,
                    .keep_files_on_failure = o.keep_files_on_failure,
                    .replay_args = ReplayArgs(o, c)};
      if (c.measurement != nullptr) {
        results::MeasurementResult result = RunMeasurement({.measurement = c.measurement, .cell = spec}, interrupted);
        if (interrupted && StoppedByInterrupt(result)) continue;  // a resume measures the pair again
        std::lock_guard<std::mutex> lock(mu);
        run.measurements.push_back(result);
        run.end_time = Now();
        if (on_measurement) on_measurement(result, run);
        continue;
      }
      results::CellResult result = RunCellWithRetries(spec, o.retries, interrupted);
      if (interrupted && StoppedByInterrupt(result)) continue;  // not finished: a resume runs it again
      std::lock_guard<std::mutex> lock(mu);
      run.cells.push_back(result);
      run.end_time = Now();
      if (on_done) on_done(result, run);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < policy.ceiling; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  netns::AwaitBackgroundTeardowns();  // no namespace outlives the run
  (void)util::RemoveTree(scratch);
  for (const auto& [name, why] : compliance.NonCompliant()) run.noncompliant[name] = why;
  run.peak_cells = admission.peak();
  run.end_time = Now();
  return run;
}

}  // namespace qir::runner
