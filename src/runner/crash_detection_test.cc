// Tests for crash detection: signals qir did not send, shells passing a crash on, and
// crash reports in an endpoint's output — and the endings that are not crashes.
#include "runner/crash_detection.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_file.h"

namespace qir::runner {
namespace {

util::ExitInfo Exit(int code) { return {.code = code, .signal = 0}; }
util::ExitInfo Killed(int sig) { return {.code = -1, .signal = sig}; }

class CrashReasonTest : public ::testing::Test {
 protected:
  std::string Output(const std::string& text) {
    std::ofstream(path_) << text;
    return path_;
  }
  std::string path_ = ::testing::TempDir() + "/crash_detection_output.log";
};

TEST_F(CrashReasonTest, SignalsQirDidNotSend) {
  const std::string quiet = Output("all fine\n");
  EXPECT_EQ(CrashReason("server", {Killed(SIGSEGV), false}, quiet), "server killed by SIGSEGV");
  EXPECT_EQ(CrashReason("client", {Killed(SIGABRT), true}, quiet), "client killed by SIGABRT");  // crashed while stopping
  EXPECT_EQ(CrashReason("client", {Killed(SIGTERM), false}, quiet), "client killed by SIGTERM");  // not ours
  EXPECT_EQ(CrashReason("server", {Killed(SIGTERM), true}, quiet), std::nullopt);  // the stop qir sent
  EXPECT_EQ(CrashReason("server", {Killed(SIGKILL), true}, quiet), std::nullopt);
  EXPECT_EQ(CrashReason("client", {Exit(0), false}, quiet), std::nullopt);
  EXPECT_EQ(CrashReason("client", {Exit(1), false}, quiet), std::nullopt);  // a failure, not a crash
  EXPECT_EQ(CrashReason("client", {Exit(127), false}, quiet), std::nullopt);
}

TEST_F(CrashReasonTest, ShellPassesTheCrashOn) {
  const std::string quiet = Output("");
  EXPECT_EQ(CrashReason("client", {Exit(139), false}, quiet),
            "client exit 139 (128 + SIGSEGV: its program crashed)");
  EXPECT_EQ(CrashReason("client", {Exit(130), false}, quiet), std::nullopt);  // 128 + SIGINT
}

TEST_F(CrashReasonTest, ReportsInTheOutput) {
  EXPECT_EQ(CrashReason("client", {Exit(0), false},
                        Output("starting\nthread 'tokio-runtime-worker' panicked at src/client.rs:41:9:\nboom\n")),
            "client: thread 'tokio-runtime-worker' panicked at src/client.rs:41:9:");
  EXPECT_EQ(CrashReason("server", {Killed(SIGTERM), true},
                        Output("==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020\n")),
            "server: ==123==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020");
}

TEST(FirstCrashLineTest, Markers) {
  EXPECT_EQ(FirstCrashLine("x\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\n"),
            "panic: runtime error: index out of range [3] with length 3");
  EXPECT_EQ(FirstCrashLine("fatal error: concurrent map writes\n\ngoroutine 7 [running]:\n"),
            "fatal error: concurrent map writes");
  // Go's words without Go's goroutine dump: an endpoint's own message, not a crash.
  EXPECT_EQ(FirstCrashLine("fatal error: handshake did not complete\n"), std::nullopt);
  EXPECT_EQ(FirstCrashLine("conn.cc:12:3: runtime error: signed integer overflow\n"),
            "conn.cc:12:3: runtime error: signed integer overflow");
  EXPECT_EQ(FirstCrashLine("stack backtrace:\n   0: foo\n"), "stack backtrace:");
  EXPECT_EQ(FirstCrashLine("./run_endpoint.sh: line 9:  42 Segmentation fault  ./server\n"),
            "./run_endpoint.sh: line 9:  42 Segmentation fault  ./server");
  // Not crashes: the words inside ordinary log lines.
  EXPECT_EQ(FirstCrashLine("2026/12/01 connection closed: no panic: all good\n"), std::nullopt);
  EXPECT_EQ(FirstCrashLine("client: fatal error: handshake timeout\n"), std::nullopt);
  EXPECT_EQ(FirstCrashLine(""), std::nullopt);
  const std::string long_line = "panic: " + std::string(500, 'x');
  EXPECT_LT(FirstCrashLine(long_line)->size(), 210u);
}

}  // namespace
}  // namespace qir::runner
