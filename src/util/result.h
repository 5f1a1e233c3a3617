// Result<T>: a value or an error, qir's replacement for exceptions and for
// std::expected (C++23). Every fallible function in qir returns one.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace qir {

/// What kind of failure an error is; callers branch on this, people read the message.
enum class Error {
  kInvalidArgument,  ///< bad user input: a flag, a scenario string, a JSON file
  kParse,            ///< malformed data from a file or the wire (pcap, packet, key log)
  kIo,               ///< a system call failed; the message carries strerror
  kNotFound,         ///< a named thing (file, test, implementation) does not exist
  kTimeout,          ///< a deadline passed before the awaited event
  kLimitExceeded,    ///< a budget (count, size) was hit; distinct from a timeout
  kUnsupported,      ///< valid but not implemented / not available here
  kInternal,         ///< a bug in qir itself
};

/// An error value: code, one-line human message, and the offending input
/// (a file offset, a flag value, a packet index) when there is one.
struct ErrorInfo {
  Error code = Error::kInternal;
  std::string message;
  std::string arg;  ///< the part of the input at fault; empty when none

  /// "message (arg)" or just "message".
  std::string Text() const { return arg.empty() ? message : message + " (" + arg + ")"; }
};

/// Builds an ErrorInfo; `return Fail(Error::kParse, "truncated UDP header");`
inline ErrorInfo Fail(Error code, std::string message, std::string arg = {}) {
  return ErrorInfo{code, std::move(message), std::move(arg)};
}

/// A T or an ErrorInfo. Check ok() before value().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(ErrorInfo error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const ErrorInfo& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ErrorInfo> v_;
};

/// Result<void>: success or an error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(ErrorInfo error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const ErrorInfo& error() const { return error_; }

 private:
  ErrorInfo error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace qir
