// The static HTML report (html_report.h). The page is built here in full, so it reads without
// JavaScript; the small script in html_assets.cc only filters and opens the details view. Each
// filterable element carries data-s (server), data-c (client), data-t (test) and/or data-v
// (verdict: succeeded, unsupported, auto-unsupported, failed).
#include "report/html_report.h"

#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <map>

#include "report/html_assets.h"
#include "report/log_links.h"
#include "report/measurement_table.h"
#include "report/matrix_cells.h"
#include "report/result_file.h"
#include "report/xml_text.h"
#include "util/temp_file.h"

namespace qir::report {
namespace {

using results::CellResult;
using results::RunResults;

/// The verdict key of a mark, used as CSS class and data-v value.
const char* VerdictKey(Mark mark) {
  switch (mark) {
    case Mark::kSucceeded:
      return "succeeded";
    case Mark::kFlaky:
      return "flaky";
    case Mark::kUnsupported:
      return "unsupported";
    case Mark::kAutoUnsupported:
      return "auto-unsupported";
    case Mark::kFailed:
      return "failed";
  }
  return "failed";
}

/// The hover text of a badge: "handshake: failed — reason".
std::string Tooltip(const CellResult& cell) {
  std::string verdict = results::OutcomeName(cell.outcome);
  if (cell.original_outcome) {
    verdict = std::string("unsupported by the auto-unsupported rule, was ") +
              results::OutcomeName(*cell.original_outcome);
  }
  if (cell.Flaky()) verdict = fmt::format("succeeded on attempt {} of {}", cell.attempts, cell.attempts);
  std::string earlier;
  for (const std::string& e : cell.earlier_attempts) earlier += "; earlier: " + e;
  return cell.test + ": " + verdict + (cell.reason.empty() ? "" : " — " + cell.reason) + earlier;
}

std::string Utc(double epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&t));
  return buf;
}

/// Position of each cell in run.cells, the id of its row in the cells table.
size_t CellId(const RunResults& run, const CellResult* cell) {
  return static_cast<size_t>(cell - run.cells.data());
}

std::string Header(const RunResults& run) {
  int counts[kMarkCount] = {};
  for (const CellResult& cell : run.cells) ++counts[static_cast<int>(MarkOf(cell))];
  std::string out = "<h1>QUIC interop matrix</h1>\n<p class=\"meta\">";
  out += fmt::format("{} – {} ({:.0f} s), seed {}, logs {}.<br>", Utc(run.start_time),
                     Utc(run.end_time), run.end_time - run.start_time, run.seed,
                     XmlEscape(run.log_dir));
  out += fmt::format(
      "{} cell(s): {} ✓ succeeded, {} ~ flaky, {} ? unsupported, {} ‽ auto-unsupported, {} ✕ "
      "failed.</p>\n",
      run.cells.size(), counts[0], counts[1], counts[2], counts[3], counts[4]);
  return out;
}

std::string FilterButtons(const char* key, const char* label,
                          const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out = fmt::format("<div><span class=\"label\">{}</span>", label);
  for (const auto& [value, title] : values) {
    out += fmt::format(
        "<button type=\"button\" class=\"on\" data-key=\"{}\" data-value=\"{}\" "
        "title=\"{}\">{}</button>",
        key, XmlEscape(value), XmlEscape(title), XmlEscape(value));
  }
  return out + "</div>\n";
}

std::string Filters(const RunResults& run) {
  std::vector<std::pair<std::string, std::string>> servers, clients, tests, verdicts;
  for (const std::string& s : run.servers) servers.push_back({s, "server " + s});
  for (const std::string& c : run.clients) clients.push_back({c, "client " + c});
  for (const results::TestInfo& t : run.tests) tests.push_back({t.name, t.abbr + ": " + t.desc});
  for (int m = 0; m < kMarkCount; ++m) {
    const Mark mark = static_cast<Mark>(m);
    verdicts.push_back({VerdictKey(mark), MarkSymbol(mark)});
  }
  return "<section id=\"filters\">\n" + FilterButtons("s", "server", servers) +
         FilterButtons("c", "client", clients) + FilterButtons("t", "test", tests) +
         FilterButtons("v", "verdict", verdicts) +
         "<div><button type=\"button\" data-reset=\"all\">show all</button> <span "
         "class=\"meta\">click to hide or show, shift-click for only that one; the filters "
         "are kept in the page's address</span></div>\n</section>\n";
}

std::string Badge(const RunResults& run, const CellIndex& index, const CellResult& cell) {
  const char* verdict = VerdictKey(MarkOf(cell));
  return fmt::format(
      "<a href=\"#\" class=\"r {0}\" data-t=\"{1}\" data-v=\"{0}\" data-cell=\"{2}\" "
      "title=\"{3}\">{4}</a>",
      verdict, XmlEscape(cell.test), CellId(run, &cell), XmlEscape(Tooltip(cell)),
      XmlEscape(index.AbbrOf(cell.test)));
}

std::string MatrixCell(const RunResults& run, const CellIndex& index, const std::string& server,
                       const std::string& client) {
  std::string out = fmt::format("<td data-s=\"{}\">", XmlEscape(server));
  const std::vector<CellGroup> groups = index.Groups(server, client);
  if (groups.empty()) out += "-";
  for (const CellGroup& group : groups) {
    out +=
        fmt::format("<div class=\"group\"><span class=\"mark\">{}</span>", MarkSymbol(group.mark));
    for (const results::TestInfo& test : run.tests) {
      const CellResult* cell = index.Find(server, client, test.name);
      if (cell != nullptr && MarkOf(*cell) == group.mark) out += Badge(run, index, *cell);
    }
    out += "</div>";
  }
  return out + "</td>";
}

std::string Matrix(const RunResults& run, const CellIndex& index) {
  std::string out = "<table id=\"matrix\">\n<thead><tr><th>client \\ server</th>";
  for (const std::string& server : run.servers) {
    out += fmt::format("<th data-s=\"{0}\">{0}</th>", XmlEscape(server));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::string& client : run.clients) {
    out += fmt::format("<tr data-c=\"{0}\"><th>{0}</th>", XmlEscape(client));
    for (const std::string& server : run.servers) out += MatrixCell(run, index, server, client);
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string Legend(const RunResults& run) {
  std::string out =
      "<p class=\"legend\"><span class=\"r succeeded\">✓</span> succeeded, <span class=\"r "
      "unsupported\">?</span> unsupported (an endpoint exited 127), <span class=\"r flaky\">~</span> " +
      XmlEscape(FlakyLegend()) + ", <span class=\"r "
      "auto-unsupported\">‽</span> " +
      XmlEscape(AutoUnsupportedLegend()) +
      ", <span class=\"r failed\">✕</span> failed (including timeout, crashed and error). Hover a badge "
      "for its reason, click it for the details and logs.<br>";
  for (size_t i = 0; i < run.tests.size(); ++i) {
    out += fmt::format("{}<b>{}</b> = {}", i == 0 ? "" : ", ", XmlEscape(run.tests[i].abbr),
                       XmlEscape(run.tests[i].name));
  }
  return out + "</p>\n";
}

std::string Measurements(const RunResults& run) {
  if (run.measurements.empty()) return "";
  std::string out =
      "<h2>Measurements</h2>\n<table id=\"measurements\">\n<thead><tr><th>client "
      "\\ server</th>";
  for (const std::string& server : run.servers) {
    out += fmt::format("<th data-s=\"{0}\">{0}</th>", XmlEscape(server));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::string& client : run.clients) {
    out += fmt::format("<tr data-c=\"{0}\"><th>{0}</th>", XmlEscape(client));
    for (const std::string& server : run.servers) {
      out += fmt::format("<td data-s=\"{}\">", XmlEscape(server));
      for (const results::TestInfo& test : run.measurement_tests) {
        for (const results::MeasurementResult& m : run.measurements) {
          if (m.server != server || m.client != client || m.test != test.name) continue;
          const char* verdict = VerdictKey(MarkOf(m.outcome));
          out += fmt::format(
              "<div class=\"group\"><span class=\"r {0}\" data-v=\"{0}\" title=\"{1}: {2}\">{3}"
              "</span> {4}{5}</div>",
              verdict, XmlEscape(test.name), results::OutcomeName(m.outcome), XmlEscape(test.abbr),
              XmlEscape(m.details), LinkUtilisation(m) == "-" ? "" : " · " + XmlEscape(LinkUtilisation(m)));
        }
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string LinksHtml(const std::vector<LogLink>& links) {
  std::string out;
  for (const LogLink& link : links) {
    out += fmt::format("<a href=\"{}\">{}</a> ", XmlEscape(link.href), XmlEscape(link.label));
  }
  return out;
}

std::string CellRow(const RunResults& run, const CellIndex& index, const CellResult& cell,
                    const HtmlOptions& options) {
  const Mark mark = MarkOf(cell);
  std::string verdict = std::string(MarkSymbol(mark)) + " " + results::OutcomeName(cell.outcome);
  if (cell.original_outcome) {
    verdict += std::string(" (auto; was ") + results::OutcomeName(*cell.original_outcome) + ")";
  }
  const std::string links = LinksHtml(CellLogLinks(options.log_root, cell, options.report_dir));
  return fmt::format(
      "<tr id=\"cell-{}\" data-s=\"{}\" data-c=\"{}\" data-t=\"{}\" data-v=\"{}\"><td>{}</td>"
      "<td>{}</td><td title=\"{}\">{}</td><td class=\"{}\">{}</td><td>{:.1f} s</td>"
      "<td class=\"reason\">{}</td><td class=\"links\">{}</td></tr>\n",
      CellId(run, &cell), XmlEscape(cell.server), XmlEscape(cell.client), XmlEscape(cell.test),
      VerdictKey(mark), XmlEscape(cell.server), XmlEscape(cell.client),
      XmlEscape(index.AbbrOf(cell.test)), XmlEscape(cell.test), VerdictKey(mark),
      XmlEscape(verdict), cell.duration_s, XmlEscape(cell.reason), links);
}

std::string CellsTable(const RunResults& run, const CellIndex& index, const HtmlOptions& options) {
  std::string out =
      "<h2>Cells</h2>\n<table id=\"cells\">\n<thead><tr><th>server</th><th>client</th>"
      "<th>test</th><th>verdict</th><th>time</th><th>reason</th><th>logs</th></tr></thead>\n"
      "<tbody>\n";
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      for (const results::TestInfo& test : run.tests) {
        const CellResult* cell = index.Find(server, client, test.name);
        if (cell != nullptr) out += CellRow(run, index, *cell, options);
      }
    }
  }
  return out + "</tbody>\n</table>\n";
}

/// A heading and a list of "name: text" items, or nothing when there are none.
std::string NamedList(const char* heading, const std::map<std::string, std::string>& items) {
  if (items.empty()) return "";
  std::string out = fmt::format("<h2>{}</h2>\n<ul>\n", heading);
  for (const auto& [name, text] : items) {
    out += fmt::format("<li><b>{}</b>: {}</li>\n", XmlEscape(name), XmlEscape(text));
  }
  return out + "</ul>\n";
}

constexpr const char* kDetailsPanel =
    "<section id=\"details\" hidden><button type=\"button\" class=\"close\" style=\"float:right\">"
    "close</button><b class=\"title\"></b><div class=\"reason\"></div><div "
    "class=\"links\"></div></section>\n";

}  // namespace

std::string HtmlReport(const RunResults& run, const HtmlOptions& options) {
  const CellIndex index(run);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>QUIC interop matrix – " + XmlEscape(run.log_dir) + "</title>\n";
  out += std::string("<style>") + kHtmlStyle + "</style>\n</head>\n<body>\n";
  out += Header(run) + Filters(run) + kDetailsPanel + Matrix(run, index) + Legend(run) +
         Measurements(run) + CellsTable(run, index, options) +
         NamedList("Skipped: not compliant", run.noncompliant) + NamedList("Built", run.versions);
  out += std::string("<script>") + kHtmlScript + "</script>\n</body>\n</html>\n";
  return out;
}

Result<std::string> WriteHtmlReport(const RunResults& run, const std::string& log_root,
                                    const std::string& report_dir) {
  std::error_code ec;
  std::filesystem::create_directories(report_dir, ec);
  if (ec) return Fail(Error::kIo, "cannot create " + report_dir + ": " + ec.message());
  const std::string path = (std::filesystem::path(report_dir) / kHtmlReportFile).string();
  Status s = util::WriteFileAtomically(path, HtmlReport(run, {.log_root = log_root, .report_dir = report_dir}));
  if (!s.ok()) return s.error();
  return path;
}

}  // namespace qir::report
