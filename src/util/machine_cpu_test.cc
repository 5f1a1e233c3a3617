#include "util/machine_cpu.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace qir::util {
namespace {

double Ticks(long long n) { return static_cast<double>(n) / static_cast<double>(sysconf(_SC_CLK_TCK)); }

TEST(MachineCpu, ParsesTheAggregateLine) {
  const auto cpu = ParseProcStat("cpu  100 5 20 400 30 1 2 3 0 0\ncpu0 50 2 10 200 15 0 1 1 0 0\n");
  ASSERT_TRUE(cpu);
  EXPECT_DOUBLE_EQ(cpu->busy_seconds, Ticks(100 + 5 + 20 + 1 + 2 + 3));
  EXPECT_DOUBLE_EQ(cpu->idle_seconds, Ticks(400 + 30));
}

TEST(MachineCpu, OldKernelsWithFourFields) {
  const auto cpu = ParseProcStat("cpu 1 2 3 4\n");
  ASSERT_TRUE(cpu);
  EXPECT_DOUBLE_EQ(cpu->idle_seconds, Ticks(4));
}

TEST(MachineCpu, RejectsWhatIsNotTheCpuLine) {
  EXPECT_FALSE(ParseProcStat(""));
  EXPECT_FALSE(ParseProcStat("cpu0 1 2 3 4\n"));
  EXPECT_FALSE(ParseProcStat("cpu 1 2\n"));
  EXPECT_FALSE(ParseProcStat("cpu 1 2 x 4\n"));
  EXPECT_FALSE(ParseProcStat("cpu 1 2 -3 4\n"));
}

TEST(MachineCpu, IdleCpusOverAnInterval) {
  const MachineCpu before{.busy_seconds = 10, .idle_seconds = 20};
  const MachineCpu after{.busy_seconds = 10.5, .idle_seconds = 21.5};
  EXPECT_DOUBLE_EQ(IdleCpus(before, after, 1.0), 1.5);
  EXPECT_DOUBLE_EQ(IdleCpus(before, after, 0), 0);
  EXPECT_DOUBLE_EQ(IdleCpus(after, before, 1.0), 0);  // a counter that went back: no idle time
}

TEST(MachineCpu, ReadsThisMachine) {
  const auto cpu = ReadMachineCpu();
  ASSERT_TRUE(cpu);
  EXPECT_GT(cpu->busy_seconds + cpu->idle_seconds, 0);
}

}  // namespace
}  // namespace qir::util
