// The test-case table (registry.h).
#include "testcases/registry.h"

namespace qir::testcases {

const std::vector<const TestCase*>& AllTestCases() {
  // The reference's order (testcases_quic.py), then versionnegotiation, which it disables.
  static const std::vector<const TestCase*> kAll = {
      &kHandshake,   &kTransfer,           &kLongRtt,          &kChaCha20,
      &kMultiplexing, &kRetry,             &kResumption,       &kZeroRtt,
      &kHttp3,       &kBlackhole,          &kKeyUpdate,        &kEcn,
      &kAmplificationLimit, &kHandshakeLoss, &kTransferLoss,   &kHandshakeCorruption,
      &kTransferCorruption, &kIpv6,        &kV2,               &kRebindPort,
      &kRebindAddr,  &kConnectionMigration, &kVersionNegotiation,
  };
  return kAll;
}

const TestCase* FindTestCase(const std::string& name) {
  for (const TestCase* t : AllTestCases()) {
    if (name == t->name) return t;
  }
  return nullptr;
}

}  // namespace qir::testcases
