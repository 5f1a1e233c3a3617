// How an endpoint is started under the reference's endpoint contract: the
// `qir _exec` command line that builds its sandbox and the environment it sees.
// Shared by the cell runner and the compliance probe. Native endpoints run
// /impl/<run> in a skeleton of the host with the runner's environment plus the
// contract's; image endpoints run their Entrypoint + Cmd in an overlay of their
// image with the image's Env plus the contract's, and nothing of the host's.
#pragma once

#include <string>
#include <vector>

#include "runner/implementations.h"
#include "util/subprocess.h"

namespace qir::runner {

/// Exit code by which an endpoint says "this TESTCASE is not supported".
inline constexpr int kUnsupportedExit = 127;

/// Host folders of one endpoint's sandbox.
struct EndpointDirs {
  std::string root;       ///< skeleton root to build and chroot into (images: the overlay's mount point)
  std::string tmp;        ///< mounted as /tmp (native endpoints)
  std::string layer;      ///< images: holds the overlay's writable layer; deleted with the cell
  std::string hosts;      ///< mounted as /etc/hosts
  std::string www;        ///< mounted read-only as /www
  std::string downloads;  ///< mounted as /downloads
  std::string certs;      ///< mounted read-only as /certs
  std::string logs;       ///< mounted as /logs
};

/// What the endpoint is asked to do.
struct EndpointTask {
  std::string role;      ///< "server" or "client"
  std::string testcase;  ///< TESTCASE
  std::string context;   ///< TESTCASE_CONTEXT: the matrix test's name
  std::string requests;  ///< REQUESTS: space-separated URLs
};

/// `qir _exec` argv that runs `impl`'s entry point in namespace `netns` inside its sandbox.
std::vector<std::string> EndpointArgv(const std::string& qir_binary, const Implementation& impl,
                                      const std::string& netns, const EndpointDirs& dirs, const std::string& role);

/// The contract's variables alone (ROLE, TESTCASE, TESTCASE_CONTEXT, REQUESTS,
/// SSLKEYLOGFILE, QLOGDIR, CLIENT_PARAMS and SERVER_PARAMS empty).
std::vector<std::string> ContractEnv(const EndpointTask& task);

/// The environment `impl` sees: the contract's variables (ROLE, TESTCASE,
/// TESTCASE_CONTEXT, REQUESTS, SSLKEYLOGFILE, QLOGDIR, CLIENT_PARAMS and
/// SERVER_PARAMS empty), for images over the image's own Env.
std::vector<std::string> EndpointEnv(const Implementation& impl, const EndpointTask& task);

/// Everything to spawn the endpoint (under podman for RunsInPodman(impl)), its stdout and stderr going to `output_path`.
util::SpawnOptions EndpointSpawn(const std::string& qir_binary, const Implementation& impl, const std::string& netns,
                                 const EndpointDirs& dirs, const EndpointTask& task, const std::string& output_path);

}  // namespace qir::runner
