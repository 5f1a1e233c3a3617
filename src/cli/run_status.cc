// The live status line of `qir run` (run_status.h): "\r" + erase-line + the line, no newline,
// so each per-cell line first erases it, prints itself, and draws it again below.
#include "cli/run_status.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace qir::cli {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

size_t TerminalWidth() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col - 1;
  return 79;
}

constexpr const char* kEraseLine = "\r\033[K";

}  // namespace

RunStatus::RunStatus(runner::Progress progress, bool live) : progress_(std::move(progress)), live_(live) {
  if (live_) ticker_ = std::thread([this] { Tick(); });
}

RunStatus::~RunStatus() {
  if (!live_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  std::fputs(kEraseLine, stderr);
  std::fflush(stderr);
}

void RunStatus::Started(const plan::CellKey& cell) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_.Started(cell, Now());
  if (live_) DrawLocked();
}

void RunStatus::Finished(const results::CellResult& cell, const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  progress_.Finished(cell, Now());
  if (live_) std::fputs(kEraseLine, stderr);
  std::fputs(line.c_str(), stderr);
  if (live_) DrawLocked();
  std::fflush(stderr);
}

void RunStatus::DrawLocked() {
  std::fprintf(stderr, "%s%s", kEraseLine, progress_.StatusLine(Now(), TerminalWidth()).c_str());
  std::fflush(stderr);
}

void RunStatus::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    DrawLocked();
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
  }
}

}  // namespace qir::cli
