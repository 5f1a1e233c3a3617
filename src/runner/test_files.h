// The random files a test serves: names and contents drawn from a seeded RNG,
// so a cell can be reproduced from the run's seed.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "testcases/test_case.h"
#include "util/result.h"

namespace qir::runner {

/// Writes one file per size in `files` into `dir` and returns their names in order.
Result<std::vector<std::string>> GenerateFiles(const std::string& dir, const testcases::FileSet& files,
                                               std::mt19937_64& rng);

/// A readable random name such as "tovakemi-ruposa" (never repeats within a call).
std::string RandomSlug(std::mt19937_64& rng);

}  // namespace qir::runner
