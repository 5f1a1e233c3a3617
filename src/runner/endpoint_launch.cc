// Endpoint command line and environment (endpoint_launch.h).
#include "runner/endpoint_launch.h"

#include "runner/podman_launch.h"

namespace qir::runner {
namespace {

std::string KeyOf(const std::string& entry) { return entry.substr(0, entry.find('=')); }

/// `base` with every entry of `over` replacing the one of the same key, or appended.
std::vector<std::string> Overlay(std::vector<std::string> base, const std::vector<std::string>& over) {
  for (const std::string& entry : over) {
    std::erase_if(base, [&](const std::string& b) { return KeyOf(b) == KeyOf(entry); });
    base.push_back(entry);
  }
  return base;
}

bool HasKey(const std::vector<std::string>& env, const std::string& key) {
  for (const std::string& e : env) {
    if (KeyOf(e) == key) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> EndpointArgv(const std::string& qir_binary, const Implementation& impl,
                                      const std::string& netns, const EndpointDirs& d, const std::string& role) {
  std::vector<std::string> argv = {qir_binary, "_exec", "--netns", netns, "--root", d.root, "--hosts", d.hosts,
                                   "--bind", d.www + ":/www:ro", "--bind", d.downloads + ":/downloads",
                                   "--bind", d.certs + ":/certs:ro", "--bind", d.logs + ":/logs"};
  if (!impl.IsImage()) {
    argv.insert(argv.end(), {"--tmp", d.tmp, "--bind", impl.dir + ":/impl:ro", "--", "/impl/" + impl.run});
    return argv;
  }
  const ImageLaunch& launch = *impl.launch;
  argv.insert(argv.end(), {"--image", launch.rootfs, "--upper", d.layer, "--hostname", role});
  if (!launch.working_dir.empty()) argv.insert(argv.end(), {"--workdir", launch.working_dir});
  argv.push_back("--");
  argv.insert(argv.end(), launch.argv.begin(), launch.argv.end());
  return argv;
}

std::vector<std::string> ContractEnv(const EndpointTask& task) {
  return {"ROLE=" + task.role,         "TESTCASE=" + task.testcase,    "TESTCASE_CONTEXT=" + task.context,
          "REQUESTS=" + task.requests, "SSLKEYLOGFILE=/logs/keys.log", "QLOGDIR=/logs/qlog/",
          "CLIENT_PARAMS=",            "SERVER_PARAMS="};
}

std::vector<std::string> EndpointEnv(const Implementation& impl, const EndpointTask& task) {
  std::vector<std::string> contract = ContractEnv(task);
  if (!impl.IsImage()) {
    contract.push_back("HOME=/tmp");
    return contract;
  }
  // What an engine adds when the image does not say: a PATH, HOME, HOSTNAME.
  std::vector<std::string> env = impl.launch->env;
  if (!HasKey(env, "PATH")) env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  if (!HasKey(env, "HOME")) env.push_back("HOME=/root");
  env = Overlay(std::move(env), {"HOSTNAME=" + task.role});
  return Overlay(std::move(env), contract);
}

util::SpawnOptions EndpointSpawn(const std::string& qir_binary, const Implementation& impl, const std::string& netns,
                                 const EndpointDirs& dirs, const EndpointTask& task, const std::string& output_path) {
  if (RunsInPodman(impl)) {
    return {.argv = PodmanSpawnArgv(impl, netns, dirs, task), .inherit_env = true, .stdout_path = output_path};
  }
  return {.argv = EndpointArgv(qir_binary, impl, netns, dirs, task.role),
          .env = EndpointEnv(impl, task),
          .inherit_env = !impl.IsImage(),
          .stdout_path = output_path};
}

}  // namespace qir::runner
