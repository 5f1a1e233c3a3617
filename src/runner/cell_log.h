// output.txt of one cell: timestamped lines, relative to the cell's start.
#pragma once

#include <chrono>
#include <fstream>
#include <string>

namespace qir::runner {

/// Appends "[  12.345 s] message" lines to a cell's output.txt.
class CellLog {
 public:
  explicit CellLog(const std::string& path)
      : out_(path, std::ios::app), start_(std::chrono::steady_clock::now()) {}

  /// Writes one line (flushed: a killed run keeps what was logged).
  void Line(const std::string& message);
  /// Seconds since the log was opened.
  double Elapsed() const;

 private:
  std::ofstream out_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace qir::runner
