// Named constants from RFC 9369 (QUIC version 2): the version number and the
// re-shuffled long header packet types.
#pragma once

#include <cstdint>

namespace qir::trace {

// §3.1: first four bytes of sha256("QUICv2 version number").
inline constexpr uint32_t kVersion2 = 0x6b3343cf;
// §9: provisional draft codepoint (draft-ietf-quic-v2); not decoded as v2 here.
inline constexpr uint32_t kVersion2Draft = 0x709a50c4;

// §3.2: QUIC v2 long header packet types (the two Type bits).
inline constexpr uint8_t kV2TypeRetry = 0x0;
inline constexpr uint8_t kV2TypeInitial = 0x1;
inline constexpr uint8_t kV2TypeZeroRtt = 0x2;
inline constexpr uint8_t kV2TypeHandshake = 0x3;

}  // namespace qir::trace
