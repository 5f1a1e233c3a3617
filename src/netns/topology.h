// The three network namespaces of one cell (client — sim — server), their veth
// pairs, addresses and routes, and their removal. Nothing of a cell exists in
// the root namespace: each veth pair is created directly between two of its
// namespaces.
#pragma once

#include <string>

#include "netns/address_plan.h"
#include "util/result.h"

namespace qir::netns {

/// Namespace names of one cell.
struct CellNamespaces {
  std::string client;
  std::string sim;
  std::string server;
  std::string cross_client;  ///< cross-traffic host on the client side; empty unless asked for
  std::string cross_server;  ///< cross-traffic host on the server side; empty unless asked for
};

/// Owns a cell's namespaces. Move-only: destroying twice would kill another
/// cell's namespaces if a name were reused. The destructor tears down.
class Topology {
 public:
  Topology() = default;
  ~Topology();
  Topology(Topology&& other) noexcept;
  Topology& operator=(Topology&& other) noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  /// Creates `<name_prefix>-c`, `-s`, `-v` (client, sim, server), wires them and
  /// disables segmentation offloads. name_prefix must start with kNamespacePrefix.
  /// With `cross_traffic`, also `-xc` and `-xs`: one more host on each side
  /// (kCrossClientV4 / kCrossServerV4), on the same segment as the endpoint: the
  /// simulator's `left` and `right` are then bridges whose ports lead to both
  /// hosts, so the simulator forwards and captures their packets through the
  /// same link. On failure everything created so far is removed.
  static Result<Topology> Create(const std::string& name_prefix, bool cross_traffic = false);

  const CellNamespaces& names() const { return names_; }
  /// Kills processes still inside the namespaces and deletes them. Idempotent.
  Status Destroy();

 private:
  CellNamespaces names_;
  bool active_ = false;
};

/// Tears `topology` down on a thread of its own, so the next cell need not wait for the
/// kernel (deleting veths and namespaces takes tens of ms); a failure is printed to stderr.
void DestroyInBackground(Topology topology);
/// Waits until every teardown DestroyInBackground started has finished.
void AwaitBackgroundTeardowns();

/// Writes the cell's hosts file: server/server4/server6/server46, client, and
/// sim at `sim_v4` (the simulator's client-side address; loopback where there is
/// no simulator, as in the compliance probe).
Status WriteHostsFile(const std::string& path, const std::string& sim_v4 = kSimLeftV4);

}  // namespace qir::netns
