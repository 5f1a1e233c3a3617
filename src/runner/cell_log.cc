// Cell log lines (cell_log.h).
#include "runner/cell_log.h"

#include <fmt/format.h>

namespace qir::runner {

void CellLog::Line(const std::string& message) {
  out_ << fmt::format("[{:8.3f} s] {}\n", Elapsed(), message);
  out_.flush();
}

double CellLog::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace qir::runner
