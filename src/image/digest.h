// Content digests as the OCI image spec writes them ("sha256:<64 hex>",
// descriptor.md#digests); only sha256 is accepted, as every engine writes it.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>

#include "util/result.h"

namespace qir::image {

/// An incremental sha256. Move-only because it owns an EVP_MD_CTX.
class Sha256 {
 public:
  Sha256();
  void Update(const void* data, size_t size);
  /// "sha256:<hex>" of everything fed so far; call once.
  std::string Finish();

 private:
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
};

/// "sha256:<hex>" of a file's bytes.
Result<std::string> Sha256OfFile(const std::string& path);

/// True for "sha256:" followed by 64 lower-case hex digits.
bool IsSha256Digest(const std::string& digest);

/// The 64 hex digits of a valid digest.
inline std::string DigestHex(const std::string& digest) { return digest.substr(7); }

/// A shortened digest for messages: "sha256:0123456789ab".
inline std::string ShortDigest(const std::string& digest) { return digest.substr(0, 19); }

}  // namespace qir::image
