// Implementations: the QUIC stacks the matrix runs, read from JSON files in
// qir's format (implementations/implementations.json):
//   { "<name>": { "role": "both"|"server"|"client", "url": "...",
//                 "dir": "<folder, relative to the JSON file; default: name>",
//                 "build": "<script in dir, optional>",
//                 "run": "<entry point in dir; default run_endpoint.sh>" } }
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace qir::runner {

/// Which side(s) of a connection an implementation can play.
enum class Role {
  kBoth,    ///< client and server
  kServer,  ///< server only
  kClient,  ///< client only
};

/// One QUIC stack behind the endpoint contract.
struct Implementation {
  std::string name;
  Role role = Role::kBoth;
  std::string url;     ///< project page, shown in reports
  std::string dir;     ///< absolute folder; mounted read-only at /impl in the sandbox
  std::string build;   ///< absolute path of the build script; empty = nothing to build
  std::string run;     ///< entry point relative to dir, e.g. "run_endpoint.sh"

  bool IsServer() const { return role != Role::kClient; }
  bool IsClient() const { return role != Role::kServer; }
};

/// Reads one implementations file. Errors name the file and the offending key.
Result<std::vector<Implementation>> LoadImplementations(const std::string& path);

/// Appends `more` to `into`; a name already present is replaced (a user's file
/// may override a built-in stack).
void MergeImplementations(std::vector<Implementation>* into, std::vector<Implementation> more);

/// The implementation named `name`, or nullptr.
const Implementation* FindImplementation(const std::vector<Implementation>& all, const std::string& name);

}  // namespace qir::runner
