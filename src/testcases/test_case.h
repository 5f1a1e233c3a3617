// What a test case is: the data a cell needs (TESTCASE values, scenario, files,
// timeout, certificate chain) and one check over the two traces and the files.
// Test cases read like their description; see handshake.cc and transfer.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace qir::testcases {

/// A test's verdict on one cell, with the reason a person needs.
struct Verdict {
  enum class Kind {
    kPassed,       ///< every check held
    kFailed,       ///< a check did not hold; `reason` names it
    kUnsupported,  ///< the test cannot be decided for these endpoints (e.g. no usable key log)
  };
  Kind kind = Kind::kFailed;
  std::string reason;  ///< one line; empty when passed

  static Verdict Passed() { return {Kind::kPassed, {}}; }
  static Verdict Failed(std::string why) { return {Kind::kFailed, std::move(why)}; }
  static Verdict Unsupported(std::string why) { return {Kind::kUnsupported, std::move(why)}; }
  bool passed() const { return kind == Kind::kPassed; }
};

/// Everything a check may look at, after both endpoints have finished.
struct CheckInput {
  const trace::Trace* client_side = nullptr;  ///< trace_node_left: client's view (client pkts before impairment)
  const trace::Trace* server_side = nullptr;  ///< trace_node_right: server's view
  std::string www_dir;                        ///< files the server served
  std::string downloads_dir;                  ///< what the client saved
  std::vector<std::string> files;             ///< names that were requested, in order
  bool have_keys = false;                     ///< a usable key log decrypted the traces (see NeedKeys)
};

/// The files a test transfers.
struct FileSet {
  std::vector<uint64_t> sizes;  ///< bytes of each file (KiB = 1024)
  size_t name_length = 0;       ///< 0 = random readable name; N = N random lowercase letters
};

/// One test case of the matrix.
struct TestCase {
  const char* name;             ///< matrix name, e.g. "handshake"
  const char* abbr;             ///< matrix abbreviation, e.g. "H"
  const char* desc;             ///< one sentence
  const char* server_testcase;  ///< TESTCASE value the server sees
  const char* client_testcase;  ///< TESTCASE value the client sees
  const char* scenario;         ///< simulator scenario, the reference's syntax (parsed by src/sim)
  std::chrono::seconds timeout; ///< wall-clock limit for the client
  FileSet files;
  int cert_chain_length = 1;    ///< certificates below the root: 1 = the root signs the leaf
  const char* url_prefix = "https://server4:443/";
  Verdict (*check)(const CheckInput& in);
};

/// The reference's default link: 15 ms one way, 10 Mbit/s, 25-packet queue.
inline constexpr const char* kDefaultScenario = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25";
/// The reference's default per-test limit.
inline constexpr std::chrono::seconds kDefaultTimeout{60};
inline constexpr uint64_t kKiB = 1024;
inline constexpr uint64_t kMiB = 1024 * 1024;

}  // namespace qir::testcases
