// The per-test certificate chain the endpoints find in /certs: a fresh ECDSA
// P-256 root, N-1 intermediates and a leaf for the names server, server4,
// server6 and server46 (interop-runner-facts.md §3 "Certificates").
#pragma once

#include <string>

#include "util/result.h"

namespace qir::runner {

/// File names inside the certificate directory, as the endpoint contract expects them.
inline constexpr const char* kCertFile = "cert.pem";  ///< leaf, then intermediates; no root
inline constexpr const char* kKeyFile = "priv.key";   ///< leaf private key, PEM PKCS#8
inline constexpr const char* kCaFile = "ca.pem";      ///< the self-signed root

/// The longest chain WriteCertChain accepts (the reference's longest is 9, for
/// amplificationlimit); a bound so a bad test definition cannot run away.
inline constexpr int kMaxChainLength = 32;

/// Writes cert.pem (leaf first, then the intermediates; root excluded), priv.key (leaf key, PEM
/// PKCS#8) and ca.pem (root) into `dir`, which must exist. chain_length 1 = root signs the leaf
/// directly; N = N-1 intermediates. When chain_length != 1 the leaf also gets 20 random
/// 250-character DNS SANs (inflates the chain for the amplification test).
/// Errors: kInvalidArgument for a chain_length outside 1..kMaxChainLength, kIo when a file cannot
/// be written, kInternal when an OpenSSL call fails (message carries the OpenSSL error string).
Status WriteCertChain(const std::string& dir, int chain_length);

}  // namespace qir::runner
