// JUnit XML writer (junit.h). The element and attribute names are those of the common JUnit
// schema that Jenkins, GitLab and the GitHub test-report actions read: testsuites > testsuite >
// testcase, with failure / error / skipped children.
#include "report/junit.h"

#include <fmt/format.h>

#include <vector>

#include "report/xml_text.h"

namespace qir::report {
namespace {

using results::CellResult;
using results::Outcome;

/// The testcase of one cell.
std::string TestCase(const CellResult& cell, const std::string& classname) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3f}\"",
                                XmlEscape(cell.test), XmlEscape(classname), cell.duration_s);
  const std::string reason = XmlEscape(cell.reason.empty() ? "no reason given" : cell.reason);
  switch (cell.outcome) {
    case Outcome::kSucceeded:
      return out + "/>\n";
    case Outcome::kUnsupported:
      return out + fmt::format(">\n      <skipped type=\"{}\" message=\"{}\"/>\n    </testcase>\n",
                               cell.AutoUnsupported() ? "auto-unsupported" : "unsupported", reason);
    case Outcome::kError:
      return out + fmt::format(
                       ">\n      <error type=\"error\" message=\"{0}\">{0}</error>\n"
                       "    </testcase>\n",
                       reason);
    case Outcome::kFailed:
    case Outcome::kTimeout:
    case Outcome::kCrashed:
      break;
  }
  return out + fmt::format(
                   ">\n      <failure type=\"{0}\" message=\"{1}\">{1}</failure>\n"
                   "    </testcase>\n",
                   results::OutcomeName(cell.outcome), reason);
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;

  void Add(const CellResult& cell) {
    ++tests;
    failures += cell.outcome == Outcome::kFailed || cell.outcome == Outcome::kTimeout || cell.outcome == Outcome::kCrashed;
    errors += cell.outcome == Outcome::kError;
    skipped += cell.outcome == Outcome::kUnsupported;
    time += cell.duration_s;
  }
  std::string Attributes() const {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3f}\"",
                       tests, failures, errors, skipped, time);
  }
};

}  // namespace

std::string JunitXml(const results::RunResults& run) {
  Counts total;
  std::string suites;
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      const std::string classname = server + "_" + client;
      Counts counts;
      std::string cases;
      for (const results::TestInfo& test : run.tests) {
        const CellResult* cell = run.Find(server, client, test.name);
        if (cell == nullptr) continue;
        counts.Add(*cell);
        total.Add(*cell);
        cases += TestCase(*cell, classname);
      }
      if (counts.tests == 0) continue;  // the pair did not run
      suites += fmt::format("  <testsuite name=\"{}\" {}>\n{}  </testsuite>\n",
                            XmlEscape(classname), counts.Attributes(), cases);
    }
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
         fmt::format("<testsuites name=\"qir\" {}>\n", total.Attributes()) + suites +
         "</testsuites>\n";
}

}  // namespace qir::report
