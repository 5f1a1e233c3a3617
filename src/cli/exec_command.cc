// `qir _exec`: internal plumbing the runner uses to start the simulator and the
// endpoints. A fresh, single-threaded process enters the cell's namespaces
// (netns/sandbox.h) and then execs the real program, so the runner itself never
// forks from its threads.
//   qir _exec [--netns NAME] [--root DIR --tmp DIR] [--hosts FILE] [--bind SRC:DST[:ro]]...
//             [--image ROOTFS --upper DIR [--hostname NAME] [--workdir DIR]] -- PROGRAM ARGS...
// With --image, --root is the overlay's mount point and PROGRAM is looked up in
// the image (relative names from its WorkingDir, as an engine does).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "netns/sandbox.h"

namespace qir::cli {
namespace {

int Die(const std::string& message) {
  std::fprintf(stderr, "qir _exec: %s\n", message.c_str());
  return 126;  // like a shell: could not run the program (distinct from the program's 127)
}

}  // namespace

int ExecCommand(int argc, char** argv) {
  netns::SandboxSpec spec;
  int i = 1;
  for (; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--") {
      ++i;
      break;
    }
    if (i + 1 >= argc) return Die("flag " + flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--netns") {
      spec.netns = value;
    } else if (flag == "--root") {
      spec.root = value;
    } else if (flag == "--tmp") {
      spec.tmp_dir = value;
    } else if (flag == "--hosts") {
      spec.hosts_file = value;
    } else if (flag == "--image") {
      spec.image_rootfs = value;
    } else if (flag == "--upper") {
      spec.upper_dir = value;
    } else if (flag == "--hostname") {
      spec.hostname = value;
    } else if (flag == "--workdir") {
      spec.working_dir = value;
    } else if (flag == "--bind") {
      Result<netns::BindMount> bind = netns::ParseBindMount(value);
      if (!bind.ok()) return Die(bind.error().Text());
      spec.binds.push_back(*bind);
    } else {
      return Die("unknown flag " + flag);
    }
  }
  if (i >= argc) return Die("no program given after --");
  if (Status s = netns::EnterSandbox(spec); !s.ok()) return Die(s.error().Text());
  // No descriptor of the runner's may reach the endpoint: an open directory
  // outside its root would be a way out.
  close_range(3, ~0u, 0);
  execvp(argv[i], argv + i);
  return Die(std::string("exec ") + argv[i] + ": " + std::strerror(errno));
}

}  // namespace qir::cli
