// Auto-unsupported post-processing (auto_unsupported.h).
#include "runner/auto_unsupported.h"

#include <vector>

namespace qir::runner {
namespace {

using results::CellResult;
using results::Outcome;

bool NotSucceeded(const CellResult& c) { return c.outcome != Outcome::kSucceeded; }

/// Cells of `test` where `impl` plays `as_client ? client : server`.
std::vector<CellResult*> CellsOf(results::RunResults* run, const std::string& impl, const std::string& test,
                                 bool as_client) {
  std::vector<CellResult*> out;
  for (CellResult& c : run->cells) {
    if (c.test == test && (as_client ? c.client : c.server) == impl) out.push_back(&c);
  }
  return out;
}

int MarkSide(results::RunResults* run, const std::set<std::string>& exempt, bool as_client) {
  const std::vector<std::string>& peers = as_client ? run->servers : run->clients;
  const std::vector<std::string>& selves = as_client ? run->clients : run->servers;
  if (peers.size() <= 1) return 0;  // one peer: a failure may be the peer's fault
  int changed = 0;
  for (const std::string& self : selves) {
    if (exempt.count(self)) continue;
    for (const results::TestInfo& test : run->tests) {
      std::vector<CellResult*> cells = CellsOf(run, self, test.name, as_client);
      if (cells.size() != peers.size()) continue;  // not run against every peer
      bool all_bad = true;
      for (CellResult* c : cells) all_bad = all_bad && NotSucceeded(*c);
      if (!all_bad) continue;
      for (CellResult* c : cells) {
        if (c->outcome == Outcome::kUnsupported) continue;
        c->original_outcome = c->outcome;  // reports mark the cell as rewritten
        c->reason = std::string("auto-unsupported: ") + (as_client ? "client " : "server ") + self +
                    " did not succeed against any " + (as_client ? "server" : "client") + "; was " +
                    results::OutcomeName(c->outcome) + (c->reason.empty() ? "" : ": " + c->reason);
        c->outcome = Outcome::kUnsupported;
        ++changed;
      }
    }
  }
  return changed;
}

}  // namespace

void UndoAutoUnsupported(results::CellResult* cell) {
  if (!cell->original_outcome) return;
  // MarkSide's reason: "auto-unsupported: ...; was <outcome>[: <original reason>]".
  const std::string was = std::string("; was ") + results::OutcomeName(*cell->original_outcome);
  const size_t at = cell->reason.find(was);
  std::string reason;
  if (at != std::string::npos && cell->reason.compare(at + was.size(), 2, ": ") == 0) {
    reason = cell->reason.substr(at + was.size() + 2);
  }
  cell->outcome = *cell->original_outcome;
  cell->reason = reason;
  cell->original_outcome.reset();
}

int ApplyAutoUnsupported(results::RunResults* run, const std::set<std::string>& exempt) {
  return MarkSide(run, exempt, /*as_client=*/true) + MarkSide(run, exempt, /*as_client=*/false);
}

}  // namespace qir::runner
