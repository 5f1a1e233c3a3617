// The matrix as JUnit XML, so CI systems (GitLab, Jenkins, GitHub test reporters) show interop
// results natively: one <testsuite> per pair, one <testcase> per cell.
#pragma once

#include <string>

#include "results/results.h"

namespace qir::report {

/// <testsuites name="qir"> with one <testsuite name="<server>_<client>"> per pair that ran
/// (clients, then servers, in matrix order) and in it one <testcase name="<test>"
/// classname="<server>_<client>" time="<duration_s>"> per cell in test order: a failed or
/// timed-out cell has <failure type="failed|timeout" message="<reason>">, an error cell
/// <error type="error">, an unsupported one <skipped message="<reason>">; a cell the
/// auto-unsupported rule rewrote is skipped with type "auto-unsupported". Counts in every
/// suite. Ends with a newline.
std::string JunitXml(const results::RunResults& run);

}  // namespace qir::report
