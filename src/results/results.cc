// Names and look-ups for the plain result model (results.h).
#include "results/results.h"

#include <algorithm>

namespace qir::results {

const char* ReferenceStatus(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSucceeded:
      return "succeeded";
    case Outcome::kUnsupported:
      return "unsupported";
    case Outcome::kFailed:
    case Outcome::kTimeout:
    case Outcome::kError:
    case Outcome::kCrashed:
      return "failed";
  }
  return "failed";
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSucceeded:
      return "succeeded";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kUnsupported:
      return "unsupported";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kError:
      return "error";
    case Outcome::kCrashed:
      return "crashed";
  }
  return "error";
}

std::optional<Outcome> ParseOutcome(const std::string& name) {
  for (Outcome o : {Outcome::kSucceeded, Outcome::kFailed, Outcome::kUnsupported, Outcome::kTimeout,
                    Outcome::kError, Outcome::kCrashed}) {
    if (name == OutcomeName(o)) return o;
  }
  return std::nullopt;
}

const CellResult* RunResults::Find(const std::string& server, const std::string& client,
                                   const std::string& test) const {
  for (const CellResult& cell : cells) {
    if (cell.server == server && cell.client == client && cell.test == test) return &cell;
  }
  return nullptr;
}

bool RunResults::Has(const std::string& server, const std::string& client, const std::string& test) const {
  if (Find(server, client, test) != nullptr) return true;
  return std::any_of(measurements.begin(), measurements.end(), [&](const MeasurementResult& m) {
    return m.server == server && m.client == client && m.test == test;
  });
}

int RunResults::FailedCount() const {
  int n = 0;
  for (const CellResult& cell : cells) {
    if (std::string(ReferenceStatus(cell.outcome)) == "failed") ++n;
  }
  return n;
}

}  // namespace qir::results
