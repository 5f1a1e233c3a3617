// connectionmigration (CM): the server offers a preferred address and the
// client moves there (RFC 9000 §9.6), validating the new path and switching
// to a fresh connection ID.
#include "testcases/checks.h"
#include "testcases/path_checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckConnectionMigration(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckTransferLike(in); !v.passed()) return v;
  if (Verdict v = CheckPathValidation(in); !v.passed()) return v;
  return CheckNewDcidPerPath(in);
}

}  // namespace

const TestCase kConnectionMigration = {
    .name = "connectionmigration",
    .abbr = "CM",
    .desc = "Client uses a new path to the server's preferred address after the handshake.",
    .server_testcase = "connectionmigration",
    .client_testcase = "transfer",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {2 * kMiB}},
    .url_prefix = "https://server46:443/",
    .check = CheckConnectionMigration,
};

}  // namespace qir::testcases
