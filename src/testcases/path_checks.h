// Checks shared by the tests that move a connection to a new path
// (rebind-port, rebind-addr, connectionmigration): new paths are validated
// with PATH_CHALLENGE / PATH_RESPONSE (RFC 9000 §8.2, §9).
#pragma once

#include "testcases/test_case.h"

namespace qir::testcases {

/// On the server side, the first server packet on every path after the first
/// carries a PATH_CHALLENGE; at least two paths are used; every challenge is
/// answered by a PATH_RESPONSE from the client (client side).
Verdict CheckPathValidation(const CheckInput& in);

/// Server-sent packets go to at least two client IP addresses.
Verdict CheckSeveralClientAddresses(const CheckInput& in);

/// On the client side, the client's first packet on each new path uses a DCID
/// it has not used before (RFC 9000 §9.5).
Verdict CheckNewDcidPerPath(const CheckInput& in);

}  // namespace qir::testcases
