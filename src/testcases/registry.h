// All test cases, in the reference's run order (one table, like ninja's kTools[]).
#pragma once

#include <string>
#include <vector>

#include "testcases/test_case.h"

namespace qir::testcases {

extern const TestCase kHandshake;
extern const TestCase kTransfer;

/// Every test case qir knows, in run order.
const std::vector<const TestCase*>& AllTestCases();
/// The test named `name` (matrix name), or nullptr.
const TestCase* FindTestCase(const std::string& name);

}  // namespace qir::testcases
