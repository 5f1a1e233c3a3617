// `qir run`: the interop matrix. Flags follow the reference runner (run.py):
// -s servers, -c clients, -t tests, -l log dir, -j JSON, -m Markdown, -i must
// include, -f save files, -r replace images; qir adds -P (cells in parallel),
// --seed and --implementations. Exit: 0 no cell failed, 1 some did (with
// --expect FILE: some expected cell did not succeed), 2 usage or configuration
// error, 130 interrupted. Writes index.html (qir report's page) beside result.json.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/expect_gate.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/result_file.h"
#include "report/markdown.h"
#include "report/reference_json.h"
#include "report/measurement_table.h"
#include "report/terminal_matrix.h"
#include "runner/auto_unsupported.h"
#include "runner/image_endpoints.h"
#include "runner/matrix.h"
#include "runner/stale_state.h"
#include "sim/scenario.h"
#include "testcases/registry.h"
#include "util/subprocess.h"

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
  std::string junit_path;               ///< also write JUnit XML here
  std::string expect_path;              ///< expected-pass file: it alone decides the exit status
};

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

/// Writes JSON atomically (temp file + rename), so a reader never sees half a file.
void WriteJson(const std::string& path, const results::RunResults& run) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << report::ToReferenceJson(run).dump(2) << "\n";
  }
  fs::rename(tmp, path);
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
  app.add_option("-P,--parallel", f.jobs, "cells run in parallel (default: number of CPUs)")->check(CLI::Range(0, 256));
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
  app.add_option("--scenario", f.scenario, "simulator scenario for every test, overriding theirs (reference syntax)");
  app.add_option("--junit", f.junit_path, "write JUnit XML here too (one testcase per cell)");
  app.add_option("--expect", f.expect_path,
                 "expected-pass file: exit 1 only when a cell it lists did not succeed (qir expect --from)");
}

}  // namespace

int RunCommand(int argc, char** argv) {
  CLI::App app{"Run the QUIC interop matrix: servers x clients x test cases", "qir run"};
  RunFlags f;
  AddFlags(app, f);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
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
  if (fs::exists(f.log_dir)) return UsageError("run", "log folder already exists: " + f.log_dir);
  if (!f.no_build) {
    std::vector<runner::Implementation> used = *servers;
    used.insert(used.end(), clients->begin(), clients->end());
    if (Status s = BuildImplementations(used); !s.ok()) return UsageError("run", s.error().Text());
  }
  {
    image::ImageCache cache(image::DefaultCacheDir());
    for (auto* side : {&*servers, &*clients}) {
      if (Status s = runner::PrepareImages(side, cache); !s.ok()) return UsageError("run", s.error().Text());
    }
  }
  std::error_code ec;
  fs::create_directories(f.log_dir, ec);
  if (ec) return UsageError("run", "cannot create log folder " + f.log_dir + ": " + ec.message());

  if (Status s = runner::HoldRunLock(); !s.ok()) return UsageError("run", s.error().Text());
  runner::StaleCleanup stale = runner::CleanStaleState("/tmp");
  if (stale.namespaces + stale.processes + stale.folders > 0) {
    std::fprintf(stderr, "qir: cleaned up after an earlier run: %d namespace(s), %d process(es), %d folder(s)\n",
                 stale.namespaces, stale.processes, stale.folders);
  }
  if (f.seed == 0) f.seed = std::random_device{}() | (static_cast<uint64_t>(std::random_device{}()) << 32);
  if (f.jobs == 0) f.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  runner::MatrixOptions options{.servers = *servers, .clients = *clients, .tests = *tests,
                                .measurements = selection->measurements,
                                .log_dir = fs::absolute(f.log_dir).string(), .qir_binary = SelfPath(),
                                .jobs = f.jobs, .seed = f.seed, .keep_files_on_failure = f.save_files,
                                .scenario = f.scenario, .check_compliance = !f.skip_compliance,
                                .retries = f.retries, .must_include = f.must_include};
  size_t pairs = 0;
  for (const runner::Implementation& s : *servers) {
    for (const runner::Implementation& c : *clients) {
      pairs += f.must_include.empty() || s.name == f.must_include || c.name == f.must_include;
    }
  }
  const size_t total = pairs * tests->size();
  if (!selection->measurements.empty()) {
    std::fprintf(stderr, "qir: %zu measurement(s), each alone while it runs\n", pairs * selection->measurements.size());
  }
  std::fprintf(stderr, "qir: %zu cell(s), %d in parallel, seed %llu, logs in %s\n", total, f.jobs,
               static_cast<unsigned long long>(f.seed), f.log_dir.c_str());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string result_path = options.log_dir + "/result.json";
  results::RunResults run = runner::RunMatrix(options, g_interrupted, [&](const results::CellResult& c,
                                                                          const results::RunResults& so_far) {
    std::fprintf(stderr, "%s", fmt::format("[{}/{}] {} {} × {}  {}  {:.1f} s{}{}\n", so_far.cells.size(), total,
                                           Symbol(c.outcome), c.server, c.client, c.test, c.duration_s,
                                           c.reason.empty() ? "" : "  ", c.reason).c_str());
    WriteJson(result_path, so_far);
    if (!f.json_path.empty()) WriteJson(f.json_path, so_far);
  }, [&](const results::MeasurementResult& m) {
    std::fprintf(stderr, "%s", fmt::format("[measurement] {} {} × {}  {}  {}{}\n", Symbol(m.outcome), m.server,
                                           m.client, m.test, m.details, m.reason).c_str());
  });
  const auto exempt_list = SplitList(f.no_auto_unsupported);
  if (int changed = runner::ApplyAutoUnsupported(&run, {exempt_list.begin(), exempt_list.end()}); changed > 0) {
    std::fprintf(stderr, "qir: %d cell(s) marked unsupported because their endpoint succeeded against no peer "
                 "(reasons kept; -n NAME to exempt)\n", changed);
  }
  WriteJson(result_path, run);
  if (!f.json_path.empty()) WriteJson(f.json_path, run);
  // The HTML page beside result.json, and JUnit when asked; a failure here costs no results.
  if (Result<std::string> page = report::WriteHtmlReport(run, options.log_dir, options.log_dir); !page.ok()) {
    std::fprintf(stderr, "qir: %s\n", page.error().Text().c_str());
  }
  if (!f.junit_path.empty()) {
    if (Status s = report::WriteTextFile(f.junit_path, report::JunitXml(run)); !s.ok()) {
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
    std::fprintf(stderr, "qir: interrupted; %zu of %zu cell(s) finished, results in %s\n", run.cells.size(), total,
                 result_path.c_str());
    return 130;
  }
  int failed = run.FailedCount();
  if (failed > 0) std::fprintf(stderr, "qir: %d cell(s) failed\n", failed);
  if (!f.expect_path.empty()) return ReportExpectations(*expected, run, f.expect_path);
  return failed > 0 ? 1 : 0;
}

}  // namespace qir::cli
