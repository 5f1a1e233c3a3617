// unique_ptr for OpenSSL objects: OsslPtr<X509, X509_free> frees with the
// matching OpenSSL function. Header-only; include it where OpenSSL is linked.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace qir::util {

/// unique_ptr deleter calling an OpenSSL free function.
template <auto kFree>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

/// An owned OpenSSL object freed by `kFree`.
template <typename T, auto kFree>
using OsslPtr = std::unique_ptr<T, OsslDeleter<kFree>>;

using X509Ptr = OsslPtr<X509, X509_free>;
using PkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using BioPtr = OsslPtr<BIO, BIO_free_all>;

}  // namespace qir::util
