// Resume points (resume.h).
#include "runner/resume.h"

#include <set>

#include "runner/auto_unsupported.h"

namespace qir::runner {

bool StoppedByInterrupt(const results::CellResult& cell) {
  return cell.outcome == results::Outcome::kError && cell.reason == "interrupted";  // cell.cc's Ending
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
  ResumePoint point;
  earlier.cells = std::move(kept);
  point.earlier = std::move(earlier);
  for (const plan::CellKey& key : planned) {
    if (have.count(key) == 0) point.remaining.push_back(key);
  }
  return point;
}

}  // namespace qir::runner
