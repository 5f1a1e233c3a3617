// Predicates shared by the test cases' checks, the reference's vocabulary:
// handshake counting, the version+files check, Retry detection.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "testcases/test_case.h"
#include "trace/trace.h"

namespace qir::testcases {

/// Distinct Source Connection IDs among server-sent Initial packets: one per
/// connection the server accepted (the reference's `_count_handshakes`).
int CountHandshakes(const trace::Trace& server_side);

/// Versions of the server-sent Initial packets.
std::set<uint32_t> ServerInitialVersions(const trace::Trace& server_side);

/// True when the trace holds a Retry packet.
bool RetrySeen(const trace::Trace& trace);

/// The downloads folder holds exactly `files`, each byte-identical to www's copy.
Verdict CheckFiles(const std::string& www_dir, const std::string& downloads_dir,
                   const std::vector<std::string>& files);

/// Server Initials are only QUIC v1, then CheckFiles (the reference's `_check_version_and_files`).
Verdict CheckVersionAndFiles(const CheckInput& in);

/// Exactly `want` handshakes in the server-side trace.
Verdict CheckHandshakeCount(const CheckInput& in, int want);

/// "0x00000001" style.
std::string VersionString(uint32_t version);

/// Unsupported with the reason when the cell has no usable key log, else passed.
/// Tests that must read encrypted frames call it first (the reference's "needs keylog").
Verdict NeedKeys(const CheckInput& in);

/// Handshakes that got past the server's first flight: client connections that a
/// server Initial (server-side trace) answered and that the client continued with
/// a Handshake packet (seen in either trace: the client-side one has them before
/// any loss) to the server's Initial SCID or to a CID the server issued with
/// NEW_CONNECTION_ID,
/// or from the client CID the Initial was addressed to. A corrupted or lost client
/// Initial can make a server answer a connection the client never saw; counting
/// connections the client continued, once per client CID, keeps such throw-away
/// connections out (the reference's flaky over-count, its issue #125).
int CountCompletedHandshakes(const trace::Trace& server_side, const trace::Trace& client_side);

/// Handshake count by the reference's rule, then the version+files check.
Verdict CheckTransferLike(const CheckInput& in);

/// Packets sent by one side, as a filtered view.
std::vector<const trace::Packet*> SentBy(const trace::Trace& t, trace::Direction d, trace::PacketType type);

}  // namespace qir::testcases
