// Fetching images by name (fetch.h) through the engines' and skopeo's command
// lines, which are the stable interfaces of those tools.
#include "image/fetch.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "util/subprocess.h"

namespace qir::image {
namespace {

std::string FirstLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
  }
  return "no output";
}

// skopeo logs `time="..." level=fatal msg="..."`; the msg is what people need.
std::string SkopeoReason(const std::string& output) {
  std::string line = FirstLine(output);
  size_t msg = line.find("msg=\"");
  if (msg == std::string::npos) return line;
  std::string reason = line.substr(msg + 5);
  if (!reason.empty() && reason.back() == '"') reason.pop_back();
  std::string unescaped;
  for (size_t i = 0; i < reason.size(); ++i) {
    if (reason[i] == '\\' && i + 1 < reason.size()) ++i;
    unescaped += reason[i];
  }
  return unescaped;
}

// Run as root, skopeo keeps a blob cache under /var/lib/containers. In a
// private mount namespace that path becomes a tmpfs, or (when it does not
// exist) /var/lib turns read-only apart from our own output directory, so the
// cache falls back to memory and the host stays untouched.
constexpr char kPrivateMountScript[] =
    "set -e; mount --make-rprivate /; "
    "if [ -d /var/lib/containers ]; then mount -t tmpfs qir-skopeo /var/lib/containers; "
    "else mount --bind /var/lib /var/lib; mount -o remount,bind,ro /var/lib; mount --bind \"$1\" "
    "\"$1\"; fi; "
    "shift; exec \"$@\"";

}  // namespace

std::string FindProgram(const std::string& program) {
  if (program.empty()) return "";
  if (program.find('/') != std::string::npos)
    return access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::optional<std::string> EngineImageId(const std::string& engine, const std::string& name,
                                         const FetchOptions& options) {
  std::string program = FindProgram(engine);
  if (program.empty()) return std::nullopt;
  Result<util::CommandResult> run = util::RunCommand(
      {program, "image", "inspect", "-f", "{{.Id}}", name}, options.inspect_timeout);
  if (!run.ok() || !run->exit.Succeeded()) return std::nullopt;
  std::string id = FirstLine(run->output);
  if (id.compare(0, 7, "sha256:") != 0) id = "sha256:" + id;  // podman prints the bare hex
  return id;
}

Status EngineSave(const std::string& engine, const std::string& name, const std::string& archive,
                  const FetchOptions& options) {
  std::string program = FindProgram(engine);
  std::vector<std::string> argv = {program, "save", "-o", archive, name};
  if (engine.find("podman") != std::string::npos)
    argv.insert(argv.begin() + 2, {"--format", "docker-archive"});
  Result<util::CommandResult> run = util::RunCommand(argv, options.save_timeout);
  if (!run.ok())
    return Fail(run.error().code, "image " + name + ": " + engine + " save: " + run.error().message,
                name);
  if (!run->exit.Succeeded()) {
    return Fail(Error::kIo,
                "image " + name + ": " + engine + " save failed: " + FirstLine(run->output), name);
  }
  return {};
}

Status SkopeoCopy(const std::string& name, const std::string& layout_dir,
                  const std::string& scratch_dir, const FetchOptions& options) {
  std::string skopeo = FindProgram(options.skopeo);
  if (skopeo.empty()) {
    return Fail(Error::kNotFound,
                "image " + name +
                    ": not in a local docker/podman store and skopeo is not installed; " +
                    ArchiveHint(name),
                name);
  }
  std::vector<std::string> argv = {skopeo,
                                   "--command-timeout",
                                   std::to_string(options.registry_timeout.count()) + "s",
                                   "--tmpdir",
                                   scratch_dir,
                                   "--override-os",
                                   "linux",
                                   "--override-arch",
                                   "amd64",
                                   "copy",
                                   "--retry-times",
                                   "0",
                                   "docker://" + name,
                                   "oci:" + layout_dir + ":latest"};
  if (geteuid() == 0 && !FindProgram("unshare").empty()) {
    std::vector<std::string> wrapped = {"unshare",           "-m", "sh",       "-c",
                                        kPrivateMountScript, "sh", scratch_dir};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    argv = std::move(wrapped);
  }
  Result<util::CommandResult> run =
      util::RunCommand(argv, options.registry_timeout + std::chrono::seconds(10));
  std::string reason;
  if (!run.ok())
    reason = run.error().message;
  else if (!run->exit.Succeeded())
    reason = SkopeoReason(run->output);
  if (reason.empty()) return {};
  return Fail(Error::kNotFound,
              "image " + name +
                  ": not in a local docker/podman store, and skopeo could not fetch it (" + reason +
                  "); " + ArchiveHint(name),
              name);
}

std::string ArchiveHint(const std::string& name) {
  return "give it as an archive instead: docker save " + name +
         " -o x.tar, then -r impl=docker-archive:x.tar";
}

}  // namespace qir::image
