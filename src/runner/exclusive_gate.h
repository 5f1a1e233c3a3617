// Measurements run alone: while one holds the gate exclusively no cell runs, and
// a waiting measurement stops new cells from starting (writer preference), so it
// gets the machine within one cell's time instead of after the whole matrix.
#pragma once

#include <condition_variable>
#include <mutex>

namespace qir::runner {

/// A shared/exclusive gate with writer preference. Not copyable (threads wait on it).
class ExclusiveGate {
 public:
  /// Held while it lives; releases on destruction.
  class Hold {
   public:
    Hold(ExclusiveGate& gate, bool exclusive) : gate_(gate), exclusive_(exclusive) { gate_.Enter(exclusive_); }
    ~Hold() { gate_.Leave(exclusive_); }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    ExclusiveGate& gate_;
    bool exclusive_;
  };

  ExclusiveGate() = default;
  ExclusiveGate(const ExclusiveGate&) = delete;
  ExclusiveGate& operator=(const ExclusiveGate&) = delete;

 private:
  void Enter(bool exclusive) {
    std::unique_lock<std::mutex> lock(mu_);
    if (exclusive) {
      ++waiting_exclusive_;
      cv_.wait(lock, [&] { return shared_ == 0 && !exclusive_; });
      --waiting_exclusive_;
      exclusive_ = true;
    } else {
      cv_.wait(lock, [&] { return !exclusive_ && waiting_exclusive_ == 0; });
      ++shared_;
    }
  }
  void Leave(bool exclusive) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (exclusive) {
        exclusive_ = false;
      } else {
        --shared_;
      }
    }
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int shared_ = 0;             ///< cells running
  int waiting_exclusive_ = 0;  ///< measurements waiting for the cells to end
  bool exclusive_ = false;     ///< a measurement is running
};

}  // namespace qir::runner
