// How an endpoint is started under the reference's endpoint contract: the
// `qir _exec` command line that builds its sandbox and the environment it sees.
// Shared by the cell runner and the compliance probe.
#pragma once

#include <string>
#include <vector>

#include "runner/implementations.h"

namespace qir::runner {

/// Exit code by which an endpoint says "this TESTCASE is not supported".
inline constexpr int kUnsupportedExit = 127;

/// Host folders of one endpoint's sandbox.
struct EndpointDirs {
  std::string root;       ///< skeleton root to build and chroot into
  std::string tmp;        ///< mounted as /tmp
  std::string hosts;      ///< mounted as /etc/hosts
  std::string www;        ///< mounted read-only as /www
  std::string downloads;  ///< mounted as /downloads
  std::string certs;      ///< mounted read-only as /certs
  std::string logs;       ///< mounted as /logs
};

/// `qir _exec` argv that runs `impl`'s entry point in namespace `netns` inside its sandbox.
std::vector<std::string> EndpointArgv(const std::string& qir_binary, const Implementation& impl,
                                      const std::string& netns, const EndpointDirs& dirs);

/// The contract's environment: ROLE, TESTCASE, TESTCASE_CONTEXT, REQUESTS, key log, qlog, HOME.
std::vector<std::string> EndpointEnv(const std::string& role, const std::string& testcase,
                                     const std::string& context, const std::string& requests);

}  // namespace qir::runner
