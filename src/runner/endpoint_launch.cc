// Endpoint command line and environment (endpoint_launch.h).
#include "runner/endpoint_launch.h"

namespace qir::runner {

std::vector<std::string> EndpointArgv(const std::string& qir_binary, const Implementation& impl,
                                      const std::string& netns, const EndpointDirs& d) {
  return {qir_binary, "_exec", "--netns", netns, "--root", d.root, "--tmp", d.tmp, "--hosts", d.hosts,
          "--bind", d.www + ":/www:ro", "--bind", d.downloads + ":/downloads",
          "--bind", d.certs + ":/certs:ro", "--bind", d.logs + ":/logs",
          "--bind", impl.dir + ":/impl:ro", "--", "/impl/" + impl.run};
}

std::vector<std::string> EndpointEnv(const std::string& role, const std::string& testcase,
                                     const std::string& context, const std::string& requests) {
  return {"ROLE=" + role,          "TESTCASE=" + testcase,         "TESTCASE_CONTEXT=" + context,
          "REQUESTS=" + requests,  "SSLKEYLOGFILE=/logs/keys.log", "QLOGDIR=/logs/qlog/",
          "HOME=/tmp"};
}

}  // namespace qir::runner
