// The log files of one cell that a report links to: output.txt, the simulator's pcaps, key
// logs, qlogs and the endpoints' own logs, found on disk under the cell's log folder. Files
// that are not there are not linked, so a report of a moved result.json has no dead links.
#pragma once

#include <string>
#include <vector>

#include "results/results.h"

namespace qir::report {

/// Most links listed for one cell (an endpoint may write hundreds of qlogs).
inline constexpr size_t kMaxLinksPerCell = 40;

/// One file of a cell.
struct LogLink {
  std::string label;  ///< path inside the cell's folder, e.g. "sim/trace_node_left.pcap"
  std::string href;   ///< URL relative to the report's folder, percent-encoded
};

/// The folder that holds the cells' log folders for a result.json at `result_path`: the run's
/// log_dir when it is an existing folder (absolute, or relative to the result.json's folder),
/// else the result.json's own folder when the first cell's log folder is in it; empty when
/// neither (then nothing is linked).
std::string FindLogRoot(const std::string& result_path, const results::RunResults& run);

/// The linkable files of `cell` under `log_root`, in a fixed order (output.txt first, then by
/// path), hrefs relative to `report_dir`. Empty when log_root is empty or the folder is missing.
/// Copies of served and downloaded files (server_www, client_downloads) are left out.
std::vector<LogLink> CellLogLinks(const std::string& log_root, const results::CellResult& cell,
                                  const std::string& report_dir);

/// `path` with every byte outside RFC 3986's unreserved set and '/' percent-encoded.
std::string UrlEncodePath(const std::string& path);

}  // namespace qir::report
