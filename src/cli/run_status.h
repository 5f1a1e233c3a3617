// The lines `qir run` prints while cells run: one line per finished cell (as before) and, when
// stderr is a terminal, a live status line below them (runner/progress.h), redrawn every second
// and whenever a cell starts or ends. Not a terminal: only the per-cell lines.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "runner/progress.h"

namespace qir::cli {

class RunStatus {
 public:
  /// `live`: draw the status line (stderr is a terminal).
  RunStatus(runner::Progress progress, bool live);
  /// Stops the redraws and erases the status line.
  ~RunStatus();
  RunStatus(const RunStatus&) = delete;  // owns the redraw thread
  RunStatus& operator=(const RunStatus&) = delete;

  void Started(const plan::CellKey& cell);
  /// Prints `line` (one finished cell, ending in a newline) above the status line.
  void Finished(const results::CellResult& cell, const std::string& line);

 private:
  void DrawLocked();  ///< mu_ held
  void Tick();

  std::mutex mu_;
  std::condition_variable wake_;
  runner::Progress progress_;
  const bool live_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace qir::cli
