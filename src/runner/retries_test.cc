// Tests for the retry rules: which outcomes run again and that each attempt has its own seed.
#include "runner/retries.h"

#include <gtest/gtest.h>

namespace qir::runner {
namespace {

using results::Outcome;

TEST(RetriesTest, WhatRunsAgain) {
  EXPECT_TRUE(Retryable(Outcome::kFailed));
  EXPECT_TRUE(Retryable(Outcome::kTimeout));
  EXPECT_TRUE(Retryable(Outcome::kError));
  EXPECT_FALSE(Retryable(Outcome::kSucceeded));
  EXPECT_FALSE(Retryable(Outcome::kUnsupported));
  EXPECT_FALSE(Retryable(Outcome::kCrashed));  // a crash is a finding, not bad luck
}

TEST(RetriesTest, EachAttemptHasItsOwnSeed) {
  EXPECT_EQ(AttemptSeed(1234, 1), 1234u);
  EXPECT_NE(AttemptSeed(1234, 2), 1234u);
  EXPECT_NE(AttemptSeed(1234, 2), AttemptSeed(1234, 3));
  EXPECT_EQ(AttemptSeed(1234, 2), AttemptSeed(1234, 2));  // replayable
}

}  // namespace
}  // namespace qir::runner
