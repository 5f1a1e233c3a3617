// PID namespace keeper (pid_namespace.h).
#include "netns/pid_namespace.h"

#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace qir::netns {
namespace {

pid_t g_init = -1;

void Forward(int sig) {
  if (g_init > 0) kill(g_init, sig);
}

[[noreturn]] void KeepUntilInitEnds(pid_t init) {
  g_init = init;
  struct sigaction sa {};
  sa.sa_handler = Forward;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaction(sig, &sa, nullptr);
  int status = 0;
  while (waitpid(init, &status, 0) < 0) {
    if (errno != EINTR) _exit(126);
  }
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  // Die of the same signal, without a core file of our own, so the runner can tell a crash.
  const int sig = WTERMSIG(status);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  kill(getpid(), sig);
  _exit(128 + sig);
}

}  // namespace

Status ForkIntoPidNamespace() {
  if (unshare(CLONE_NEWPID) != 0) return Fail(Error::kIo, std::string("unshare PID namespace: ") + std::strerror(errno));
  const pid_t child = fork();
  if (child < 0) return Fail(Error::kIo, std::string("fork: ") + std::strerror(errno));
  if (child > 0) KeepUntilInitEnds(child);
  // PID 1 inside: die with the keeper (a SIGKILLed keeper cannot pass anything on).
  // (getppid() is 0 here, the keeper being outside, so a keeper that died before
  // this line goes unnoticed; the runner then kills what is left in the cell's
  // network namespace.)
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return Fail(Error::kIo, "prctl PR_SET_PDEATHSIG");
  return {};
}

}  // namespace qir::netns
