// Policy routing through the simulator's TUNs (routing.h), the design proven in
// native-stacks.md "What the kernel lacks": ip rule iif <veth> lookup <table>,
// table = default dev <tun>, for IPv4 and IPv6; rp_filter off on every interface
// a diverted packet crosses (effective value is max(all, iface), RFC 3704 strict
// mode would drop packets re-entering from a TUN).
#include "sim/routing.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "util/subprocess.h"

namespace qir::sim {
namespace {

/// Deadline for one `ip` command; they finish in milliseconds.
constexpr std::chrono::seconds kIpTimeout{10};
/// Stale copies of a rule (from a killed earlier run) removed before adding it.
constexpr int kMaxStaleRules = 8;

/// The IP families we divert, as `ip` option prefixes.
const std::vector<std::string> kFamilies[] = {{"ip", "-4"}, {"ip", "-6"}};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Status CheckInterfaceExists(const std::string& name) {
  Result<util::CommandResult> r = util::RunCommand({"ip", "link", "show", "dev", name}, kIpTimeout);
  if (!r) return r.error();
  if (!r->exit.Succeeded())
    return Fail(Error::kNotFound, "no such network interface in this namespace", name);
  return {};
}

Status DisableRpFilter(const std::vector<std::string>& interfaces) {
  for (const std::string& name : interfaces) {
    if (Status s = WriteSysctl("net.ipv4.conf." + name + ".rp_filter", "0"); !s) return s;
  }
  return {};
}

}  // namespace

Status WriteSysctl(const std::string& key, const std::string& value) {
  std::string path = "/proc/sys/" + key;
  // Interface names may contain dots only in theory; qir's never do.
  std::replace(path.begin() + 10, path.end(), '.', '/');
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Error::kIo, std::string("open: ") + std::strerror(errno), path);
  ssize_t n = ::write(fd, value.data(), value.size());
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return Fail(Error::kIo, std::string("write: ") + std::strerror(saved), path + " = " + value);
  }
  return {};
}

PolicyRouting::~PolicyRouting() { (void)Uninstall(); }

PolicyRouting::PolicyRouting(PolicyRouting&& other) noexcept
    : undo_(std::exchange(other.undo_, {})) {}

PolicyRouting& PolicyRouting::operator=(PolicyRouting&& other) noexcept {
  if (this != &other) {
    (void)Uninstall();
    undo_ = std::exchange(other.undo_, {});
  }
  return *this;
}

Status PolicyRouting::Apply(const std::vector<std::string>& argv, std::vector<std::string> undo) {
  if (Status s = util::RunChecked(argv, kIpTimeout); !s) return s;
  if (!undo.empty()) undo_.push_back(std::move(undo));
  return {};
}

Status PolicyRouting::DivertSide(const std::string& veth, const std::string& tun, int table,
                                 int mtu) {
  std::string t = std::to_string(table);
  if (Status s = Apply({"ip", "link", "set", "dev", tun, "mtu", std::to_string(mtu), "up"}, {}); !s)
    return s;
  for (const std::vector<std::string>& ip : kFamilies) {
    std::vector<std::string> route = {"default", "dev", tun, "table", t};
    if (Status s = Apply(Concat(Concat(ip, {"route", "replace"}), route),
                         Concat(Concat(ip, {"route", "del"}), route));
        !s) {
      return s;
    }
    std::vector<std::string> rule = {"iif", veth, "lookup", t};
    for (int i = 0; i < kMaxStaleRules; ++i) {
      Result<util::CommandResult> r =
          util::RunCommand(Concat(Concat(ip, {"rule", "del"}), rule), kIpTimeout);
      if (!r || !r->exit.Succeeded()) break;
    }
    if (Status s = Apply(Concat(Concat(ip, {"rule", "add"}), rule),
                         Concat(Concat(ip, {"rule", "del"}), rule));
        !s) {
      return s;
    }
  }
  return {};
}

Result<PolicyRouting> PolicyRouting::Install(const RoutingConfig& config) {
  for (const std::string* name :
       {&config.left_if, &config.right_if, &config.left_tun, &config.right_tun}) {
    if (Status s = CheckInterfaceExists(*name); !s) return s.error();
  }
  if (Status s = WriteSysctl("net.ipv4.ip_forward", "1"); !s) return s.error();
  if (Status s = WriteSysctl("net.ipv6.conf.all.forwarding", "1"); !s) return s.error();
  if (Status s = DisableRpFilter(
          {"all", "default", config.left_if, config.right_if, config.left_tun, config.right_tun});
      !s) {
    return s.error();
  }
  PolicyRouting routing;  // undoes the partial setup if a step below fails
  if (Status s = routing.DivertSide(config.left_if, config.left_tun, config.left_table, config.mtu);
      !s) {
    return s.error();
  }
  if (Status s =
          routing.DivertSide(config.right_if, config.right_tun, config.right_table, config.mtu);
      !s) {
    return s.error();
  }
  return routing;
}

Status PolicyRouting::Uninstall() {
  Status first;
  while (!undo_.empty()) {
    std::vector<std::string> argv = std::move(undo_.back());
    undo_.pop_back();
    Status s = util::RunChecked(argv, kIpTimeout);
    if (!s && first.ok()) first = s;
  }
  return first;
}

}  // namespace qir::sim
