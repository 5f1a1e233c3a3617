// Renders the interop matrix as a GitHub-flavoured Markdown table, the same layout as the
// terminal matrix (interop-runner-facts.md §3, CLI flag -m/--markdown): servers as columns,
// clients as rows, ✓/?/✕ groups of test abbreviations separated by <br>.
#include "report/markdown.h"

#include <string_view>

#include "report/matrix_cells.h"
#include "report/xml_text.h"

namespace qir::report {

std::string MarkdownEscape(std::string_view text) {
  std::string out;
  for (char c : OneLine(text)) {
    if (c == '|' || c == '\\') out += '\\';  // GFM table cell separators and escapes
    out += c;
  }
  return XmlEscape(out);  // inline HTML is rendered in GFM, so markup characters are entities
}

namespace {

std::string Header(const results::RunResults& run) {
  std::string names = "| client \\\\ server |";
  std::string rule = "|---|";
  for (const std::string& server : run.servers) {
    names += " " + MarkdownEscape(server) + " |";
    rule += "---|";
  }
  return names + "\n" + rule + "\n";
}

std::string Cell(const CellIndex& index, const std::string& server, const std::string& client) {
  std::string out;
  for (const CellGroup& group : index.Groups(server, client)) {
    if (!out.empty()) out += "<br>";
    out += MarkdownEscape(GroupText(group));
  }
  return out.empty() ? "-" : out;
}

std::string Legend(const results::RunResults& run, const CellIndex& index) {
  std::string out = "✓ succeeded, ? unsupported, ✕ failed (including timeout, crashed and error).";
  if (!index.Flaky().empty()) out += std::string(" ~ ") + FlakyLegend() + ".";
  if (!index.AutoUnsupported().empty()) out += std::string(" ‽ ") + AutoUnsupportedLegend() + ".";
  for (size_t i = 0; i < run.tests.size(); ++i) {
    out += i == 0 ? " " : ", ";
    out += "**" + MarkdownEscape(run.tests[i].abbr) + "** = " + MarkdownEscape(run.tests[i].name);
  }
  return out + "\n";
}

/// What each stack's build made, when the run knows it: a matrix is only as
/// meaningful as the releases in it.
std::string Versions(const results::RunResults& run) {
  if (run.versions.empty()) return "";
  std::string out = "\nBuilt:";
  const char* separator = " ";
  for (const auto& [name, version] : run.versions) {
    out += separator + ("**" + MarkdownEscape(name) + "** " + MarkdownEscape(version));
    separator = "; ";
  }
  return out + ".\n";
}

}  // namespace

std::string MarkdownMatrix(const results::RunResults& run) {
  const CellIndex index(run);
  std::string out = Header(run);
  for (const std::string& client : run.clients) {
    out += "| **" + MarkdownEscape(client) + "** |";
    for (const std::string& server : run.servers) out += " " + Cell(index, server, client) + " |";
    out += "\n";
  }
  return out + "\n" + Legend(run, index) + Versions(run);
}

}  // namespace qir::report
