// Resume points (resume.h).
#include "runner/resume.h"

#include <set>
#include <string>

#include "runner/auto_unsupported.h"

namespace qir::runner {

bool StoppedByInterrupt(const results::CellResult& cell) {
  return cell.outcome == results::Outcome::kError && cell.reason == "interrupted";  // cell.cc's Ending
}

bool StoppedByInterrupt(const results::MeasurementResult& m) {
  const std::string tail = ": interrupted";  // measurement.cc's repetition, cell.cc's Ending
  return m.outcome == results::Outcome::kError && m.reason.size() >= tail.size() &&
         m.reason.compare(m.reason.size() - tail.size(), tail.size(), tail) == 0;
}

ResumePoint PrepareResume(const std::vector<plan::CellKey>& planned, results::RunResults earlier) {
  const std::set<plan::CellKey> wanted(planned.begin(), planned.end());
  std::set<plan::CellKey> have;
  std::vector<results::CellResult> kept;
  for (results::CellResult& cell : earlier.cells) {
    plan::CellKey key{cell.server, cell.client, cell.test};
    if (wanted.count(key) == 0 || have.count(key) != 0 || StoppedByInterrupt(cell)) continue;
    UndoAutoUnsupported(&cell);
    have.insert(key);
    kept.push_back(std::move(cell));
  }
  std::vector<results::MeasurementResult> kept_measurements;
  for (results::MeasurementResult& m : earlier.measurements) {
    plan::CellKey key{m.server, m.client, m.test};
    if (wanted.count(key) == 0 || have.count(key) != 0 || StoppedByInterrupt(m)) continue;
    have.insert(key);
    kept_measurements.push_back(std::move(m));
  }
  ResumePoint point;
  earlier.cells = std::move(kept);
  earlier.measurements = std::move(kept_measurements);
  point.earlier = std::move(earlier);
  for (const plan::CellKey& key : planned) {
    if (have.count(key) == 0) point.remaining.push_back(key);
  }
  return point;
}

}  // namespace qir::runner
