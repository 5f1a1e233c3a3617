// The interop matrix as one self-contained static HTML page (inline CSS and JS, no network):
// servers × clients grid with each cell's tests as coloured badges like the reference's site,
// the reason on hover and in a details view, links to each cell's logs, filters kept in the
// URL, the measurements table, and a list of every cell.
#pragma once

#include <string>

#include "results/results.h"
#include "util/result.h"

namespace qir::report {

/// Where the page finds the logs it links to.
struct HtmlOptions {
  std::string log_root;    ///< folder holding the cells' log_dir folders; empty: no links
  std::string report_dir;  ///< folder the page is written to; links are relative to it
};

/// The page. Every name and reason is HTML-escaped; nothing is fetched at view time.
std::string HtmlReport(const results::RunResults& run, const HtmlOptions& options);

/// Name of the page inside its folder.
inline constexpr const char* kHtmlReportFile = "index.html";

/// Writes `report_dir`/index.html (creating the folder), links resolved against `log_root`.
/// Returns the page's path. Errors: kIo naming the path.
Result<std::string> WriteHtmlReport(const results::RunResults& run, const std::string& log_root,
                                    const std::string& report_dir);

}  // namespace qir::report
