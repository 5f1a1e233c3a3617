// The test-case table (registry.h).
#include "testcases/registry.h"

namespace qir::testcases {

const std::vector<const TestCase*>& AllTestCases() {
  static const std::vector<const TestCase*> kAll = {&kHandshake, &kTransfer};
  return kAll;
}

const TestCase* FindTestCase(const std::string& name) {
  for (const TestCase* t : AllTestCases()) {
    if (name == t->name) return t;
  }
  return nullptr;
}

}  // namespace qir::testcases
