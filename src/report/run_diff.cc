// Run-to-run diff (run_diff.h).
#include "report/run_diff.h"

#include <algorithm>

#include "report/markdown.h"

namespace qir::report {
namespace {

using results::RunResults;

constexpr ChangeKind kKinds[] = {ChangeKind::kNewlyFailing, ChangeKind::kNewlyPassing,
                                 ChangeKind::kToUnsupported, ChangeKind::kFromUnsupported};

const char* KindTitle(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kNewlyFailing:
      return "newly failing";
    case ChangeKind::kNewlyPassing:
      return "newly passing";
    case ChangeKind::kToUnsupported:
      return "now unsupported";
    case ChangeKind::kFromUnsupported:
      return "no longer unsupported";
  }
  return "";
}

/// ‽ is a failure the auto-unsupported rule relabelled; for the diff it is one.
bool Failing(Mark mark) { return mark == Mark::kFailed || mark == Mark::kAutoUnsupported; }

/// The kind of change from `before` to `after`, false when the verdict is the same.
bool Classify(Mark before, Mark after, ChangeKind* kind) {
  if (before == after || (Failing(before) && Failing(after))) return false;
  if (after == Mark::kUnsupported) {
    *kind = ChangeKind::kToUnsupported;
  } else if (before == Mark::kUnsupported) {
    *kind = ChangeKind::kFromUnsupported;
  } else {
    *kind = after == Mark::kSucceeded ? ChangeKind::kNewlyPassing : ChangeKind::kNewlyFailing;
  }
  return true;
}

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

NameChanges CompareNames(const std::vector<std::string>& base,
                         const std::vector<std::string>& next) {
  NameChanges out;
  for (const std::string& name : next) {
    if (!Contains(base, name)) out.added.push_back(name);
  }
  for (const std::string& name : base) {
    if (!Contains(next, name)) out.removed.push_back(name);
  }
  return out;
}

std::vector<std::string> TestNames(const RunResults& run) {
  std::vector<std::string> names;
  for (const results::TestInfo& test : run.tests) names.push_back(test.name);
  return names;
}

/// Cells of `from` missing in `other`, where `other` has the cell's server, client and test.
std::vector<std::string> MissingCells(const RunResults& from, const RunResults& other) {
  const CellIndex index(other);
  const std::vector<std::string> other_tests = TestNames(other);
  std::vector<std::string> out;
  for (const std::string& client : from.clients) {
    for (const std::string& server : from.servers) {
      for (const results::TestInfo& test : from.tests) {
        if (from.Find(server, client, test.name) == nullptr) continue;
        if (!Contains(other.servers, server) || !Contains(other.clients, client) ||
            !Contains(other_tests, test.name)) {
          continue;  // reported as an added or removed name
        }
        if (index.Find(server, client, test.name) == nullptr) {
          out.push_back(server + " × " + client + " " + test.name);
        }
      }
    }
  }
  return out;
}

std::string Summary(const RunDiff& diff) {
  std::string out;
  for (ChangeKind kind : kKinds) {
    if (!out.empty()) out += ", ";
    out += std::to_string(diff.Of(kind).size()) + " " + KindTitle(kind);
  }
  return out + ", " + std::to_string(diff.unchanged) + " unchanged";
}

/// "servers added: a, b" lines for the text output; Markdown bullets when `markdown`.
std::string NameLines(const RunDiff& diff, bool markdown) {
  struct Row {
    const char* what;
    const NameChanges* names;
  };
  const Row rows[] = {
      {"servers", &diff.servers}, {"clients", &diff.clients}, {"tests", &diff.tests}};
  std::string out;
  auto line = [&](const std::string& title, const std::vector<std::string>& names) {
    if (names.empty()) return;
    std::string joined;
    for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + OneLine(name);
    out += (markdown ? "- " : "") + title + ": " + joined + "\n";
  };
  for (const Row& row : rows) {
    line(std::string(row.what) + " added", row.names->added);
    line(std::string(row.what) + " removed", row.names->removed);
  }
  line("cells only in the new run", diff.cells_added);
  line("cells only in the base run", diff.cells_removed);
  return out;
}

}  // namespace

std::vector<const CellChange*> RunDiff::Of(ChangeKind kind) const {
  std::vector<const CellChange*> out;
  for (const CellChange& change : changes) {
    if (change.kind == kind) out.push_back(&change);
  }
  return out;
}

bool RunDiff::Regressed() const { return !Of(ChangeKind::kNewlyFailing).empty(); }

RunDiff DiffRuns(const RunResults& base, const RunResults& next) {
  RunDiff diff;
  diff.servers = CompareNames(base.servers, next.servers);
  diff.clients = CompareNames(base.clients, next.clients);
  diff.tests = CompareNames(TestNames(base), TestNames(next));
  diff.cells_added = MissingCells(next, base);
  diff.cells_removed = MissingCells(base, next);
  const CellIndex base_index(base);
  for (const std::string& client : next.clients) {
    for (const std::string& server : next.servers) {
      for (const results::TestInfo& test : next.tests) {
        const results::CellResult* after = next.Find(server, client, test.name);
        const results::CellResult* before = base_index.Find(server, client, test.name);
        if (after == nullptr || before == nullptr) continue;
        CellChange change{.server = server,
                          .client = client,
                          .test = test.name,
                          .before = MarkOf(*before),
                          .after = MarkOf(*after),
                          .reason = after->reason};
        if (Classify(change.before, change.after, &change.kind)) {
          diff.changes.push_back(std::move(change));
        } else {
          ++diff.unchanged;
        }
      }
    }
  }
  return diff;
}

std::string DiffText(const RunDiff& diff) {
  std::string out = "qir diff: " + Summary(diff) + "\n";
  for (ChangeKind kind : kKinds) {
    const std::vector<const CellChange*> changes = diff.Of(kind);
    if (changes.empty()) continue;
    out += std::string(KindTitle(kind)) + " (" + std::to_string(changes.size()) + "):\n";
    for (const CellChange* c : changes) {
      out += "  " + std::string(MarkSymbol(c->before)) + " → " + MarkSymbol(c->after) + "  " +
             OneLine(c->server) + " × " + OneLine(c->client) + "  " + OneLine(c->test);
      if (!c->reason.empty()) out += ": " + TruncateColumns(OneLine(c->reason), 160);
      out += "\n";
    }
  }
  return out + NameLines(diff, /*markdown=*/false);
}

std::string DiffMarkdown(const RunDiff& diff) {
  std::string out = std::string("### Interop matrix: ") +
                    (diff.Regressed() ? "regressions" : "no regressions") + "\n\n" + Summary(diff) +
                    ".\n";
  for (ChangeKind kind : kKinds) {
    const std::vector<const CellChange*> changes = diff.Of(kind);
    if (changes.empty()) continue;
    out += "\n**" + std::string(KindTitle(kind)) + "** (" + std::to_string(changes.size()) +
           ")\n\n| server | client | test | was | now | reason |\n|---|---|---|---|---|---|\n";
    for (const CellChange* c : changes) {
      out += "| " + MarkdownEscape(c->server) + " | " + MarkdownEscape(c->client) + " | " +
             MarkdownEscape(c->test) + " | " + MarkSymbol(c->before) + " | " +
             MarkSymbol(c->after) + " | " + MarkdownEscape(TruncateColumns(c->reason, 300)) +
             " |\n";
    }
  }
  const std::string names = NameLines(diff, /*markdown=*/true);
  if (!names.empty()) out += "\n" + names;
  return out +
         "\n✓ succeeded, ? unsupported, ‽ unsupported by the auto-unsupported rule (was ✕), " +
         "✕ failed.\n";
}

}  // namespace qir::report
