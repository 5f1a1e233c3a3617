// All test cases and measurements, in the reference's run order (one table each, like
// ninja's kTools[]).
#pragma once

#include <string>
#include <vector>

#include "testcases/measurements.h"
#include "testcases/test_case.h"

namespace qir::testcases {

extern const TestCase kHandshake;
extern const TestCase kTransfer;
extern const TestCase kLongRtt;
extern const TestCase kChaCha20;
extern const TestCase kMultiplexing;
extern const TestCase kRetry;
extern const TestCase kResumption;
extern const TestCase kZeroRtt;
extern const TestCase kHttp3;
extern const TestCase kBlackhole;
extern const TestCase kKeyUpdate;
extern const TestCase kEcn;
extern const TestCase kAmplificationLimit;
extern const TestCase kHandshakeLoss;
extern const TestCase kTransferLoss;
extern const TestCase kHandshakeCorruption;
extern const TestCase kTransferCorruption;
extern const TestCase kIpv6;
extern const TestCase kV2;
extern const TestCase kRebindPort;
extern const TestCase kRebindAddr;
extern const TestCase kConnectionMigration;
extern const TestCase kVersionNegotiation;

extern const Measurement kGoodput;
extern const Measurement kCrossTraffic;
extern const Measurement kGoodput100m;
extern const Measurement kGoodput1g;

/// Every test case qir knows, in run order.
const std::vector<const TestCase*>& AllTestCases();
/// The test named `name` (matrix name), or nullptr.
const TestCase* FindTestCase(const std::string& name);
/// Every measurement, the reference's two first; then the one named `name`, or nullptr.
const std::vector<const Measurement*>& AllMeasurements();
const Measurement* FindMeasurement(const std::string& name);

}  // namespace qir::testcases
